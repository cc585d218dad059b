"""Reads of area allowances: 兼职督学劳务补贴. Scoped through visible_to(user); the records of a month are loaded
here for the engine (a constant number of queries whatever the number of inspectors)."""

import datetime
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from dudao.checks.models import CheckSubmission
from dudao.core.dates import local_date, local_span
from dudao.core.policy import PolicyTable
from dudao.core.scope import region_prefix
from dudao.inspections.models import InspectionStage, TeamMember, Transition
from dudao.people.models import Inspector, InspectorKind
from dudao.workforce import allowance_engine as engine
from dudao.workforce.models import AllowanceLine, AllowanceLineKind, AllowanceMonth
from dudao.zones.models import Visit

RATE_KEYS = {
    "visit": "workforce.allowance_visit",
    "half_day": "workforce.allowance_half_day",
    "check": "workforce.allowance_check",
    "inspection_day": "workforce.allowance_inspection_day",
    "transport": "workforce.allowance_transport",
    "monthly_cap": "workforce.allowance_monthly_cap",
    "half_day_minutes": "workforce.allowance_half_day_minutes",
}


def _decimal(value) -> Decimal:
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(-1)
    return result if result.is_finite() else Decimal(-1)


def rates_for(region_code: str) -> engine.Rates:
    """The rates in force for a region (policy values; 0 = not set). A malformed value reads as -1 (refused)."""
    table = PolicyTable(list(RATE_KEYS.values()))
    values = {name: table.get(key, region_code) for name, key in RATE_KEYS.items()}
    minutes = values.pop("half_day_minutes")
    return engine.Rates(**{k: _decimal(v) for k, v in values.items()},
                        half_day_minutes=int(minutes) if isinstance(minutes, int | float) else 0)


def part_time_q(prefix_lookup: str, region_code: str) -> Q:
    """Part-time inspectors appointed in the region (code prefix)."""
    return Q(**{f"{prefix_lookup}region__code__startswith": region_prefix(region_code),
                f"{prefix_lookup}kind": InspectorKind.PART_TIME})


def month_records(region_code: str, year: int, month: int, *, today: datetime.date | None = None) -> list[engine.Record]:
    """The month's records of the region's part-time inspectors: visits (not made for a check), checks (dated by
    their visit, else by submission) and on-site days of 督导评估 projects where they are team members. Four queries."""
    first, last = engine.month_span(year, month)
    begin, end = local_span(first, last)
    today = today or timezone.localdate()
    records: list[engine.Record] = []
    # the local (Asia/Shanghai) day computed by the database: TruncDate takes the current time zone
    visits = (Visit.objects.filter(part_time_q("inspector__", region_code), started_at__gte=begin, started_at__lt=end,
                                   check_submission__isnull=True)
              .annotate(n_day=TruncDate("started_at"))
              .values_list("pk", "inspector_id", "n_day", "minutes_on_site", "school__name"))
    records += [engine.Record(inspector_id, engine.VISIT, str(pk), day, minutes or 0, f"督导纪实：{school}")
                for pk, inspector_id, day, minutes, school in visits]
    checks = (CheckSubmission.objects.filter(part_time_q("inspector__", region_code))
              .filter(Q(visit__started_at__gte=begin, visit__started_at__lt=end)
                      | Q(visit__isnull=True, submitted_at__gte=begin, submitted_at__lt=end))
              .annotate(n_day=TruncDate(Coalesce("visit__started_at", "submitted_at")))
              .values_list("pk", "inspector_id", "n_day", "target__school__name", "target__round__title"))
    records += [engine.Record(inspector_id, engine.CHECK, str(pk), day, 0, f"专项检查：{title}（{school}）")
                for pk, inspector_id, day, school, title in checks]
    members = defaultdict(set)  # inspection id -> inspector ids
    names: dict[int, str] = {}
    for inspection_id, name, inspector_id in (
            TeamMember.objects.filter(part_time_q("user__inspector__", region_code),
                                      target__inspection__stage__in=_SINCE_ONSITE)
            .values_list("target__inspection_id", "target__inspection__name", "user__inspector__id").distinct()):
        members[inspection_id].add(inspector_id)
        names[inspection_id] = name
    if members:
        moves = defaultdict(list)
        onsite = InspectionStage.ONSITE
        for inspection_id, at, from_status, to_status in (
                Transition.objects.filter(inspection_id__in=list(members), at__lt=end)
                .filter(Q(to_status=onsite) | Q(from_status=onsite))
                .order_by("inspection_id", "at", "id").values_list("inspection_id", "at", "from_status", "to_status")):
            moves[inspection_id].append((local_date(at), from_status, to_status))
        until = min(today, last)
        for inspection_id, inspector_ids in members.items():
            days = sorted(d for d in engine.onsite_days(moves[inspection_id], onsite=onsite, until=until)
                          if first <= d <= last)
            for inspector_id in inspector_ids:
                for day in days:
                    records.append(engine.Record(inspector_id, engine.DAY, f"{inspection_id}:{inspector_id}:{day}",
                                                 day, 0, f"督导评估：{names[inspection_id]}"))
    return records


