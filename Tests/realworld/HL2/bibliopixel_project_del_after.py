# upstream: ManiacalLabs/BiblioPixel (Project / Builder)
# reference: PR #1105 (merged) "Fix #1104"
# url: https://github.com/ManiacalLabs/BiblioPixel/pull/1105
# leaked: a Project with __del__ on a Project -> Animation -> Project cycle (see the before file).
# fix: the back-reference is weak, so the Project dies (and closes its driver) by reference counting.
# expect: none
import weakref


class Driver:
    def __init__(self):
        self.is_open = True

    def close(self):
        self.is_open = False


class Animation:
    def __init__(self, project):
        self._project = weakref.ref(project)

    @property
    def project(self):
        return self._project()


class Project:
    def __init__(self):
        self.driver = Driver()
        self.animation = Animation(self)

    def __del__(self):
        self.driver.close()


def scenario():
    Project()
