enum ListBuiltForOnePassExamples {
    static let all: [RuleExample] = [
        .triggering("""
        total = sum(↓[i * i for i in range(10**7)])
        """, fixed: """
        total = sum(i * i for i in range(10**7))
        """),
        .triggering("""
        N_SAMPLES = 1_000_000

        def mean_square(offset):
            return sum(↓[(i - offset) ** 2 for i in range(N_SAMPLES)], 0.0) / N_SAMPLES
        """, fixed: """
        N_SAMPLES = 1_000_000

        def mean_square(offset):
            return sum(((i - offset) ** 2 for i in range(N_SAMPLES)), 0.0) / N_SAMPLES
        """),
        .triggering("""
        def longest_line(path):
            with open(path) as fh:
                return max(↓[len(line) for line in fh])
        """, fixed: """
        def longest_line(path):
            with open(path) as fh:
                return max(len(line) for line in fh)
        """),
        .triggering("""
        import csv

        def has_negative(path):
            with open(path, newline="") as fh:
                return any(↓[float(row[2]) < 0 for row in csv.reader(fh)])
        """, fixed: """
        import csv

        def has_negative(path):
            with open(path, newline="") as fh:
                return any(float(row[2]) < 0 for row in csv.reader(fh))
        """),
        .triggering("""
        import heapq as hq

        def top_scores(cursor):
            rows = cursor.execute("SELECT score FROM results")
            return hq.nlargest(10, ↓[row[0] for row in rows])
        """, fixed: """
        import heapq as hq

        def top_scores(cursor):
            rows = cursor.execute("SELECT score FROM results")
            return hq.nlargest(10, (row[0] for row in rows))
        """),
        .triggering("""
        def checksum(path):
            with open(path, "rb") as fh:
                return sum(↓[  # one entry per line
                    len(line) for line in fh
                ])
        """, fixed: """
        def checksum(path):
            with open(path, "rb") as fh:
                return sum(  # one entry per line
                    len(line) for line in fh
                )
        """),
        .triggering("""
        import os

        def total_size(root):
            return sum(↓list(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(root) for f in files))
        """, fixed: """
        import os

        def total_size(root):
            return sum(os.path.getsize(os.path.join(d, f)) for d, _, files in os.walk(root) for f in files)
        """),
        .triggering("""
        from collections import Counter

        def word_counts(path):
            with open(path) as fh:
                return Counter(↓[w.lower() for line in fh for w in line.split()])
        """, fixed: """
        from collections import Counter

        def word_counts(path):
            with open(path) as fh:
                return Counter(w.lower() for line in fh for w in line.split())
        """),
        // Small, literal-sized inputs are cheaper as lists: never reported.
        .nonTriggering("""
        total = sum([i * i for i in range(100)])
        """),
        .nonTriggering("""
        WEIGHTS = (0.2, 0.3, 0.5)
        score = sum([w * 2 for w in WEIGHTS])
        """),
        // A generator already.
        .nonTriggering("""
        def total(path):
            with open(path) as fh:
                return sum(len(line) for line in fh)
        """),
        // str.join builds a list from a generator anyway.
        .nonTriggering("""
        def render(rows):
            return ", ".join([str(r) for r in rows])
        """),
        // `sum` is rebound in this module: not the builtin.
        .nonTriggering("""
        from mathlib import sum

        def total(rows):
            return sum([r.value for r in rows])
        """),
        // A set comprehension passed to sum() deduplicates: different meaning, not this rule.
        .nonTriggering("""
        def distinct_total(rows):
            return sum({r.value for r in rows})
        """),
        // The list is kept, not handed to a one-pass consumer.
        .nonTriggering("""
        def squares(n):
            values = [i * i for i in range(n)]
            return values, sum(values)
        """),
        // Async comprehensions cannot be handed to sum() as generators.
        .nonTriggering("""
        async def total(stream):
            return sum([x async for x in stream])
        """),
    ]
}