_SINCE_ONSITE = [InspectionStage.ONSITE, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK,
                 InspectionStage.ISSUED, InspectionStage.RECTIFYING, InspectionStage.RECHECKED,
                 InspectionStage.ARCHIVED]


def part_time_inspectors(region_code: str):
    return Inspector.objects.filter(part_time_q("", region_code))


# ---- pages --------------------------------------------------------------------------------------------------------

def month_list(user, *, status: str = "", year: str = "", q: str = ""):
    rows = AllowanceMonth.objects.visible_to(user).select_related("region", "approved_by", "computed_by")
    if status:
        rows = rows.filter(status=status)
    if year.isdigit() and len(year) == 4:
        rows = rows.filter(year=int(year))
    if q:
        rows = rows.filter(region__name__icontains=q[:50])
    return rows.order_by("-year", "-month", "region_id")


def month_lines(month: AllowanceMonth, *, q: str = ""):
    """Every line of a month (computed and adjustments), with the inspector."""
    rows = AllowanceLine.objects.filter(allowance_month=month).select_related("inspector", "created_by")
    if q:
        rows = rows.filter(Q(inspector__name__icontains=q[:50]) | Q(inspector__employer__icontains=q[:50]))
    return rows.order_by("inspector__name", "inspector_id", "kind", "id")


def month_sums(month: AllowanceMonth) -> dict:
    sums = AllowanceLine.objects.filter(allowance_month=month).aggregate(
        n_visits=Sum("visits"), n_half_days=Sum("half_days"), n_checks=Sum("checks"),
        n_days=Sum("inspection_days"), n_trips=Sum("trips"), n_total=Sum("total"),
        n_adjust=Count("id", filter=Q(kind=AllowanceLineKind.ADJUSTMENT)))
    return {k: v or 0 for k, v in sums.items()}


def finance_rows(month: AllowanceMonth) -> list[dict]:
    """One row per inspector (computed line and adjustments folded), for the finance sheet: ordered by name."""
    rows: dict[int, dict] = {}
    for line in month_lines(month).defer("detail").iterator(chunk_size=2000):
        row = rows.setdefault(line.inspector_id, {
            "inspector": line.inspector, "visits": 0, "half_days": 0, "checks": 0, "inspection_days": 0, "trips": 0,
            "visit_amount": Decimal(0), "half_day_amount": Decimal(0), "check_amount": Decimal(0),
            "inspection_amount": Decimal(0), "transport_amount": Decimal(0), "cap_cut": Decimal(0),
            "adjustment": Decimal(0), "reasons": [], "total": Decimal(0)})
        if line.kind == AllowanceLineKind.ADJUSTMENT:
            row["adjustment"] += line.total
            row["reasons"].append(line.reason)
        else:
            for f in ("visits", "half_days", "checks", "inspection_days", "trips", "visit_amount", "half_day_amount",
                      "check_amount", "inspection_amount", "transport_amount", "cap_cut"):
                row[f] += getattr(line, f)
        row["total"] += line.total
    return list(rows.values())


def my_lines(user):
    """The inspector's own lines (visible_to: own_q), newest month first."""
    return (AllowanceLine.objects.visible_to(user).filter(inspector__user=user)
            .select_related("allowance_month", "allowance_month__region").order_by(
                "-allowance_month__year", "-allowance_month__month", "kind", "id"))


def year_total(user, region_code: str, start: datetime.date, end: datetime.date) -> tuple[Decimal, int]:
    """Approved allowances of months inside start..end (by month), their total and the people paid."""
    months = AllowanceMonth.objects.visible_to(user).filter(
        region__code__startswith=region_prefix(region_code), status="approved")
    months = [m for m in months.only("pk", "year", "month") if start <= datetime.date(m.year, m.month, 1) <= end]
    agg = AllowanceLine.objects.filter(allowance_month__in=[m.pk for m in months]).aggregate(
        n_total=Sum("total"), n_people=Count("inspector", distinct=True))
    return agg["n_total"] or Decimal(0), agg["n_people"] or 0
