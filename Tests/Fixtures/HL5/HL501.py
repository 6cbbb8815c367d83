"""HL501 fixture: gc.disable without gc.enable."""
import gc


def fast_load(path):
    gc.disable()  # expect: HL501
    data = open(path).read()
    gc.enable()
    return data


def safe_load(path):
    gc.disable()
    try:
        return open(path).read()
    finally:
        gc.enable()


def toggle():
    gc.disable()
    gc.enable()
