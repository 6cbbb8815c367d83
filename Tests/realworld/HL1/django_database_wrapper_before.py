# upstream: Django (db.backends.base.base.BaseDatabaseWrapper), ported in saleor/saleor
# reference: Django ticket #34865; saleor PR #17313 (merged) "Remove reference cycle in Django DB"
#   (and its port PR #17592, merged)
# url: https://github.com/saleor/saleor/pull/17313
# leaked: the database wrapper builds its helpers with itself as argument and keeps them
#   (self.features = features_class(self), self.ops = ops_class(self), ...); each helper keeps
#   `connection`, so every wrapper (one per thread/async task) and its open connection waited for a deep
#   collection.
# fix (reduction): the helpers hold the wrapper through a weak proxy, so the wrapper is freed by
#   reference counting.
# expect: HL101


class DatabaseFeatures:
    def __init__(self, connection):
        self.connection = connection


class DatabaseOperations:
    def __init__(self, connection):
        self.connection = connection


class DatabaseWrapper:
    features_class = DatabaseFeatures
    ops_class = DatabaseOperations

    def __init__(self, settings):
        self.settings = settings
        self.features = self.features_class(self)
        self.ops = self.ops_class(self)


def scenario():
    DatabaseWrapper({"NAME": "db", "OPTIONS": {}})
