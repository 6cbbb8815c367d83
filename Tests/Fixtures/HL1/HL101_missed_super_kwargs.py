# Known miss (issue 25): the back-reference is stored by the base class's __init__, reached through
# super().__init__(owner, **kwargs); the model does not replay a base __init__ called with **kwargs.
# CPython: Owner.children -> list -> Child, Child.owner -> Owner (Tests/python/test_known_misses.py).
class Base:
    def __init__(self, owner, **kwargs):
        self.owner = owner
        self.options = kwargs


class Child(Base):
    def __init__(self, owner, **kwargs):
        super().__init__(owner, **kwargs)


class Owner:
    def __init__(self):
        self.children = []

    def add(self):
        child = Child(self, color="red")
        self.children.append(child)  # missed: HL101 (Child.owner is stored by Base.__init__ via super() with **kwargs)
        return child


owner = Owner()
owner.add()
