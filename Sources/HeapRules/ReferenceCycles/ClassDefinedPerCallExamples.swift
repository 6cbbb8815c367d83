extension ClassDefinedPerCall {
    static let examples: [RuleExample] = [
        .triggering("""
            def make_record(name):
                class ↓Record:
                    pass

                Record.__name__ = name
                return Record()


            class Loader:
                def load(self, names):
                    return [make_record(name) for name in names]


            rows = Loader().load(["a", "b"])

            """),
        .triggering("""
            import json


            class Exporter:
                def encoder(self):
                    class ↓DateEncoder(json.JSONEncoder):
                        def default(self, o):
                            return str(o)

                    return DateEncoder()


            text = Exporter().encoder().encode({"a": 1})

            """),
        .triggering("""
            def make_struct(fields):
                return ↓type("Struct", (), dict.fromkeys(fields))


            class Schema:
                def build(self):
                    return make_struct(["a", "b"])()


            row = Schema().build()

            """),
        .triggering("""
            def wrap(value):
                class ↓Box:
                    def __init__(self, v):
                        self.v = v

                return Box(value)


            def wrap_all(values):
                boxes = []
                for value in values:
                    boxes.append(wrap(value))
                return boxes


            boxed = wrap_all([1, 2])

            """),
        .triggering("""
            import functools


            def traced(fn):
                @functools.wraps(fn)
                def wrapper(*args):
                    class ↓CallRecord:
                        pass

                    record = CallRecord()
                    record.args = args
                    return fn(*args)

                return wrapper


            @traced
            def add(a, b):
                return a + b


            total = add(1, 2)

            """),
        .triggering("""
            def build(depth):
                class ↓Node:
                    pass

                node = Node()
                node.child = build(depth - 1) if depth else None
                return node


            tree = build(2)

            """),
        .triggering("""
            def on_event(payload):
                class ↓Event:
                    pass

                event = Event()
                event.payload = payload
                return event


            handlers = [on_event]
            results = [handler(1) for handler in handlers]

            """),
        .nonTriggering("""
            class Record:
                pass


            def make_record(name):
                record = Record()
                record.name = name
                return record


            class Loader:
                def load(self, names):
                    return [make_record(name) for name in names]


            rows = Loader().load(["a", "b"])

            """),
        .nonTriggering("""
            def make_point_class(fields):
                class Point:
                    __slots__ = fields

                return Point


            Point2D = make_point_class(("x", "y"))
            Point3D = make_point_class(("x", "y", "z"))

            """),
        .nonTriggering("""
            import functools


            @functools.lru_cache(maxsize=None)
            def record_class(name):
                class Record:
                    pass

                Record.__name__ = name
                return Record


            class Loader:
                def load(self, names):
                    return [record_class(name)() for name in names]


            rows = Loader().load(["a", "a", "b"])

            """),
        .nonTriggering("""
            _STRUCTS = {}


            def struct_class(fields):
                if fields in _STRUCTS:
                    return _STRUCTS[fields]
                cls = type("Struct", (), dict.fromkeys(fields))
                _STRUCTS[fields] = cls
                return cls


            class Schema:
                def build(self):
                    return struct_class(("a", "b"))()


            row = Schema().build()

            """),
        .nonTriggering("""
            from typing import TYPE_CHECKING


            def parse(text):
                if TYPE_CHECKING:
                    class Parsed:
                        words: list

                return text.split()


            class Reader:
                def read(self, text):
                    return parse(text)


            words = Reader().read("a b")

            """),
        .nonTriggering("""
            def register(cls):
                class Meta:
                    ordering = ("name",)

                cls.Meta = Meta
                return cls


            @register
            class User:
                pass

            """),
        .nonTriggering("""
            def main():
                class Options:
                    verbose = False

                return Options


            if __name__ == "__main__":
                main()
            OPTIONS = main()

            """),
        .nonTriggering("""
            class Plugin:
                plugins = []

                def __init_subclass__(cls, **kwargs):
                    super().__init_subclass__(**kwargs)

                    class Config:
                        enabled = True

                    cls.Config = Config
                    Plugin.plugins.append(cls)


            class CsvPlugin(Plugin):
                pass

            """),
        .nonTriggering("""
            class Model:
                class Meta:
                    ordering = ("name",)

                def describe(self):
                    return self.Meta.ordering


            ordering = Model().describe()

            """),
    ]
}
