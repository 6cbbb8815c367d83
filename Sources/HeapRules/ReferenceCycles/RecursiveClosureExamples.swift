extension RecursiveClosureRule {
    static let examples: [RuleExample] = [
        .triggering("""
            def flatten(tree):
                result = []

                def ↓walk(node):
                    for child in node:
                        if isinstance(child, list):
                            walk(child)
                        else:
                            result.append(child)

                walk(tree)
                return result


            flatten([1, [2, [3]]])

            """),
        .triggering("""
            def make_factorial():
                ↓fact = lambda n: 1 if n <= 1 else n * fact(n - 1)
                return fact(5)


            make_factorial()

            """),
        .triggering("""
            def count_nodes(graph, start):
                seen = set()

                def ↓visit(node):
                    if node in seen:
                        return
                    seen.add(node)
                    for neighbour in graph.get(node, ()):
                        visit(neighbour)

                visit(start)
                return len(seen)


            count_nodes({"a": ["b"], "b": ["a"]}, "a")

            """),
        .triggering("""
            class Tree:
                def __init__(self, children=()):
                    self.children = list(children)

                def depth(self):
                    def ↓measure(node):
                        return 1 + max((measure(c) for c in node.children), default=0)

                    return measure(self)


            Tree([Tree(), Tree([Tree()])]).depth()

            """),
        .triggering("""
            import sched


            def countdown(n):
                scheduler = sched.scheduler()

                def ↓tick(remaining):
                    if remaining:
                        scheduler.enter(0, 1, tick, (remaining - 1,))

                scheduler.enter(0, 1, tick, (n,))
                scheduler.run()


            countdown(3)

            """),
        .triggering("""
            def walk_dict(data):
                def ↓items(d, prefix=""):
                    for key, value in d.items():
                        if isinstance(value, dict):
                            yield from items(value, prefix + key + ".")
                        else:
                            yield prefix + key, value

                return dict(items(data))


            walk_dict({"a": {"b": 1}, "c": 2})

            """),
        // The first iterable of a comprehension runs in the enclosing scope: `grow` there is the helper.
        .triggering("""
            def chain(depth):
                def ↓grow(n):
                    return [x for x in (grow(n - 1) if n else [])] + [n]

                return grow(depth)


            chain(3)

            """),
        // The comprehension's own loop variable shadows the helper's name (SQLAlchemy `create_row_processor`).
        .nonTriggering("""
            def create_row_processor(procs):
                def proc(row):
                    return tuple([proc(row) for proc in procs])

                return proc(3)


            create_row_processor([str, float])

            """),
        .nonTriggering("""
            def pairs(procs):
                def proc(row):
                    return {name: proc(row) for name, proc in procs}

                return proc(2)


            pairs([("a", str)])

            """),
        // `is_expandable` in the import names what is imported; the helper reads `_is_expandable` (rich `Console`).
        .nonTriggering("""
            def collect(objects):
                def isclass(obj):
                    from inspect import isclass as _isclass
                    return _isclass(obj)

                return [isclass(o) for o in objects]


            collect([1, int])

            """),
        .nonTriggering("""
            def outer(items):
                def show(item):
                    def inner(show):
                        return show(item)

                    return inner(repr)

                return [show(i) for i in items]


            outer([1])

            """),
        .nonTriggering("""
            def walk(node, out):
                for child in node:
                    if isinstance(child, list):
                        walk(child, out)
                    else:
                        out.append(child)
                return out


            walk([1, [2]], [])

            """),
        .nonTriggering("""
            def scale(values, factor):
                def times(x):
                    return x * factor

                return [times(v) for v in values]


            scale([1, 2], 3)

            """),
        .nonTriggering("""
            def flatten(tree):
                result = []

                def walk(node):
                    for child in node:
                        if isinstance(child, list):
                            walk(child)
                        else:
                            result.append(child)

                try:
                    walk(tree)
                finally:
                    del walk
                return result


            flatten([1, [2]])

            """),
        .nonTriggering("""
            def flatten(tree):
                def walk(node, visit, out):
                    for child in node:
                        if isinstance(child, list):
                            visit(child, visit, out)
                        else:
                            out.append(child)
                    return out

                return walk(tree, walk, [])


            flatten([1, [2]])

            """),
        .nonTriggering("""
            class Tree:
                def __init__(self, children=()):
                    self.children = list(children)

                def depth(self):
                    return 1 + max((c.depth() for c in self.children), default=0)


            Tree([Tree()]).depth()

            """),
        .nonTriggering("""
            class Source:
                def loader(self, path):
                    return path


            def build(config):
                def loader(path):
                    return config.loader(path)

                return loader("x")


            build(Source())

            """),
        .nonTriggering("""
            def outer():
                def fmt(fmt):
                    return fmt.upper()

                return fmt("x")


            outer()

            """),
    ]
}
