"""HL304 fixture: a large local kept alive after its last use while the frame does long-running work."""
import asyncio
import json
import socketserver
import subprocess
import threading
import time


def serve(path, handler):
    with open(path) as fh:
        config = fh.read()  # expect: HL304
    server = socketserver.TCPServer(("", 8000), handler)
    server.config_size = len(config)
    server.serve_forever()


def records(path):
    with open(path, "rb") as fh:
        raw = fh.read()  # expect: HL304
    text = raw.decode()  # expect: HL304
    rows = text.splitlines()
    for row in rows:
        yield row


async def consume(path, queue):
    with open(path) as fh:
        payload = json.load(fh)  # expect: HL304
    count = len(payload)
    while True:
        item = await queue.get()
        print(count, item)


def crunch(path, n):
    table = {i: i * i for i in range(10**6)}  # expect: HL304
    total = sum(table.values())
    for attempt in range(3):
        subprocess.run(["sleep", str(total % n)])


def nap(db):
    rows = db.execute("select * from t").fetchall()  # expect: HL304
    print(len(rows))
    time.sleep(30)


def nested(path, flag):
    if flag:
        with open(path) as fh:
            data = fh.read()  # expect: HL304
        print(len(data))
    worker = threading.Thread(target=print)
    worker.start()
    worker.join()


def lines_of(path):
    # The loop header reads `text` once; the frame keeps it while suspended at `yield`.
    with open(path) as fh:
        text = fh.read()  # expect: HL304
    for line in text.splitlines():
        yield line


async def relay(path, queue):
    with open(path) as fh:
        raw = fh.read()  # expect: HL304
    for item in json.loads(raw):
        await queue.put(item)


# Hard negatives.
def iterates_itself(path):
    # The list iterator holds `text` too: deleting the name would free nothing.
    with open(path) as fh:
        text = fh.read()
    for char in text:
        yield char


def async_loop_header(path, source):
    with open(path) as fh:
        text = fh.read()
    async for chunk in source.split(text):
        print(chunk)


def loop_body_is_short(path):
    with open(path) as fh:
        text = fh.read()
    for line in text.splitlines():
        print(line)


def returned(path):
    with open(path) as fh:
        data = fh.read()
    time.sleep(1)
    return data


def used_in_loop(path):
    with open(path) as fh:
        data = fh.read()
    while True:
        print(len(data))


def aliased(path, box):
    with open(path) as fh:
        data = fh.read()
    box.value = data
    box.server.serve_forever()


def appended(path, items):
    with open(path) as fh:
        data = fh.read()
    items.append(data)
    time.sleep(60)


def unknown_size(items):
    copy = list(items)
    print(len(copy))
    time.sleep(60)


def small(n):
    squares = [i * i for i in range(100)]
    print(sum(squares))
    time.sleep(60)


def frame_ends(path):
    with open(path) as fh:
        data = fh.read()
    print(len(data))


def string_join(path):
    with open(path) as fh:
        data = fh.read()
    words = data.split()
    print(", ".join(words))


def short_sleep(path):
    with open(path) as fh:
        data = fh.read()
    print(len(data))
    time.sleep(0.1)


def returns_first(path, server):
    with open(path) as fh:
        data = fh.read()
    print(len(data))
    return
    server.serve_forever()


def reads_locals(path, server):
    with open(path) as fh:
        data = fh.read()
    print(len(data), locals())
    server.serve_forever()


def rebinds(path, server):
    data = open(path).read()
    print(len(data))
    data = None
    server.serve_forever()


async def partial_read(reader):
    header = reader.read(1024)
    print(header)
    await asyncio.sleep(1)


def metadata_rows(conn):
    # sqlalchemy's mssql provisioning: a loop over another query's rows is not shown to be long
    indexes = conn.execute("SELECT name FROM sys.fulltext_indexes").fetchall()
    for (name,) in indexes:
        conn.execute(f"DROP FULLTEXT INDEX ON {name}")
    catalogs = conn.execute("SELECT name FROM sys.fulltext_catalogs").fetchall()
    for (name,) in catalogs:
        conn.execute(f"DROP FULLTEXT CATALOG {name}")


# Module-level script code is another issue (globals of a __main__ script).
with open("x.txt") as _fh:
    DATA = _fh.read()
print(len(DATA))
while True:
    time.sleep(1)
