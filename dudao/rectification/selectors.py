"""Reads of findings, always scoped."""

from django.db.models import QuerySet

from dudao.rectification.models import Finding


def finding_list(user, *, source: str = "", school_id: int | None = None, status: str = "") -> QuerySet[Finding]:
    qs = Finding.objects.visible_to(user).select_related("school", "unit")
    if source:
        qs = qs.filter(source=source)
    if school_id:
        qs = qs.filter(school_id=school_id)
    if status:
        qs = qs.filter(status=status)
    return qs


def findings_from(source_type: str, source_ids) -> QuerySet[Finding]:
    """Findings raised by given source objects (callers have already scoped the sources)."""
    return Finding.objects.filter(source_type=source_type, source_id__in=[str(i) for i in source_ids])
