"""HL502 fixture: collections in loops."""
import gc
import time


def per_item(items):
    for item in items:
        item.close()
        gc.collect()  # expect: HL502


def per_line(path):
    for line in open(path):
        print(line)
        gc.collect()  # expect: HL502


gc.set_threshold(0)  # expect: HL502


def settle():
    for _ in range(3):
        gc.collect()


def every_n(items):
    for i, item in enumerate(items):
        if i % 1000 == 0:
            gc.collect()


def periodic(stop):
    while not stop.is_set():
        time.sleep(30)
        gc.collect()


def until_done():
    while gc.collect():
        pass


def attempts(n):
    for _ in range(n):
        gc.collect()


gc.set_threshold(5000, 20, 20)
