"""HL301 fixture: iterables whose size heaplint cannot know are not findings by default (django,
SQLAlchemy: the fields of one model, the entities of one query, a function's parameter); sizes shown
large (a range bound, a file, a cursor's rows) are. HL301_preview.py runs the same shapes with --preview."""
import os


def field_names(from_fields):
    return tuple([f.name for f in from_fields])


def cache_key(obj):
    return tuple([elem._gen_cache_key() for elem in obj])


def latest(self):
    return max([item.lastmod for item in self.items()])


def all_valid(self):
    return all([form.is_valid() for form in self.forms])


def version_tuple(version):
    return tuple([int(x) for x in version.split(".")])


def codepoints(_start, _end):
    return frozenset([chr(c) for c in range(_start, _end + 1)])


def longest(path):
    with open(path) as fh:
        return max([len(line) for line in fh])  # expect: HL301


def sizes(root):
    return sum([len(files) for _, _, files in os.walk(root)])  # expect: HL301


squares = tuple([i * i for i in range(10**6)])  # expect: HL301
