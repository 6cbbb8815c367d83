# The owner's teardown calls a method of the object it constructed (`self.link = Link()`), and that method
# kills the Link's slot that closes the cycle: close() -> self.link.forget() sets Link.peer to None, so the
# Owner -> Link -> Owner cycle is gone once the owner is closed (CPython: no cyclic garbage).
class Link:
    def __init__(self):
        self.peer = None

    def attach(self, peer):
        self.peer = peer

    def forget(self):
        self.peer = None


class Owner:
    def __init__(self):
        self.link = Link()
        self.link.attach(self)

    def close(self):
        self.link.forget()


owner = Owner()
owner.close()
