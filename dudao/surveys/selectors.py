"""Reads for surveys, scoped: questionnaires and rounds through visible_to(user); results computed by the
pure engine from the round's non-excluded responses. Non-office users only ever get aggregates, and a
school user only its own school's."""

from collections import Counter
from dataclasses import dataclass

import polars as pl
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone

from dudao.core.models import Role
from dudao.core.policy import PolicyTable
from dudao.core.scope import holds_role_in, scope_for
from dudao.monitoring.guarantee import DEFAULT_LIMITS
from dudao.schools.models import School
from dudao.surveys import engine
from dudao.surveys.models import Questionnaire, RefusalReason, RefusedSubmission, SurveyResponse, SurveyRound
from dudao.surveys.questionnaire import questions, rated_values, scale_items


def is_office_for(user, county_code: str) -> bool:
    return holds_role_in(user, county_code, Role.OFFICE)


def sees_region(user, county_code: str) -> bool:
    """Office users and leaders of the county see every school's aggregates; others only their schools'."""
    return holds_role_in(user, county_code, Role.OFFICE, Role.LEADER)


def own_school(user, survey_round: SurveyRound) -> School:
    """For users who are not the county's office or leaders: the one of their schools in the round (else 404)."""
    school = survey_round.schools.filter(pk__in=scope_for(user).school_ids).order_by("name").first()
    if school is None:
        raise Http404
    return school


def rules_table() -> PolicyTable:
    return PolicyTable(["surveys.satisfied_min", "surveys.min_responses", "monitoring.guarantee_limits"])


def rules_for(county_code: str, table: PolicyTable | None = None) -> engine.Rules:
    """The county's rules. The pass line is the 社会认可度 standard of 优质均衡 (monitoring.guarantee_limits), one
    setting for both: a survey dashboard and the certification summary never disagree on what 达标 means. Pass
    `table` (rules_table()) to read many counties' rules from one query."""
    table = table or rules_table()
    limits = {**DEFAULT_LIMITS, **table.get("monitoring.guarantee_limits", county_code)}
    return engine.Rules(satisfied_min=int(table.get("surveys.satisfied_min", county_code)),
                        threshold=float(limits["recognition_rate"]),
                        min_responses=int(table.get("surveys.min_responses", county_code)))


def questionnaire_list(user):
    return Questionnaire.objects.visible_to(user).select_related("county").annotate(round_count=Count("rounds"))


def round_list(user):
    return (SurveyRound.objects.visible_to(user).select_related("questionnaire", "county")
            .annotate(school_count=Count("schools", distinct=True)).order_by("-opens_at", "-id"))


def counted(queryset):
    """Rounds with their response counts (valid = not excluded), in one query."""
    return queryset.annotate(
        response_count=Count("responses", filter=Q(responses__excluded=False), distinct=True))


def rated_frame(round_ids, school_ids=None, group_code: str = "") -> pl.DataFrame:
    """The engine's input for the rounds: one row per rated answer of every non-excluded response. The group is
    the round's respondent group, or, with group_code, the answer to that question (身份, 年级…)."""
    definitions = dict(SurveyRound.objects.filter(pk__in=round_ids).values_list("pk", "questionnaire__definition"))
    rows = SurveyResponse.objects.filter(round_id__in=round_ids, excluded=False)
    if school_ids is not None:
        rows = rows.filter(school_id__in=school_ids)
    columns: dict[str, list] = {"response": [], "school": [], "group": [], "item": [], "score": []}
    for pk, round_id, school_id, group, answers in rows.values_list(
            "pk", "round_id", "school_id", "round__group", "answers").iterator(chunk_size=5000):
        for item, score in rated_values(definitions[round_id], answers):
            columns["response"].append(pk)
            columns["school"].append(school_id)
            columns["group"].append(str(answers.get(group_code, "未填写")) if group_code else group)
            columns["item"].append(item)
            columns["score"].append(score)
    return pl.DataFrame(columns, schema=engine.SCHEMA)


