"""HL402 fixture: caches on methods."""
import enum
import functools
from functools import lru_cache as memo


class Repo:
    @functools.cache  # expect: HL402
    def files(self):
        return []

    @memo(maxsize=None)  # expect: HL402
    def blob(self, sha):
        return sha

    @memo(32)  # expect: HL402
    def tree(self, sha):
        return sha

    @staticmethod
    @functools.cache
    def parse(text):
        return text

    @classmethod
    @functools.cache
    def default(cls):
        return cls


class Mode(enum.Enum):
    A = 1

    @functools.cache
    def label(self):
        return self.name.lower()


class Config:
    @functools.cache
    def path(self, name):
        return name


CONFIG = Config()


@functools.lru_cache(maxsize=None)
def plain(x):
    return x


def use():
    return [Repo() for _ in range(3)]
