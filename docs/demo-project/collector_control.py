"""Collector control (HL5xx): turning the cyclic GC off, or running it per item."""
import gc


def bulk_load(paths):
    gc.disable()  # HL501: nothing turns the collector back on
    return [open(p).read() for p in paths]


def process(paths):
    for path in paths:
        handle(path)
        gc.collect()  # HL502: a full collection on every iteration


def handle(path):
    return path
