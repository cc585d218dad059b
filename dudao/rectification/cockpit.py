"""What rectification gives the leader's cockpit (驾驶舱) and its map, read through rectification's own selectors as
FigureReader(region): the same rows and the same engine (engine.rates) as the 整改统计 page and the 年度工作总结.
Registered by register_cockpit(), called from registrations.register().

Every read below is one grouped query covering the year and the year before (a Count filtered per year), folded
into the children with cockpit_child_finder: five queries per call, whatever the number of towns or schools."""

from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse

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
from dudao.rectification import engine, selectors
from dudao.rectification.models import DONE_STATUSES, FindingStatus
from dudao.schools.selectors import school_list


def _group(children, school_field: str = "school_id") -> tuple[str, ...]:
    """What to group rows by: the region code, and the school too when the children are schools (a town)."""
    return ("region_code", school_field) if any(c.school_id is not None for c in children) else ("region_code",)


def _tallies(region_code: str, year: int, children) -> tuple[dict, dict]:
    """The findings raised in the year (and in the year before) as engine Tallies: ({"now": Tally, "prev": Tally},
    {child key: Tally of the year}). One grouped query."""
    periods = cockpit_periods(year)
    counts = {}
    for name in COCKPIT_YEARS:
        _start, end, since, until = periods[name]
        raised = Q(raised_at__gte=since, raised_at__lt=until)
        done = raised & Q(status__in=DONE_STATUSES)
        counts |= {f"{name}_total": Count("id", filter=raised), f"{name}_done": Count("id", filter=done),
                   f"{name}_on_time": Count("id", filter=done & Q(closed_on_time=True)),
                   f"{name}_overdue": Count("id", filter=raised & Q(status=FindingStatus.OPEN, due_date__lt=end))}
    rows = (selectors.finding_list(FigureReader(region_code)).select_related(None).order_by()
            .filter(raised_at__gte=periods["prev"][2], raised_at__lt=periods["now"][3])
            .values(*_group(children)).annotate(**counts))
    find = cockpit_child_finder(children)
    whole, parts = {name: engine.Tally() for name in COCKPIT_YEARS}, defaultdict(engine.Tally)
    for row in rows:
        tallies = {name: engine.Tally(row[f"{name}_total"], row[f"{name}_done"], row[f"{name}_on_time"],
                                      row[f"{name}_overdue"]) for name in COCKPIT_YEARS}
        whole = {name: whole[name] + tallies[name] for name in COCKPIT_YEARS}
        key = find(row["region_code"], row.get("school_id"))
        if key is not None and tallies["now"].total:
            parts[key] = parts[key] + tallies["now"]
    return whole, parts


def _counted(qs, field: str, periods: dict, children, *, school_field: str = "school_id", dates: bool = False):
    """Rows of a rectification list (督办单, 约谈, 问责) dated in the year and the year before by `field`: ({"now": n,
    "prev": n}, {child key: n of the year}). `dates`: the field is a DateField (compared with dates, not instants)."""
    def bounds(name):
        start, end, since, until = periods[name]
        return Q(**{f"{field}__gte": start, f"{field}__lte": end}) if dates else Q(
            **{f"{field}__gte": since, f"{field}__lt": until})

    low = periods["prev"][0] if dates else periods["prev"][2]
    high = Q(**{f"{field}__lte": periods["now"][1]}) if dates else Q(**{f"{field}__lt": periods["now"][3]})
    rows = (qs.select_related(None).prefetch_related(None).order_by()
            .filter(high, **{f"{field}__gte": low})
            .values(*_group(children, school_field))
            .annotate(now=Count("id", filter=bounds("now")), prev=Count("id", filter=bounds("prev"))))
    find = cockpit_child_finder(children)
    whole, parts = {"now": 0, "prev": 0}, defaultdict(int)
    for row in rows:
        whole = {name: whole[name] + row[name] for name in COCKPIT_YEARS}
        key = find(row["region_code"], row.get(school_field))
        if key is not None and row["now"]:
            parts[key] += row["now"]
    return whole, dict(parts)


def _filled(parts: dict, children) -> dict:
    """A count's breakdown over every child: a child without rows counts 0 (it is a count, not a missing figure)."""
    return {child.key: parts.get(child.key, 0) for child in children}


