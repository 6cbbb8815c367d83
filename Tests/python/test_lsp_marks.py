"""The mark helper the server tests place positions with (lsp_marks)."""
import pytest

from lsp_marks import marked, pair


def test_marks_are_removed_and_placed_in_utf16_units():
    text, at = marked("⟦start⟧x = 1\ns = '😀' + ⟦after_emoji⟧y\n⟦end⟧")
    assert text == "x = 1\ns = '😀' + y\n"
    assert pair(at["start"]) == (0, 0)
    assert pair(at["after_emoji"]) == (1, len("s = '") + 2 + len("' + "))
    assert pair(at["end"]) == (2, 0)


def test_a_mark_used_twice_is_an_error():
    with pytest.raises(ValueError, match="twice"):
        marked("⟦a⟧x = ⟦a⟧1\n")
