"""The zone report (工作专报): one context for both the Word template and the PDF, month or semester."""

import datetime
from collections import Counter

from django.utils import timezone

from dudao.core.dates import cn_date
from dudao.rectification.models import Finding, FindingStatus
from dudao.zones import engine, selectors
from dudao.zones.models import ROUTINE_ITEM_LABELS, Complaint, Visit, Zone


def period_bounds(period: str, today: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """'month' (this month), 'YYYY-MM', 'semester' (this one) or a semester key like 2026-2027-1."""
    if period in ("", "month"):
        start, end = engine.month_bounds(today)
        return f"{start.year}年{start.month}月", start, end
    if period == "semester":
        s = engine.semester_of(today)
        return s.label, s.start, s.end
    if len(period) == 7 and period[4] == "-":
        try:
            start, end = engine.month_bounds(datetime.date(int(period[:4]), int(period[5:]), 1))
        except ValueError:
            raise ValueError("统计期间无效") from None
        return f"{start.year}年{start.month}月", start, end
    s = engine.semester_from_key(period)
    return s.label, s.start, s.end


def zone_report_context(user, zone: Zone, period: str, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    label, start, end = period_bounds(period, today)
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    assignments = list(selectors.zone_assignments(zone))
    school_ids = {a.school_id for a in assignments}
    visits = list(Visit.objects.filter(school_id__in=school_ids, started_at__gte=since, started_at__lt=until)
                  .select_related("school", "inspector").order_by("started_at"))
    findings = list(Finding.objects.filter(source_type="zones.visit", source_id__in=[str(v.pk) for v in visits])
                    .select_related("school"))
    per_inspector: dict[int, dict] = {}
    for a in assignments:
        row = per_inspector.setdefault(a.inspector_id, {"name": a.inspector.name, "kind": a.inspector.get_kind_display(),
                                                        "schools": set(), "visits": 0, "hours": 0.0, "findings": 0})
        row["schools"].add(a.school_id)
    visit_owner = {}
    for v in visits:
        visit_owner[str(v.pk)] = v.inspector_id
        row = per_inspector.setdefault(v.inspector_id, {"name": v.inspector.name, "kind": v.inspector.get_kind_display(),
                                                        "schools": set(), "visits": 0, "hours": 0.0, "findings": 0})
        row["visits"] += 1
        row["hours"] += v.minutes_on_site / 60
    for f in findings:
        per_inspector[visit_owner[f.source_id]]["findings"] += 1
    visited = {v.school_id for v in visits}
    last = {}
    for v in Visit.objects.filter(school_id__in=school_ids - visited, started_at__lt=until).order_by("started_at"):
        last[v.school_id] = v.started_at
    by_item = Counter(f.category for f in findings)
    schools = {a.school_id: a.school for a in assignments}
    return {
        "title": f"{zone.region.name}{zone.name} {label} 工作专报",
        "zone": {"name": zone.name, "region": zone.region.name, "lead": zone.lead.name if zone.lead else "—"},
        "period": label, "generated_on": cn_date(today),
        "summary": {
            "schools": len(school_ids), "covered": len(school_ids), "visits": len(visits), "visited_schools": len(visited),
            "hours": round(sum(v.minutes_on_site for v in visits) / 60, 1), "overdue_schools": len(school_ids - visited),
            "findings": len(findings), "findings_closed": sum(1 for f in findings if f.status != FindingStatus.OPEN),
            "complaints": Complaint.objects.filter(school_id__in=school_ids, received_at__gte=since, received_at__lt=until).count(),
        },
        "inspectors": [{**row, "schools": len(row["schools"]), "hours": round(row["hours"], 1)}
                       for row in sorted(per_inspector.values(), key=lambda r: r["name"])],
        "items": [{"name": str(ROUTINE_ITEM_LABELS.get(code, "专项督导事项")), "count": n} for code, n in by_item.most_common()],
        "highlights": [{"school": v.school.name, "date": cn_date(v.started_at), "text": v.highlights}
                       for v in visits if v.highlights][:30],
        "problems": [{"school": f.school.name, "item": f.category_label, "code": f.get_follow_up_display(),
                      "text": f.description, "status": f.get_status_display()} for f in findings][:200],
        "overdue": [{"school": schools[sid].name, "last_visit": cn_date(last[sid]) if sid in last else "无记录"}
                    for sid in sorted(school_ids - visited, key=lambda s: schools[s].code)],
    }
