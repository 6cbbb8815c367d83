"""HL303 with --preview: len() of a built list of unknown size is reported too (opt-in)."""


def active(users):
    return len([u for u in users if u.active])  # expect: HL303
