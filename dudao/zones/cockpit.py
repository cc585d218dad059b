"""What zones gives the leader's cockpit (驾驶舱) and its map, read through zones's own selectors as
FigureReader(region): the coverage page (zones.selectors.coverage), the frequency page (zones.selectors.frequency),
the visit log (visit_list) and the complaints list (complaint_list), the same reads as the 年度工作总结
(zones.year.year_figures). Registered by register_cockpit(), called from registrations.register().

A constant number of queries per call whatever the number of schools or towns: coverage and frequency read every
school of the region in a few queries each (their pages do the same), visits and complaints are one grouped query
each covering the year and the year before, folded into the children with cockpit_child_finder."""

import datetime
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.policy import PolicyTable
from dudao.core.registries import (
    COCKPIT_YEARS,
    FigureReader,
    Metric,
    cockpit_child_finder,
    cockpit_periods,
    register_cockpit_section,
    register_map_layer,
)
from dudao.core.scope import region_prefix
from dudao.zones import selectors
from dudao.zones.models import ComplaintStatus

POLICY_KEYS = ("zones.visits_per_month_min", "zones.vacation_months")


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def teaching_months(start: datetime.date, end: datetime.date, vacation_months) -> int:
    """Calendar months of [start, end] within one year (a part month counts) outside the vacation months: the
    months in which zones.visits_per_month_min applies."""
    vacation = {int(m) for m in vacation_months}
    return sum(1 for m in range(start.month, end.month + 1) if m not in vacation)


def _counts(qs, field: str, periods: dict, children, **extra) -> list[dict]:
    """A zones list (visits, complaints) grouped by school: the rows dated (`field`, an instant) in the year ("now")
    and in the year before ("prev"), and for each `extra` name→Q, "<name>_now" and "<name>_prev". One query."""
    since_prev, until_now = periods["prev"][2], periods["now"][3]
    # by town, and by school too when the children are schools (a town)
    group = ("school__region_id", "school_id") if any(c.school_id is not None for c in children) else (
        "school__region_id",)
    counts = {}
    for name in COCKPIT_YEARS:
        dated = Q(**{f"{field}__gte": periods[name][2], f"{field}__lt": periods[name][3]})
        counts[name] = Count("id", filter=dated)
        counts |= {f"{key}_{name}": Count("id", filter=dated & q) for key, q in extra.items()}
    return list(qs.select_related(None).order_by().filter(**{f"{field}__gte": since_prev, f"{field}__lt": until_now})
                .values(*group).annotate(**counts))


def _fold(rows, find, field: str) -> tuple[int, dict]:
    total, parts = 0, defaultdict(int)
    for row in rows:
        total += row[field]
        key = find(row["school__region_id"], row.get("school_id"))
        if key is not None and row[field]:
            parts[key] += row[field]
    return total, dict(parts)


def _filled(parts: dict, children) -> dict:
    """A count's breakdown over every child: a child without rows counts 0 (it is a count, not a missing figure)."""
    return {child.key: parts.get(child.key, 0) for child in children}


def _url(name: str, region: str, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in {"region": region, **params}.items())
    return f"{reverse(name)}?{query}"


