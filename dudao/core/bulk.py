"""Idempotent upsert by natural key, in a bounded number of queries, for imports."""

from dataclasses import dataclass

from django.db import models

CHUNK = 2000


@dataclass
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


def existing_by_key(model: type[models.Model], key_field: str, keys: list) -> dict:
    """Existing rows whose natural key is in keys, loaded in chunks (SQLite limits query parameters)."""
    found = {}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start:start + CHUNK]
        for obj in model.objects.filter(**{f"{key_field}__in": chunk}):
            found[getattr(obj, key_field)] = obj
    return found


def bulk_upsert(
    model: type[models.Model], records: list[dict], fields: list[str], *, existing: dict, key
) -> UpsertResult:
    """Create missing rows and update changed ones; a second identical run changes nothing.

    `records` hold attnames (region_id, not region); `existing` maps natural key → object and
    `key(record)` gives a record's natural key.
    """
    result = UpsertResult()
    to_create, to_update = [], []
    for record in records:
        obj = existing.get(key(record))
        if obj is None:
            to_create.append(model(**record))
            continue
        changed = False
        for name in fields:
            if getattr(obj, name) != record[name]:
                setattr(obj, name, record[name])
                changed = True
        if changed:
            to_update.append(obj)
        else:
            result.unchanged += 1
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, fields, batch_size=500)
    result.created, result.updated = len(to_create), len(to_update)
    return result
