"""HL403 fixture: a registry a function replaces with `global X; X = {}` is reset, not kept forever
(twisted/persisted/styles.py, `versionedsToUpgrade`)."""

versionedsToUpgrade = {}
upgraded = {}


def doUpgrade():
    global versionedsToUpgrade, upgraded
    for versioned in list(versionedsToUpgrade.values()):
        versioned.versionUpgrade()
    versionedsToUpgrade = {}
    upgraded = {}


class Versioned:
    def __setstate__(self, state):
        versionedsToUpgrade[id(self)] = self
        self.__dict__ = state


_kept = {}


def rebind_local():
    _kept = {}  # a local, not the module's registry
    return _kept


class Kept:
    def __init__(self):
        _kept[id(self)] = self  # expect: HL403
