"""What surveys gives the leader's cockpit (驾驶舱) and its map, read through surveys's own selectors as
FigureReader(region): the year's survey rounds (selectors.round_list, by the round's 年度) that have ended, their
rated answers (selectors.rated_frame) through the results engine with each county's rules (selectors.rules_for):
the same pooled figure as a round's result page (engine.results().overall) and, for the 社会认可度, as
selectors.recognition. Registered by register_cockpit(), called from registrations.register().

Queries: a fixed handful (the rounds, the policies, two per group of rounds judged by the same rules, the schools'
regions) whatever the number of schools, towns or counties; the children are folded with engine.by_area."""

import polars as pl
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.registries import (
    FigureReader,
    Metric,
    cockpit_child_finder,
    register_cockpit_section,
    register_map_layer,
)
from dudao.core.scope import region_prefix
from dudao.schools.models import School
from dudao.surveys import engine, selectors


def _ended_rounds(reader, year: int) -> list[tuple[int, str, bool]]:
    """(id, county, feeds_recognition) of the year's rounds the reader sees that have ended (closed early or past
    their closing time), as selectors.recognition counts them."""
    now = timezone.now()
    return list(selectors.round_list(reader).filter(year=year).filter(Q(closed_at__isnull=False) | Q(closes_at__lte=now))
                .order_by("id").values_list("id", "county_id", "feeds_recognition"))


def _school_ids(region_code: str) -> list[int] | None:
    """The schools whose answers count: every school of the rounds for a county or above; a town's own schools."""
    prefix = region_prefix(region_code)
    if len(prefix) <= 6:
        return None
    return list(School.objects.visible_to(FigureReader(region_code)).values_list("pk", flat=True))


def read(region_code: str, year: int) -> tuple[list, list]:
    """The rated answers of the year's ended rounds as (all, recognition only): each a list of (frame, rules), one
    frame per set of rules (counties judged alike together). Every answer is read once."""
    # a town reads its county's rounds (they belong to the county) restricted to the town's own schools
    reader = FigureReader(region_prefix(region_code)[:6] if len(region_prefix(region_code)) > 6 else region_code)
    rounds = _ended_rounds(reader, year)
    if not rounds:
        return [], []
    table = selectors.rules_table()
    groups: dict[tuple[engine.Rules, bool], list[int]] = {}
    for pk, county, feeds in rounds:
        groups.setdefault((selectors.rules_for(county, table), bool(feeds)), []).append(pk)
    schools = _school_ids(region_code)
    frames = {key: selectors.rated_frame(ids, schools) for key, ids in groups.items()}
    by_rules: dict[engine.Rules, list[pl.DataFrame]] = {}
    for (rules, _feeds), frame in frames.items():
        by_rules.setdefault(rules, []).append(frame)
    everything = [(pl.concat(parts) if len(parts) > 1 else parts[0], rules) for rules, parts in by_rules.items()]
    return everything, [(frame, rules) for (rules, feeds), frame in frames.items() if feeds]


def pooled(frames: list[tuple[pl.DataFrame, engine.Rules]]) -> dict:
    """The overall figure of the frames: a round's result page's engine.results().overall for one set of rules;
    over several (counties with different rules), satisfied and rated answers summed."""
    if not frames:
        return engine.overall(engine.empty_frame())
    parts = [engine.results(frame, rules).overall for frame, rules in frames]
    if len(parts) == 1:
        return parts[0]
    answers = sum(p["answers"] for p in parts)
    satisfied = sum(p["satisfied"] for p in parts)
    return {"responses": sum(p["responses"] for p in parts), "answers": answers, "satisfied": satisfied,
            "rate": satisfied / answers if answers else None}


def by_school(frames) -> pl.DataFrame:
    """Per school: responses, answers, satisfied, rate (withheld below the minimum number of responses)."""
    tables = [engine.by_school(frame, rules) for frame, rules in frames if not frame.is_empty()]
    return pl.concat(tables) if tables else pl.DataFrame()


