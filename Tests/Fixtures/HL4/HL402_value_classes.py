"""HL402 fixture: caches on methods of immutable value classes (rich's `Style`, `Color`) share entries
between equal values on purpose. A bounded one holds at most maxsize values, like a plain cached function
taking the value: shown only with --preview (issue 28); an unbounded one is still an info note (see
RealWorldPrecisionTests for the severity). SQLAlchemy's dialect methods are a real leak (warning or bounded
info)."""
import functools
from typing import NamedTuple


class Style:
    __slots__ = ("_color", "_bold", "_hash")

    def __init__(self, color=None, bold=None):
        self._color = color
        self._bold = bold
        self._hash = hash((color, bold))

    def __eq__(self, other):
        return isinstance(other, Style) and self._hash == other._hash

    def __hash__(self):
        return self._hash

    @functools.lru_cache(maxsize=1024)  # bounded, value class: --preview only
    def get_html_style(self, theme=None):
        return f"color: {self._color}"


class Color(NamedTuple):
    name: str
    number: int

    @functools.lru_cache(maxsize=1024)  # bounded, value class: --preview only
    def downgrade(self, system):
        return self

    @functools.cache  # expect: HL402
    def describe(self):
        return f"{self.name} ({self.number})"


class PGDialect:
    @functools.lru_cache()  # expect: HL402
    def _columns_query(self, schema, has_filter_names):
        return (schema, has_filter_names)
