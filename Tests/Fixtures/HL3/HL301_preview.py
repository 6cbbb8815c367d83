"""HL301 with --preview: iterables of unknown size are reported too (opt-in)."""


def field_names(from_fields):
    return tuple([f.name for f in from_fields])  # expect: HL301


def all_valid(self):
    return all([form.is_valid() for form in self.forms])  # expect: HL301


def stats(rows):
    return sum([r.value for r in rows])  # expect: HL301


small = sum([i for i in range(50)])
