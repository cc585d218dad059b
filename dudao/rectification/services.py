"""Raising findings. Other apps call finding_raise inside their own transaction (one audit record each)."""

import datetime

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError
from dudao.rectification.models import Finding, FindingSource, FindingStatus, FollowUp


@transaction.atomic(savepoint=False)  # called inside the caller's transaction: no savepoint per finding
def finding_raise(
    *, actor, source: str, description: str, school=None, unit=None, source_type: str = "", source_id: str = "",
    category: str = "", category_label: str = "", follow_up: str = "", severity: int = 1, requirement: str = "",
    responsible_person: str = "", due_date: datetime.date | None = None, evidence=(), raised_at=None,
) -> Finding:
    description = (description or "").strip()
    if not description:
        raise ApplicationError("问题描述不能为空。")
    if source not in FindingSource.values:
        raise ApplicationError(f"未知的问题来源：{source}")
    if follow_up and follow_up not in FollowUp.values:
        raise ApplicationError(f"未知的处理方式：{follow_up}")
    if (school is None) == (unit is None):
        raise ApplicationError("问题必须且只能对应一所学校或一个政府单位。")
    if severity not in (1, 2, 3):
        raise ApplicationError("严重程度应为 1、2 或 3。")
    status = FindingStatus.RESOLVED_ON_SITE if follow_up in (FollowUp.NONE, FollowUp.ON_SITE) else FindingStatus.OPEN
    finding = Finding.objects.create(
        source=source, source_type=source_type, source_id=str(source_id), school=school, unit=unit,
        region_code=(school.region_id if school else unit.region_id), category=category,
        category_label=category_label, follow_up=follow_up, severity=severity, description=description,
        requirement=requirement, responsible_person=responsible_person, due_date=due_date,
        raised_by=actor if getattr(actor, "is_authenticated", False) else None,
        raised_at=raised_at or timezone.now(), status=status,
        closed_on_time=True if status == FindingStatus.RESOLVED_ON_SITE else None,
    )
    if evidence:
        finding.evidence.set(evidence)
    audit_record(actor=actor, action="finding.raise", obj=finding, region_code=finding.region_code,
                 after=snapshot(finding))
    return finding
