# upstream: sqlalchemy/sqlalchemy (orm/path_registry.py, EntityRegistry)
# reference: issue #5056 (closed) "test and identify reference cycles in high volume objects";
#   fix landed through SQLAlchemy's Gerrit (change 1630), diff quoted in the issue by the maintainer
# url: https://github.com/sqlalchemy/sqlalchemy/issues/5056
# leaked: `self.entity_path = self` in EntityRegistry.__init__: every registry (created per query/load
#   option) was a self-cycle.
# fix: `entity_path` became a property returning self.
# expect: HL101


class EntityRegistry(dict):
    def __init__(self, parent, entity):
        super().__init__()
        self.parent = parent
        self.entity = entity
        self.path = (parent, entity)
        self.natural_path = self.path
        self.entity_path = self


def scenario():
    EntityRegistry("root", "User")
