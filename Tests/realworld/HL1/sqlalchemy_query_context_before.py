# upstream: sqlalchemy/sqlalchemy (orm QueryContext, joinedload create_eager_joins)
# reference: issue #5071, PR #5072 (closed on GitHub: SQLAlchemy lands changes through Gerrit)
#   "Fix QueryContext ref cycle on joinedload"
# url: https://github.com/sqlalchemy/sqlalchemy/pull/5072
# leaked: the query context queued deferred eager-join work as tuples that include the context
#   itself in a list the context owns: context -> create_eager_joins -> tuple -> context.
# fix: "Avoid storing a reference to itself when dealing with create_eager_joins": the context is
#   passed when the queued work runs instead of being stored in it.
# expect: HL101


class JoinedLoader:
    def create_join(self, context, path):
        context.joins.append(path)


class QueryContext:
    def __init__(self):
        self.joins = []
        self.create_eager_joins = []

    def setup(self, loader, paths):
        for path in paths:
            self.create_eager_joins.append((loader.create_join, self, path))

    def compile(self):
        for fn, context, path in self.create_eager_joins:
            fn(context, path)


def scenario():
    context = QueryContext()
    context.setup(JoinedLoader(), ["User.addresses", "User.orders"])
    context.compile()
