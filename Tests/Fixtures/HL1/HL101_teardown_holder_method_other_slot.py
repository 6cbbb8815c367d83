# The owner's teardown calls a method of its Link, but that method kills another slot (`label`), not the
# `peer` that closes the cycle: Owner -> Link -> Owner stays cyclic garbage after close() (CPython).
class Link:
    def __init__(self):
        self.peer = None
        self.label = "link"

    def attach(self, peer):
        self.peer = peer

    def forget(self):
        self.label = None


class Owner:
    def __init__(self):
        self.link = Link()
        self.link.attach(self)  # expect: HL101

    def close(self):
        self.link.forget()


owner = Owner()
owner.close()