def by_child(frames, children) -> dict[str, dict]:
    """Per child: the engine's by_area roll-up of its schools (an area below the minimum number of responses is
    withheld, as the round page's towns are)."""
    if not children or not frames:
        return {}
    find = cockpit_child_finder(children)
    places = dict(School.objects.filter(pk__in=_all_schools(frames)).values_list("pk", "region_id"))
    out: dict[str, dict] = {}
    for frame, rules in frames:
        if frame.is_empty():
            continue
        schools = engine.by_school(frame, rules)
        pairs = [(pk, find(places.get(pk, ""), pk)) for pk in schools["school"].to_list()]
        areas = pl.DataFrame({"school": [p for p, k in pairs if k], "area": [k for _p, k in pairs if k]},
                             schema={"school": pl.Int64, "area": pl.Utf8})
        for row in engine.by_area(schools, areas, rules).iter_rows(named=True):
            seen = out.setdefault(row["area"], {"responses": 0, "answers": 0, "satisfied": 0, "min": rules.min_responses})
            for key in ("responses", "answers", "satisfied"):
                seen[key] += row[key]
    return {key: {**v, "rate": None if v["responses"] < v["min"] or not v["answers"] else v["satisfied"] / v["answers"]}
            for key, v in out.items()}


def _all_schools(frames) -> list[int]:
    ids: set[int] = set()
    for frame, _rules in frames:
        if not frame.is_empty():
            ids.update(frame["school"].unique().to_list())
    return sorted(ids)


def _pct(ratio) -> float | None:
    return None if ratio is None else round(100.0 * ratio, 1)


def _limit(region_code: str) -> float:
    return round(100 * selectors.rules_for(region_prefix(region_code)[:6] or region_code).threshold, 1)


def metrics(region_code: str, year: int, children) -> list:
    frames, recog = read(region_code, year)
    frames_before, recog_before = read(region_code, year - 1)
    now, before = pooled(frames), pooled(frames_before)
    rec_now, rec_before = pooled(recog), pooled(recog_before)
    parts, rec_parts = by_child(frames, children), by_child(recog, children)
    limit = _limit(region_code)
    url = reverse("surveys:round_list")
    src = (f"surveys.selectors.round_list（{year} 年度、已结束的调查）+ rated_frame + engine.results"
           "（与调查结果页同一算法）")
    return [
        Metric("surveys.satisfaction", "满意度调查满意率", _pct(now["rate"]), "%", _pct(before["rate"]), limit=limit,
               url=url, breakdown={k: _pct(v["rate"]) for k, v in parts.items() if v["rate"] is not None},
               source=src, note="满意（含基本满意）的评分题答案 / 全部评分题答案，该年度已结束的各轮调查合并计算"),
        Metric("surveys.recognition", "社会认可度", _pct(rec_now["rate"]), "%", _pct(rec_before["rate"]), limit=limit,
               url=url, breakdown={k: _pct(v["rate"]) for k, v in rec_parts.items() if v["rate"] is not None},
               source=src.replace("已结束的调查", "计入社会认可度且已结束的调查") + "；县（区）的值即 selectors.recognition",
               note="计入社会认可度的调查中满意的答案占比（优质均衡要求不低于 85%）"),
        Metric("surveys.responses", "有效答卷", now["responses"] if frames else None, "份",
               before["responses"] if frames_before else None, url=url,
               breakdown={k: v["responses"] for k, v in parts.items()}, source=src,
               note="该年度已结束调查的有效答卷（未剔除）"),
    ]


def satisfaction_by_school(region_code: str, year: int) -> dict[int, float]:
    """Each school's satisfaction rate (%) over the year's ended rounds; schools below the minimum number of
    responses are withheld (left out, drawn grey), as on the round's result page."""
    table = by_school(read(region_code, year)[0])
    if table.is_empty():
        return {}
    out = {}
    for school, rate in table.select("school", "rate").iter_rows():
        if rate is not None:
            out[school] = _pct(rate)
    return out


def register_cockpit() -> None:
    register_cockpit_section("surveys", "满意度调查", metrics, order=60)
    register_map_layer("surveys.satisfaction", "满意度", satisfaction_by_school, unit="%")
