enum LargeLocalOutlivesUseExamples {
    static let all: [RuleExample] = [
        .triggering("""
        def main(path, make_server):
            with open(path) as fh:
                ↓config = fh.read()
            server = make_server(len(config))
            server.serve_forever()
        """, fixed: """
        def main(path, make_server):
            with open(path) as fh:
                config = fh.read()
            server = make_server(len(config))
            del config
            server.serve_forever()
        """),
        .triggering("""
        def line_counts(path, queries):
            with open(path) as fh:
                ↓text = fh.read()
            total = text.count("\\n")
            for query in queries:
                yield total, query
        """, fixed: """
        def line_counts(path, queries):
            with open(path) as fh:
                text = fh.read()
            total = text.count("\\n")
            del text
            for query in queries:
                yield total, query
        """),
        .triggering("""
        def spin(worker):
            ↓ids = list(range(10**6))
            worker.prepare(len(ids))
            while True:
                if not worker.step():
                    break
        """, fixed: """
        def spin(worker):
            ids = list(range(10**6))
            worker.prepare(len(ids))
            del ids
            while True:
                if not worker.step():
                    break
        """),
        .triggering("""
        import json

        async def refresh(path, client):
            with open(path) as fh:
                ↓catalog = json.load(fh)
            client.size = len(catalog)
            await client.changed()
        """, fixed: """
        import json

        async def refresh(path, client):
            with open(path) as fh:
                catalog = json.load(fh)
            client.size = len(catalog)
            del catalog
            await client.changed()
        """),
        .triggering("""
        import threading

        def crunch(path, work):
            with open(path, "rb") as fh:
                ↓blob = fh.read()
            worker = threading.Thread(target=work, args=(len(blob),))
            worker.start()
            worker.join()
        """, fixed: """
        import threading

        def crunch(path, work):
            with open(path, "rb") as fh:
                blob = fh.read()
            worker = threading.Thread(target=work, args=(len(blob),))
            del blob
            worker.start()
            worker.join()
        """),
        .triggering("""
        def stream(path, sink):
            ↓squares = [i * i for i in range(10**6)]
            sink.write(sum(squares))
            with open(path) as fh:
                for line in fh:
                    sink.write(line)
        """, fixed: """
        def stream(path, sink):
            squares = [i * i for i in range(10**6)]
            sink.write(sum(squares))
            del squares
            with open(path) as fh:
                for line in fh:
                    sink.write(line)
        """),
        .triggering("""
        import time
        from pathlib import Path

        def poll(path, check):
            ↓lines = Path(path).read_text().splitlines()
            check(len(lines))
            while True:
                check(None)
                time.sleep(60)
        """, fixed: """
        import time
        from pathlib import Path

        def poll(path, check):
            lines = Path(path).read_text().splitlines()
            check(len(lines))
            del lines
            while True:
                check(None)
                time.sleep(60)
        """),
        .triggering("""
        def records(path):
            with open(path) as fh:
                ↓text = fh.read()
            for line in text.splitlines():
                yield line
        """),
        .nonTriggering("""
        def load(path, server):
            with open(path) as fh:
                data = fh.read()
            server.warm(len(data))
            return data
        """),
        .nonTriggering("""
        def watch(path, check):
            with open(path) as fh:
                expected = fh.read()
            while True:
                check(expected)
        """),
        .nonTriggering("""
        def serve(config_text, server):
            # `config_text` is a parameter: its size is unknown
            parsed = config_text.split()
            server.configure(len(parsed))
            server.serve_forever()
        """),
        .nonTriggering("""
        class Service:
            def start(self, path):
                with open(path) as fh:
                    data = fh.read()
                self.data = data
                self.server.serve_forever()
        """),
        .nonTriggering("""
        def count_words(path):
            with open(path) as fh:
                text = fh.read()
            words = len(text.split())
            print(words)
        """),
        .nonTriggering("""
        def main(path, make_server):
            with open(path) as fh:
                config = fh.read()
            server = make_server(len(config))
            del config
            server.serve_forever()
        """),
        .nonTriggering("""
        def render(path, out):
            with open(path) as fh:
                text = fh.read()
            words = text.split()
            out.write(", ".join(words))
        """),
        .nonTriggering("""
        def spin(worker):
            ids = list(range(100))
            worker.prepare(len(ids))
            while True:
                worker.step()
        """),
        .nonTriggering("""
        def main(path, make_server):
            with open(path) as fh:
                config = fh.read()
            server = make_server(lambda: config)
            server.serve_forever()
        """),
        .nonTriggering("""
        def characters(path):
            with open(path) as fh:
                text = fh.read()
            for char in text:
                yield char
        """),
    ]
}