@dataclass
class RoundResults:
    survey_round: SurveyRound
    rules: engine.Rules
    overall: dict
    schools: list[dict]       # per school: name, responses, rate, mean, withheld, passes
    items: list[dict]         # per rated item: text, distribution, rate, mean
    choices: list[dict]       # per single/multi question: text, [(option, count, share)]
    low: list[dict]           # school × item cells under the threshold (office only)
    region_view: bool
    breakdown: dict | None = None   # satisfaction by the answer to the first single-choice question
    towns: list[dict] | None = None  # per town (乡镇街道), region view only


def round_results(user, survey_round: SurveyRound, school: School | None = None) -> RoundResults:
    """Aggregates of a round as the user may see them: the whole round for the county's office and leaders,
    one school otherwise (`school` must be one of the user's schools; the caller checks with visible_school)."""
    rules = rules_for(survey_round.county_id)
    region_view = school is None and sees_region(user, survey_round.county_id)
    school_ids = None if region_view else [school.pk] if school else []
    frame = rated_frame([survey_round.pk], school_ids)
    definition = survey_round.questionnaire.definition
    names = dict(survey_round.schools.values_list("pk", "name"))
    computed = engine.results(frame, rules)
    per_school = computed.schools
    answered = {row["school"]: row for row in per_school.iter_rows(named=True)}
    schools = []
    for school_id, name in sorted(names.items(), key=lambda kv: kv[1]):
        if school_ids is not None and school_id not in school_ids:
            continue
        row = answered.get(school_id) or {"responses": 0, "rate": None, "mean": None, "withheld": True,
                                          "passes": None, "answers": 0}
        schools.append({"id": school_id, "name": name, **{k: row[k] for k in
                                                           ("responses", "rate", "mean", "withheld", "passes")}})
    texts = dict(scale_items(definition))
    withheld_all = not region_view and (not schools or schools[0]["withheld"])
    items = []
    if not withheld_all:
        for row in computed.items.iter_rows(named=True):
            items.append({"code": row["item"], "text": texts.get(row["item"], row["item"]), "answers": row["answers"],
                          "levels": [row[f"s{v}"] for v in (5, 4, 3, 2, 1)], "rate": row["rate"], "mean": row["mean"],
                          "passes": row["passes"]})
        items.sort(key=lambda i: list(texts).index(i["code"]) if i["code"] in texts else 999)
    low = []
    if is_office_for(user, survey_round.county_id) and region_view:
        for row in engine.low_items(computed.cells).iter_rows(named=True):
            low.append({"school_id": row["school"], "school": names.get(row["school"], ""), "item": row["item"],
                        "text": texts.get(row["item"], row["item"]), "rate": row["rate"], "answers": row["answers"]})
    overall = computed.overall
    if withheld_all:
        overall = {**overall, "rate": None, "mean": None, "passes": None}
    return RoundResults(survey_round, rules, overall, schools, items,
                        [] if withheld_all else choice_counts(survey_round, school_ids), low, region_view,
                        None if withheld_all else breakdown(survey_round, rules, school_ids),
                        towns(survey_round, computed.schools, rules) if region_view else None)


def towns(survey_round: SurveyRound, schools: pl.DataFrame, rules: engine.Rules) -> list[dict]:
    """The round's results per town (乡镇街道) of the participating schools."""
    pairs = list(survey_round.schools.values_list("pk", "region__name"))
    if not pairs or schools.is_empty():
        return []
    areas = pl.DataFrame({"school": [p[0] for p in pairs], "area": [p[1] for p in pairs]},
                         schema={"school": pl.Int64, "area": pl.Utf8})
    return engine.by_area(schools, areas, rules).select(
        "area", "responses", "rate", "mean", "withheld", "passes").to_dicts()