def _region_url(name: str, region_code: str) -> str:
    return f"{reverse(name)}?region={region_prefix(region_code)}"


def metrics(region_code: str, year: int, children) -> list:
    reader, periods = FigureReader(region_code), cockpit_periods(year)
    whole, parts = _tallies(region_code, year, children)
    now, prev = engine.rates(whole["now"]), engine.rates(whole["prev"])
    by_child = {key: engine.rates(t) for key, t in parts.items()}
    orders, order_parts = _counted(selectors.order_list(reader), "issued_at", periods, children,
                                   school_field="notice__school_id")
    talks, talk_parts = _counted(selectors.talk_list(reader), "proposed_at", periods, children)
    cases, case_parts = _counted(selectors.case_list(reader), "filed_on", periods, children, dates=True)
    url = _region_url("rectification:dashboard", region_code)
    src = f"rectification.selectors.finding_list：{year} 年提出的问题，rectification.engine.rates（与整改统计同一算法）"

    def nothing(value):  # a count over no findings at all is "no data", not 0
        return value if whole["now"].total else None

    def nothing_prev(value):
        return value if whole["prev"].total else None

    return [
        Metric("rectification.raised", "发现问题", now["total"], "个", prev["total"], url=url, higher_is_better=False,
               breakdown=_filled({k: r["total"] for k, r in by_child.items()}, children), source=src),
        Metric("rectification.done", "已整改问题", nothing(now["done"]), "个", nothing_prev(prev["done"]), url=url,
               breakdown={k: r["done"] for k, r in by_child.items()}, source=src + "：当前状态为已整改或现场已反馈"),
        Metric("rectification.rate", "整改率", now["rate"], "%", prev["rate"], url=url,
               breakdown={k: r["rate"] for k, r in by_child.items()}, source=src, note="整改率 = 已整改 / 发现问题"),
        Metric("rectification.on_time_rate", "按期整改率", now["on_time_rate"], "%", prev["on_time_rate"], url=url,
               breakdown={k: r["on_time_rate"] for k, r in by_child.items()}, source=src,
               note="按期整改率 = 按期办结 / 已整改（无整改期限的按期）"),
        Metric("rectification.overdue", "逾期未整改", nothing(now["overdue"]), "个", nothing_prev(prev["overdue"]),
               url=_region_url("rectification:ledger", region_code) + "&overdue=1", higher_is_better=False,
               breakdown={k: r["overdue"] for k, r in by_child.items()},
               source=src + "：仍待整改且整改期限早于年末（本年为今天）",
               note="当年提出、仍未整改且已过整改期限的问题"),
        Metric("rectification.orders", "下达督办单", orders["now"], "份", orders["prev"],
               url=_region_url("rectification:order_list", region_code), higher_is_better=False,
               breakdown=_filled(order_parts, children), source=f"rectification.selectors.order_list：{year} 年下达（与年度工作总结同口径）"),
        Metric("rectification.talks", "提出约谈", talks["now"], "次", talks["prev"],
               url=_region_url("rectification:talk_list", region_code), higher_is_better=False,
               breakdown=_filled(talk_parts, children), source=f"rectification.selectors.talk_list：{year} 年提出（与年度工作总结同口径）"),
        Metric("rectification.cases", "问责立案", cases["now"], "件", cases["prev"],
               url=_region_url("rectification:case_list", region_code), higher_is_better=False,
               breakdown=_filled(case_parts, children), source=f"rectification.selectors.case_list：{year} 年立案（与年度工作总结同口径）"),
    ]


def open_findings_by_school(region_code: str, year: int) -> dict[int, int]:
    """未整改问题 per school now (whatever the year raised), for the map: 0 for a school of the region with none (a
    known zero, not 无数据)."""
    reader = FigureReader(region_code)
    rows = (selectors.finding_list(reader).select_related(None).order_by()
            .filter(status=FindingStatus.OPEN, school_id__isnull=False)
            .values("school_id").annotate(n=Count("id")))
    counts = {row["school_id"]: row["n"] for row in rows}
    return {pk: counts.get(pk, 0) for pk in school_list(reader).order_by().values_list("pk", flat=True)}


def register_cockpit() -> None:
    register_cockpit_section("rectification", "问题整改", metrics, order=30)
    register_map_layer("rectification.open_findings", "未整改问题", open_findings_by_school, unit="个",
                       higher_is_better=False)
