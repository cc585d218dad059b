"""What quality gives the leader's cockpit (驾驶舱) and its map, read through quality's own selectors as
FigureReader(region): the published rounds tested in the year (selectors.round_list), each subject's results as a
leader reads them on the round's results page (selectors.subject_results: the county row and every school's row,
small schools withheld) and its value-added (selectors.value_added, the page's default REML with the gender
covariate: each school's effect flagged 显著高于/符合/显著低于预期). Registered by register_cockpit(), called from
registrations.register().

Queries: a fixed number per round and subject (the selectors read each subject's scores once), none per school,
town or county; the children are folded in Python."""

from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from dudao.core.registries import (
    FigureReader,
    Metric,
    cockpit_child_finder,
    register_cockpit_section,
    register_map_layer,
    year_bounds,
)
from dudao.core.scope import region_prefix
from dudao.quality import selectors
from dudao.quality.models import RoundStatus
from dudao.schools.models import School


def published_rounds(reader, year: int) -> list:
    """The published rounds tested in the year (to today for the current year), oldest first."""
    start, end = year_bounds(year, timezone.localdate())
    return list(selectors.round_list(reader).filter(status=RoundStatus.PUBLISHED, test_date__gte=start,
                                                    test_date__lte=end).order_by("test_date", "id"))


def read(region_code: str, year: int) -> dict:
    """Pass counts and value-added flags of the year's published rounds as the reader sees them.

    pupils / passed: every pupil score of the county rows (a county's figure counts small schools too); for a town
    (a school-facing reader) the town's school rows. schools: {school id: (n, passed)} of the rows shown.
    va: {school id: [flags]} of the schools shown on the value-added tables."""
    town = len(region_prefix(region_code)) > 6
    # a town reads its county's rounds (they belong to the county) as the county's leader, keeping only the rows
    # of the town's own schools
    reader = FigureReader(region_prefix(region_code)[:6] if town else region_code)
    mine = set(School.objects.visible_to(FigureReader(region_code)).values_list("pk", flat=True)) if town else None
    out = {"rounds": 0, "subjects": 0, "pupils": 0, "passed": 0.0, "schools": defaultdict(lambda: [0, 0.0]),
           "va": defaultdict(list)}
    for round in published_rounds(reader, year):
        out["rounds"] += 1
        for subject in selectors.round_subjects(round, user=reader):
            results = selectors.subject_results(round, subject, user=reader)
            out["subjects"] += 1
            county = results["county"]
            if not town and county.get("pass_rate") is not None:
                out["pupils"] += county["n"]
                out["passed"] += county["n"] * county["pass_rate"] / 100
            shown = [row for row in results["schools"] if mine is None or row["id"] in mine]
            for row in shown:
                if row.get("pass_rate") is None:
                    continue
                tally = out["schools"][row["id"]]
                tally[0] += row["n"]
                tally[1] += row["n"] * row["pass_rate"] / 100
                if town:
                    out["pupils"] += row["n"]
                    out["passed"] += row["n"] * row["pass_rate"] / 100
            va = selectors.value_added(round, subject, user=reader)
            if "error" in va:
                continue
            ids = {row["code"]: row["id"] for row in shown}
            for row in va["schools"]:
                if row["flag"] in ("above", "expected", "below") and row["code"] in ids:
                    out["va"][ids[row["code"]]].append(row["flag"])
    return out


def _rate(pupils: int, passed: float) -> float | None:
    return round(100.0 * passed / pupils, 1) if pupils else None


def _below_share(flags: dict) -> float | None:
    """Schools flagged 显著低于预期 in at least one subject / schools with a value-added result (%)."""
    if not flags:
        return None
    return round(100.0 * sum(1 for f in flags.values() if "below" in f) / len(flags), 1)


def metrics(region_code: str, year: int, children) -> list:
    now, before = read(region_code, year), read(region_code, year - 1)
    find = cockpit_child_finder(children)
    places = dict(School.objects.filter(pk__in=set(now["schools"]) | set(now["va"])).values_list("pk", "region_id"))
    pass_parts: dict[str, list] = defaultdict(lambda: [0, 0.0])
    va_parts: dict[str, dict] = defaultdict(dict)
    for pk, (n, passed) in now["schools"].items():
        key = find(places.get(pk, ""), pk)
        if key is not None:
            pass_parts[key][0] += n
            pass_parts[key][1] += passed
    for pk, flags in now["va"].items():
        key = find(places.get(pk, ""), pk)
        if key is not None:
            va_parts[key][pk] = flags
    url = reverse("quality:round_list") + f"?year={year}"
    src = (f"quality.selectors.round_list（{year} 年测试且已发布的轮次）+ subject_results（与结果页同一算法，"
           "小样本学校不单列）")
    va_src = "quality.selectors.value_added（与增值评价页同一模型：REML，性别协变量）：各轮次各学科"
    return [
        Metric("quality.rounds", "已发布质量监测", now["rounds"], "轮", before["rounds"], url=url,
               source=src, note="该年测试且已向学校发布结果的监测轮次"),
        Metric("quality.pass_rate", "学业质量合格率", _rate(now["pupils"], now["passed"]), "%",
               _rate(before["pupils"], before["passed"]), url=url,
               breakdown={k: _rate(n, p) for k, (n, p) in pass_parts.items() if n}, source=src,
               note="各轮次各学科合格人次 / 参测人次（不低于合格线即合格）"),
        Metric("quality.va_below", "增值评价显著低于预期的学校占比", _below_share(now["va"]), "%",
               _below_share(before["va"]), higher_is_better=False, url=url,
               breakdown={k: _below_share(v) for k, v in va_parts.items()}, source=va_src,
               note="至少一个学科增值效应区间整体低于 0 的学校 / 有增值评价结果的学校"),
    ]


def va_flag_by_school(region_code: str, year: int) -> dict[int, int]:
    """1 when the school's value-added is 显著低于预期 in at least one subject of the year's published rounds, 0
    when it has a value-added result and none is; schools without one are left out (drawn grey)."""
    return {pk: int("below" in flags) for pk, flags in read(region_code, year)["va"].items()}


def register_cockpit() -> None:
    register_cockpit_section("quality", "质量监测", metrics, order=70)
    register_map_layer("quality.va_below", "增值评价预警", va_flag_by_school, higher_is_better=False, flag=True)