def breakdown(survey_round: SurveyRound, rules: engine.Rules, school_ids=None) -> dict | None:
    """Satisfaction by the answer to the questionnaire's first single-choice question (身份, 年级, 教龄),
    each option withheld below the minimum number of responses."""
    first = next((q for q in questions(survey_round.questionnaire.definition) if q["type"] == "single"), None)
    if first is None:
        return None
    table = engine.by_group(rated_frame([survey_round.pk], school_ids, group_code=first["code"]), rules)
    rows = {row["group"]: row for row in table.iter_rows(named=True)}
    options = []
    for option in [*first["options"], "未填写"]:
        row = rows.get(option)
        if row is None:
            continue
        hidden = row["responses"] < rules.min_responses
        options.append({"option": option, "responses": row["responses"], "withheld": hidden,
                        "rate": None if hidden else row["rate"], "passes": None if hidden else row["passes"]})
    return {"question": first["text"], "options": options}


def choice_counts(survey_round: SurveyRound, school_ids=None) -> list[dict]:
    chosen = [q for q in questions(survey_round.questionnaire.definition) if q["type"] in ("single", "multi")]
    if not chosen:
        return []
    counters = {q["code"]: Counter() for q in chosen}
    asked = Counter()
    rows = SurveyResponse.objects.filter(round=survey_round, excluded=False)
    if school_ids is not None:
        rows = rows.filter(school_id__in=school_ids)
    for answers in rows.values_list("answers", flat=True).iterator(chunk_size=5000):
        for code, counter in counters.items():
            value = answers.get(code)
            if value is None:
                continue
            asked[code] += 1
            counter.update(value if isinstance(value, list) else [value])
    return [{"code": q["code"], "text": q["text"], "type": q["type"], "answered": asked[q["code"]],
             "options": [(o, counters[q["code"]][o], counters[q["code"]][o] / asked[q["code"]] if asked[q["code"]] else 0)
                         for o in q["options"]]} for q in chosen]


def live_counts(user, survey_round: SurveyRound) -> list[dict]:
    """Responses per school so far (for the office during the round): valid, flagged and excluded."""
    counts = {row["school_id"]: row for row in SurveyResponse.objects.visible_to(user).filter(round=survey_round).values(
        "school_id").annotate(total=Count("id"), flagged=Count("id", filter=Q(flagged=True, excluded=False)),
                              excluded=Count("id", filter=Q(excluded=True)))}
    rows = []
    for school_id, name in survey_round.schools.order_by("name").values_list("pk", "name"):
        row = counts.get(school_id, {"total": 0, "flagged": 0, "excluded": 0})
        rows.append({"id": school_id, "name": name, "total": row["total"], "flagged": row["flagged"],
                     "excluded": row["excluded"], "valid": row["total"] - row["excluded"]})
    return rows


def refusals(survey_round: SurveyRound) -> list[dict]:
    rows = RefusedSubmission.objects.filter(round=survey_round).values("reason").annotate(
        total=Sum("count"), sources=Count("ip_hash", distinct=True)).order_by("-total")
    return [{**row, "reason_label": RefusalReason(row["reason"]).label} for row in rows]


def open_answers(user, survey_round: SurveyRound, *, code: str = "", school_id: int | None = None, keyword: str = "",
                 limit: int = 200) -> tuple[list[dict], list[tuple[str, int]], int]:
    """Text answers (office only), filtered; the word frequency over all of the filtered answers."""
    text_codes = [q["code"] for q in questions(survey_round.questionnaire.definition) if q["type"] in ("text", "textarea")]
    if code:
        text_codes = [c for c in text_codes if c == code]
    rows = SurveyResponse.objects.visible_to(user).filter(round=survey_round, excluded=False).select_related("school")
    if school_id:
        rows = rows.filter(school_id=school_id)
    found = []
    for response in rows.only("answers", "school__name", "submitted_at").iterator(chunk_size=2000):
        for c in text_codes:
            text = response.answers.get(c)
            if text and (not keyword or keyword in text):
                found.append({"school": response.school.name, "code": c, "text": text, "at": response.submitted_at})
    return found[:limit], engine.word_frequency(f["text"] for f in found), len(found)


