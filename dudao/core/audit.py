"""Writing audit records. Called by services inside their transaction, exactly once per change."""

import datetime
import decimal
import uuid

from django.db import models

from dudao.core.middleware import current_request_meta
from dudao.core.models import AuditLog
from dudao.core.registries import run_hooks


def _plain(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model | None, fields: list[str] | None = None) -> dict | None:
    """A JSON-safe dict of an object's concrete fields (foreign keys as their ids)."""
    if obj is None:
        return None
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    region_code: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditLog:
    meta = current_request_meta()
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:255]
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    record = AuditLog.objects.create(
        actor=actor_obj,
        actor_name=(actor_obj.get_full_name() or actor_obj.username) if actor_obj else "系统",
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:255],
        region_code=region_code,
        before=before,
        after=after,
        request_id=meta.get("request_id", ""),
        ip=meta.get("ip"),
    )
    if actor_obj is not None:
        run_hooks("audited", actor=actor_obj)
    return record


def audit_records(*, actor, action: str, items: list[tuple[models.Model, str, dict | None]]) -> None:
    """Many audit rows of one action at once (the deadline job's batches): items are (object, region, after)."""
    meta = current_request_meta()
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    name = (actor_obj.get_full_name() or actor_obj.username) if actor_obj else "系统"
    AuditLog.objects.bulk_create([AuditLog(
        actor=actor_obj, actor_name=name, action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk),
        object_repr=str(obj)[:255], region_code=region_code, after=after, request_id=meta.get("request_id", ""),
        ip=meta.get("ip")) for obj, region_code, after in items], batch_size=1000)
