# upstream: sqlalchemy/sqlalchemy (orm/path_registry.py, EntityRegistry)
# reference: issue #5056 (closed); fix landed through Gerrit (change 1630)
# url: https://github.com/sqlalchemy/sqlalchemy/issues/5056
# leaked: registry.entity_path is the registry itself (see the before file).
# fix: a property computes it instead of storing it.
# expect: none


class EntityRegistry(dict):
    def __init__(self, parent, entity):
        super().__init__()
        self.parent = parent
        self.entity = entity
        self.path = (parent, entity)
        self.natural_path = self.path

    @property
    def entity_path(self):
        return self


def scenario():
    EntityRegistry("root", "User")
