# upstream: sqlalchemy/sqlalchemy (orm QueryContext, joinedload create_eager_joins)
# reference: issue #5071, PR #5072 (closed on GitHub; SQLAlchemy merges through Gerrit)
# url: https://github.com/sqlalchemy/sqlalchemy/pull/5072
# leaked: context -> list -> tuple -> context (see the before file).
# fix: the queued entries no longer contain the context; compile() passes self.
# expect: none


class JoinedLoader:
    def create_join(self, context, path):
        context.joins.append(path)


class QueryContext:
    def __init__(self):
        self.joins = []
        self.create_eager_joins = []

    def setup(self, loader, paths):
        for path in paths:
            self.create_eager_joins.append((loader.create_join, path))

    def compile(self):
        for fn, path in self.create_eager_joins:
            fn(self, path)


def scenario():
    context = QueryContext()
    context.setup(JoinedLoader(), ["User.addresses", "User.orders"])
    context.compile()
