# Found since the model replays super().__init__ (issue 25): Child.owner is stored by Base.__init__,
# reached through super() with **kwargs.
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
        self.children.append(child)  # expect: HL101
        return child


owner = Owner()
owner.add()