def metrics(region_code: str, year: int, children) -> list:
    reader, region = FigureReader(region_code), region_prefix(region_code)
    today = timezone.localdate()
    periods = cockpit_periods(year)
    find = cockpit_child_finder(children)
    table = PolicyTable(POLICY_KEYS)
    per_month, vacation = int(table.get(POLICY_KEYS[0], region)), table.get(POLICY_KEYS[1], region)

    # The schools of the region now (the coverage and frequency pages' rows) and where each one belongs.
    # frequency() counts a semester's visits from its start on, without an end: read "as of" today only.
    freq = selectors.frequency(reader, region=region, today=today)
    child_of = {row["id"]: find(row["region_id"], row["id"]) for row in freq["rows"]}
    schools_by_child = defaultdict(int)
    for key in child_of.values():
        if key is not None:
            schools_by_child[key] += 1
    schools = len(freq["rows"])

    # 挂牌 coverage: the current assignments (the coverage page); a past year has no such figure.
    current = year == today.year
    cover = selectors.coverage(reader, region=region) if current else None
    uncovered_by_child = defaultdict(int)
    for row in cover["uncovered"] if cover else ():
        key = child_of.get(row["id"])
        if key is not None:
            uncovered_by_child[key] += 1
    coverage = _percent(cover["covered"], cover["total"]) if cover else None

    # Visits of the year and the year before (the visit log), per school.
    visits = _counts(selectors.visit_list(reader, region=region), "started_at", periods, children)
    visit_total, visit_parts = _fold(visits, find, "now")
    visit_prev = sum(row["prev"] for row in visits)
    months = {name: teaching_months(periods[name][0], periods[name][1], vacation) for name in COCKPIT_YEARS}

    def per_school_month(n: int, school_count: int, name: str) -> float | None:
        return None if not school_count or not months[name] else round(n / school_count / months[name], 2)

    # 频次达标 (the frequency page's semester rule) now: like coverage, a figure of the current year only.
    ok_parts = defaultdict(int)
    for row in freq["rows"]:
        key = child_of.get(row["id"])
        if key is not None and row["freq"].semester_ok:
            ok_parts[key] += 1
    ok_now = schools - freq["semester_short"]

    # Complaints received in the year (the complaints list) and how many are closed.
    complaints = _counts(selectors.complaint_list(reader, region=region), "received_at", periods, children,
                         closed=Q(status=ComplaintStatus.CLOSED))
    prev_closed = sum(row["closed_prev"] for row in complaints)
    received, received_parts = _fold(complaints, find, "now")
    closed, closed_parts = _fold(complaints, find, "closed_now")
    received_prev = sum(row["prev"] for row in complaints)

    src = "zones.selectors"
    semester = freq["semester"].label
    return [
        Metric("zones.coverage", "挂牌督导覆盖率", coverage, "%", None, limit=100.0,
               url=_url("zones:coverage", region),
               breakdown={k: _percent(n - uncovered_by_child[k], n) for k, n in schools_by_child.items()} if cover else None,
               source=f"{src}.coverage：当前在册学校（幼儿园）中已配备责任督学的比例（与覆盖情况页同一算法）",
               note="覆盖率 = 已配备责任督学的学校 / 在册学校；为当前状态，无上年同期" if current
               else "覆盖率为当前状态，往年不统计"),
        Metric("zones.visits", "督导纪实（走访）", visit_total if schools else None, "次",
               visit_prev if schools else None, url=_url("zones:visit_list", region,
                                                          date_from=periods["now"][0].isoformat(),
                                                          date_to=periods["now"][1].isoformat()),
               breakdown=_filled(visit_parts, children) if schools else None, source=f"{src}.visit_list：{year} 年开始的督导纪实"),
        Metric("zones.visits_per_school_month", "校均月走访次数", per_school_month(visit_total, schools, "now"), "次",
               per_school_month(visit_prev, schools, "prev"), limit=float(per_month),
               url=_url("zones:frequency", region),
               breakdown={k: per_school_month(visit_parts.get(k, 0), n, "now") for k, n in schools_by_child.items()},
               source=f"{src}.visit_list ÷ {src}.frequency 的在册学校 ÷ 非假期月数（zones.vacation_months）",
               note=f"= 年内走访次数 / 在册学校 / 非假期月数；下限为每校每月 {per_month} 次（参数设置中可按地区调整）"),
        Metric("zones.frequency_rate", "督导频次达标率", _percent(ok_now, schools) if current else None, "%", None,
               limit=100.0, url=_url("zones:frequency", region, show="all"),
               breakdown={k: _percent(ok_parts.get(k, 0), n) for k, n in schools_by_child.items()} if current else None,
               source=f"{src}.frequency：截至 {today.isoformat()}（{semester}）达到每学期督导次数下限的学校比例",
               note="达标率 = 本学期督导次数达到每学期下限的学校 / 在册学校；为当前学期状态，"
                    "无上年同期" if current else "达标率为当前学期状态，往年不统计"),
        Metric("zones.complaints", "受理投诉举报", received if schools else None, "件",
               received_prev if schools else None, url=_url("zones:complaint_list", region), higher_is_better=False,
               breakdown=_filled(received_parts, children) if schools else None, source=f"{src}.complaint_list：{year} 年受理"),
        Metric("zones.complaints_closed_rate", "投诉举报办结率", _percent(closed, received), "%",
               _percent(prev_closed, received_prev), limit=100.0,
               url=_url("zones:complaint_list", region, status=ComplaintStatus.CLOSED),
               breakdown={k: _percent(closed_parts.get(k, 0), n) for k, n in received_parts.items()},
               source=f"{src}.complaint_list：{year} 年受理且状态为已办结", note="办结率 = 已办结 / 受理"),
    ]


def last_visit_days(region_code: str, year: int) -> dict[int, int | None]:
    """最近走访距今（天）per school of the region now (the frequency page's 距上次督导天数), whatever the year;
    None for a school never visited."""
    rows = selectors.frequency(FigureReader(region_code), region=region_prefix(region_code))["rows"]
    return {row["id"]: row["days_since"] for row in rows}


def register_cockpit() -> None:
    register_cockpit_section("zones", "挂牌督导", metrics, order=10)
    register_map_layer("zones.last_visit_days", "最近走访距今", last_visit_days, unit="天", higher_is_better=False)
