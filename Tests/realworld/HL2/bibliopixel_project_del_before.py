# upstream: ManiacalLabs/BiblioPixel (Project / Builder)
# reference: PR #1105 (merged) "Fix #1104"
# url: https://github.com/ManiacalLabs/BiblioPixel/pull/1105
# leaked: Projects and Builders had `__del__` (closing the hardware driver) and sat on circular
#   references, so `__del__` only ran when the cyclic collector got round to it; a new Project could
#   not open the driver the old, unreachable one still held.
# fix: "I reduced the circular references to nothing by refactoring in some cases, and in a couple of
#   cases using weak references. Now the garbage collection goes off instantaneously."
# expect: HL201


class Driver:
    def __init__(self):
        self.is_open = True

    def close(self):
        self.is_open = False


class Animation:
    def __init__(self, project):
        self.project = project


class Project:
    def __init__(self):
        self.driver = Driver()
        self.animation = Animation(self)

    def __del__(self):
        self.driver.close()


def scenario():
    Project()
