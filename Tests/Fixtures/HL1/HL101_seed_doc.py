# The sample from the seed document "Memory Management with Python", as written and corrected.
import gc
import tracemalloc


# As written: `MyObject` is not defined and `onj2` is a typo, so this code raises NameError before
# any reference is made; heaplint must stay calm about it.
class MyObj :
    def __init__(self, name) :
        self.name = name
        print(self.name)

    def __del__(self) :
        print(self.name + " deleted")

## circular reference :
obj1 = MyObject("Obj1")
onj2 = MyObject("obj2")

obj1.ref = obj2
obj2.ref = obj1

# trying to delete objects :
del obj1
del obj2

## Manually trigger garbage collection
gc.collect()


# Corrected: the two objects refer to each other.
def corrected():
    first = MyObj("Obj1")
    second = MyObj("obj2")
    first.ref = second
    second.ref = first  # expect: HL101
    del first
    del second
    gc.collect()


# The tracemalloc sample: the returned list is garbage at once, no cycle.
def create_list() :
    return [i for i in range(10000)]

def main() :
    tracemalloc.start()

    create_list()

    snapshot = tracemalloc.take_snapshot()
    top_stats = snapshot.statistics('lineno')

    print("Top 10")
    for stat in top_stats[:10]:
        print(stat)
