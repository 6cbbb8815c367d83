# HL201 fixture: finalizers on classes in reference cycles.


class Node:
    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)

    def __del__(self):  # expect: HL201
        print(self.name, "finalized")


class Resource:
    def __del__(self):  # expect: HL201
        pass


class Session(Resource):
    def __init__(self):
        self.dispatch = {"quit": self.quit}

    def quit(self):
        pass


# The seed document's sample, corrected (class MyObj, obj1/obj2).
class MyObj:
    def __init__(self, name):
        self.name = name
        print(self.name)

    def __del__(self):  # expect: HL201
        print(self.name + " deleted")


def seed_sample():
    obj1 = MyObj("Obj1")
    obj2 = MyObj("obj2")
    obj1.ref = obj2
    obj2.ref = obj1
    del obj1
    del obj2


# Hard negatives -----------------------------------------------------------

class TempFile:
    def __init__(self, path):
        self.path = path

    def __del__(self):
        print("removing", self.path)


class Channel:
    def __init__(self):
        self.handler = self.on_data

    def on_data(self, data):
        return data

    def close(self):
        self.handler = None

    def __del__(self):
        self.close()


class Slotted:
    __slots__ = ("value", "next")

    def __init__(self, value, next=None):
        self.value = value
        self.next = next

    def __del__(self):
        pass