def trend(user, survey_round: SurveyRound) -> list[dict]:
    """The same survey (template) in this county over the years: the overall rate per year, oldest first.
    Rounds still open count only when they are the one being looked at; that year is marked 进行中."""
    q = survey_round.questionnaire
    rounds = SurveyRound.objects.visible_to(user)
    same = rounds.filter(county=survey_round.county, group=survey_round.group,
                         questionnaire__template_code=q.template_code) if q.template_code else \
        rounds.filter(pk=survey_round.pk)
    same = same.filter(Q(closed_at__isnull=False) | Q(closes_at__lte=timezone.now()) | Q(pk=survey_round.pk))
    rules = rules_for(survey_round.county_id)
    out = []
    for year in sorted(set(same.values_list("year", flat=True))):
        ids = list(same.filter(year=year).values_list("pk", flat=True))
        result = engine.overall(rated_frame(ids), rules)
        ongoing = year == survey_round.year and survey_round.is_open()
        out.append({"year": year, "rate": result["rate"], "responses": result["responses"], "ongoing": ongoing})
    return out


def recognition(county, year: int) -> dict:
    """社会认可度 of a county and year: every rated answer of its recognition rounds that have ended."""
    now = timezone.now()
    ids = list(SurveyRound.objects.filter(county=county, year=year, feeds_recognition=True).filter(
        Q(closed_at__isnull=False) | Q(closes_at__lte=now)).values_list("pk", flat=True))
    result = engine.overall(rated_frame(ids), rules_for(county.code)) if ids else engine.overall(engine.empty_frame())
    return {**result, "rounds": len(ids)}


def school_rounds(user, school: School) -> list[dict]:
    """A school's survey results on its page: every ended round it took part in, its own figure only."""
    rules = rules_for(school.region_id[:6])
    now = timezone.now()
    rounds = SurveyRound.objects.visible_to(user).filter(schools=school).filter(
        Q(closed_at__isnull=False) | Q(closes_at__lte=now)).order_by("-year", "-closes_at")[:10]
    out = []
    for survey_round in rounds:
        result = engine.by_school(rated_frame([survey_round.pk], [school.pk]), rules)
        row = result.row(0, named=True) if result.height else {"responses": 0, "rate": None, "withheld": True}
        out.append({"round": survey_round, "responses": row["responses"], "rate": row["rate"],
                    "withheld": row["withheld"], "threshold": rules.threshold})
    return out


def charts(results: RoundResults, trend_rows: list[dict]) -> dict:
    """Chart data for the results page (rates in %, with the threshold line)."""
    def pct(value):
        return None if value is None else round(value * 100, 1)

    shown = sum(1 for s in results.schools if s["rate"] is not None)
    return {
        "threshold": pct(results.rules.threshold),
        "heights": {"schools": 20 * shown + 90, "items": 30 * len(results.items) + 90,
                    "breakdown": 30 * len((results.breakdown or {}).get("options", [])) + 90},
        "schools": [{"name": s["name"], "rate": pct(s["rate"]), "responses": s["responses"]}
                    for s in sorted(results.schools, key=lambda s: (s["rate"] is None, s["rate"] or 0))
                    if s["rate"] is not None],
        "items": [{"name": i["text"], "rate": pct(i["rate"])} for i in results.items],
        "breakdown": [{"name": g["option"], "rate": pct(g["rate"])}
                      for g in (results.breakdown or {}).get("options", []) if g["rate"] is not None],
        "trend": [{"year": f"{t['year']}" + ("（进行中）" if t.get("ongoing") else ""), "rate": pct(t["rate"]), "responses": t["responses"]} for t in trend_rows],
    }
