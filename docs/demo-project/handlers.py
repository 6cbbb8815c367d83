# HL1 reference cycles: callbacks that hold their owner (HL102), a recursive closure (HL105).
import threading


class Poller:
    def __init__(self, interval):
        self.interval = interval
        self.handlers = {"tick": self.on_tick, "stop": self.on_stop}
        self.thread = threading.Thread(target=self.run, daemon=True)

    def on_tick(self):
        pass

    def on_stop(self):
        pass

    def run(self):
        pass


def flatten(tree):
    result = []

    def walk(node):
        for child in node:
            if isinstance(child, list):
                walk(child)
            else:
                result.append(child)

    walk(tree)
    return result
