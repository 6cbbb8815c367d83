"""HL302 fixture: django's bulk_create batching copies every item of its input into slices before the
loop starts (a true finding that must stay found); loops over lists of unknown size are not reported."""


def bulk_create(objs, batch_size):
    for item in [objs[i : i + batch_size] for i in range(0, len(objs), batch_size)]:  # expect: HL302
        insert(item)


def entities(self):
    for e in [ent for ent in self._entities if ent.supports_single_entity]:
        print(e)


def insert(batch):
    return batch
