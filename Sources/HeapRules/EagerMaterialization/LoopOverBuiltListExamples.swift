enum LoopOverBuiltListExamples {
    static let all: [RuleExample] = [
        .triggering("""
        def count_errors(path):
            errors = 0
            with open(path) as log:
                for line in ↓log.readlines():
                    if "ERROR" in line:
                        errors += 1
            return errors
        """, fixed: """
        def count_errors(path):
            errors = 0
            with open(path) as log:
                for line in log:
                    if "ERROR" in line:
                        errors += 1
            return errors
        """),
        .triggering("""
        for i in ↓list(range(10**6)):
            print(i)
        """, fixed: """
        for i in range(10**6):
            print(i)
        """),
        .triggering("""
        ROWS = 50_000

        def fill(table):
            for row in ↓list(range(ROWS)):
                table.insert(row)
        """, fixed: """
        ROWS = 50_000

        def fill(table):
            for row in range(ROWS):
                table.insert(row)
        """),
        .triggering("""
        def bulk_create(objs, batch_size):
            for batch in ↓[objs[i : i + batch_size] for i in range(0, len(objs), batch_size)]:
                insert(batch)
        """, fixed: """
        def bulk_create(objs, batch_size):
            for batch in (objs[i : i + batch_size] for i in range(0, len(objs), batch_size)):
                insert(batch)
        """),
        .nonTriggering("""
        def renumber(items, out):
            # `len(items)` is known only at run time: reported only with --preview
            for i in list(range(len(items))):
                out[i] = i
        """),
        .triggering("""
        def emit(cube, sink):
            for value in ↓[x * x * x for x in range(1_000_000)]:
                sink.write(value)
        """, fixed: """
        def emit(cube, sink):
            for value in (x * x * x for x in range(1_000_000)):
                sink.write(value)
        """),
        .triggering("""
        def load(stream, db):
            for record in ↓stream.readlines():
                db.add(record.strip())
        """, fixed: """
        def load(stream, db):
            for record in stream:
                db.add(record.strip())
        """),
        .nonTriggering("""
        for name in ["alpha", "beta", "gamma"]:
            print(name)
        """),
        .nonTriggering("""
        for i in list(range(10)):
            print(i)
        """),
        // A snapshot: the body changes the list the comprehension reads.
        .nonTriggering("""
        def prune(node):
            for child in [c for c in node.children if c.dead]:
                node.children.remove(child)
        """),
        // Copying a dict before mutating it is required, not waste.
        .nonTriggering("""
        def drop_empty(d):
            for key in list(d):
                if not d[key]:
                    del d[key]
        """),
        .nonTriggering("""
        def count_lines(path):
            with open(path) as fh:
                return sum(1 for _ in fh)
        """),
        // readlines(hint) reads a bounded chunk.
        .nonTriggering("""
        def head(fh):
            for line in fh.readlines(4096):
                print(line)
        """),
        .nonTriggering("""
        for x in [i for i in range(50)]:
            print(x)
        """),
    ]
}
