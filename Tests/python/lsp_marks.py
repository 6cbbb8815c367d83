"""Positions marked in a server test's source instead of counted by hand. `⟦name⟧` marks the position
of the character after it, as LSP counts it (line, UTF-16 code units); the marks are removed from the
text the server is sent. A test then reads `at["name"]` and stays right when the source is edited."""
import re

from lsprotocol import types

MARK = re.compile(r"⟦(\w+)⟧")


def marked(source):
    """Returns the source without its marks and the position of each mark by name."""
    pieces, at = [], {}
    line = column = 0
    end = 0
    for mark in MARK.finditer(source):
        plain = source[end:mark.start()]
        line, column = _after(line, column, plain)
        pieces.append(plain)
        name = mark.group(1)
        if name in at:
            raise ValueError(f"mark {name!r} appears twice")
        at[name] = types.Position(line=line, character=column)
        end = mark.end()
    pieces.append(source[end:])
    return "".join(pieces), at


def pair(position):
    """(line, character), the shape the tests compare diagnostics' starts in."""
    return (position.line, position.character)


def _after(line, column, plain):
    lines = plain.split("\n")
    if len(lines) > 1:
        line, column = line + len(lines) - 1, 0
    # Characters outside the BMP (an emoji) count two: LSP's default position encoding is UTF-16.
    return line, column + len(lines[-1].encode("utf-16-le")) // 2
