# upstream: Django (db.backends.base.base.BaseDatabaseWrapper), ported in saleor/saleor
# reference: Django ticket #34865; saleor PR #17313 (merged)
# url: https://github.com/saleor/saleor/pull/17313
# leaked: wrapper -> features/ops -> wrapper (see the before file).
# fix (reduction): the helpers keep a weakref.proxy to the wrapper.
# expect: none
import weakref


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
        this = weakref.proxy(self)
        self.features = self.features_class(this)
        self.ops = self.ops_class(this)


def scenario():
    DatabaseWrapper({"NAME": "db", "OPTIONS": {}})
