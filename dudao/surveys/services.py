"""Writes for surveys: questionnaires (drafts, publication, versions), rounds, access codes, the office's
review of responses, and what closes the loop (a finding from a low item; 社会认可度 into monitoring).
The public submission lives in surveys/responses.py."""

import copy
import datetime
import secrets

import polars as pl
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.dates import local_date
from dudao.core.errors import ApplicationError
from dudao.core.policy import policy_value
from dudao.core.registries import refuse_if_archived
from dudao.core.scope import require_office_for
from dudao.monitoring.models import CountyInputs
from dudao.monitoring.services import county_inputs_save
from dudao.rectification.models import Finding, FindingSource, FollowUp
from dudao.rectification.services import finding_raise
from dudao.surveys import builtin, engine, selectors
from dudao.surveys.models import (
    AccessCode,
    Questionnaire,
    QuestionnaireStatus,
    RespondentGroup,
    SurveyResponse,
    SurveyRound,
)
from dudao.surveys.questionnaire import TYPES, DefinitionError, check_definition, questions, scale_items

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed from paper
MAX_CODES_PER_BATCH = 2000


def _require_office(actor, county) -> None:
    require_office_for(actor, county.code, "只有本县（区）督导室可以管理满意度调查。")


def _refuse_archived(survey_round: SurveyRound) -> None:
    """A survey round belongs to the year it opens in: refused when that year of its county is archived (归档)."""
    refuse_if_archived(survey_round.county_id, local_date(survey_round.opens_at), "满意度调查")


def _require_draft(questionnaire: Questionnaire) -> None:
    if questionnaire.is_published:
        raise ApplicationError("问卷已发布，不能再修改；如需调整，请生成新版本。")


# ---- questionnaires ----------------------------------------------------------------------------------------

@transaction.atomic
def questionnaire_from_template(*, actor, county, template_code: str) -> Questionnaire:
    if template_code not in builtin.TEMPLATES:
        raise ApplicationError("未知的问卷模板。")
    _require_office(actor, county)
    template = builtin.TEMPLATES[template_code]
    family = f"{template_code}-{secrets.token_hex(3)}"
    questionnaire = Questionnaire.objects.create(
        county=county, family=family, title=template["title"], intro=template["intro"], group=template["group"],
        definition=copy.deepcopy(template["definition"]), template_code=template_code, created_by=actor)
    audit_record(actor=actor, action="survey.questionnaire_create", obj=questionnaire, region_code=county.code,
                 after={"template": template_code})
    return questionnaire


@transaction.atomic
def questionnaire_save(*, actor, questionnaire: Questionnaire, title: str, intro: str, group: str,
                       definition: dict) -> Questionnaire:
    """Replace a draft's title, introduction, group and questions (the whole definition, as the editor sends it)."""
    _require_office(actor, questionnaire.county)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _require_draft(questionnaire)
    title = (title or "").strip()
    if not title:
        raise ApplicationError("问卷标题不能为空。")
    if group not in RespondentGroup.values:
        raise ApplicationError("请选择调查对象。")
    _check_shape(definition)
    before = {"title": questionnaire.title, "questions": sum(1 for _ in questions(questionnaire.definition))}
    questionnaire.title, questionnaire.intro, questionnaire.group = title[:128], (intro or "").strip(), group
    questionnaire.definition = definition
    questionnaire.save()
    audit_record(actor=actor, action="survey.questionnaire_edit", obj=questionnaire,
                 region_code=questionnaire.county_id, before=before,
                 after={"title": title, "questions": sum(1 for _ in questions(definition))})
    return questionnaire


def _check_shape(definition) -> None:
    """A draft may be incomplete, but it must be the right shape so the editor can show it."""
    ok = isinstance(definition, dict) and isinstance(definition.get("sections"), list) and all(
        isinstance(s, dict) and isinstance(s.get("questions", []), list)
        and all(isinstance(q, dict) and q.get("type") in TYPES and q.get("code") for q in s.get("questions", []))
        for s in definition["sections"])
    if not ok:
        raise ApplicationError("问卷格式不正确：应为若干栏目，每个栏目包含若干带题号和题型的题目。")


def question_add(*, actor, questionnaire: Questionnaire, section: str, question: dict) -> Questionnaire:
    """Append a question to a section (created if new); the code is the next free q-number."""
    definition = copy.deepcopy(questionnaire.definition) or {"sections": []}
    section = (section or "").strip() or "调查内容"
    used = {q["code"] for q in questions(definition)}
    number = len(used) + 1
    while f"q{number}" in used:
        number += 1
    question = {**question, "code": f"q{number}"}
    target = next((s for s in definition["sections"] if s.get("title") == section), None)
    if target is None:
        target = {"title": section, "questions": []}
        definition["sections"].append(target)
    target["questions"].append(question)
    _check_one(definition, question["code"])
    return questionnaire_save(actor=actor, questionnaire=questionnaire, title=questionnaire.title,
                              intro=questionnaire.intro, group=questionnaire.group, definition=definition)


def _check_one(definition: dict, code: str) -> None:
    """Refuse a new question whose own problems would block publication (others may still be incomplete)."""
    try:
        check_definition(definition)
    except DefinitionError as exc:
        own = [p for p in exc.problems if p.startswith(f"题目 {code}：")]
        if own:
            raise ApplicationError("；".join(own)) from None


def question_remove(*, actor, questionnaire: Questionnaire, code: str) -> Questionnaire:
    definition = copy.deepcopy(questionnaire.definition)
    dependants = [q["code"] for q in questions(definition) if (q.get("show_if") or {}).get("code") == code]
    if dependants:
        raise ApplicationError(f"题目 {'、'.join(dependants)} 的显示条件引用了本题，请先修改或删除这些题目。")
    found = False
    for s in definition.get("sections", []):
        kept = [q for q in s["questions"] if q["code"] != code]
        found |= len(kept) != len(s["questions"])
        s["questions"] = kept
    if not found:
        raise ApplicationError("题目不存在。")
    definition["sections"] = [s for s in definition["sections"] if s["questions"]]
    return questionnaire_save(actor=actor, questionnaire=questionnaire, title=questionnaire.title,
                              intro=questionnaire.intro, group=questionnaire.group, definition=definition)


def question_move(*, actor, questionnaire: Questionnaire, code: str, step: int) -> Questionnaire:
    """Move a question up (-1) or down (+1) within its section; skip-logic order is checked at publication."""
    definition = copy.deepcopy(questionnaire.definition)
    for s in definition.get("sections", []):
        codes = [q["code"] for q in s["questions"]]
        if code in codes:
            i, j = codes.index(code), codes.index(code) + step
            if 0 <= j < len(codes):
                s["questions"][i], s["questions"][j] = s["questions"][j], s["questions"][i]
            break
    else:
        raise ApplicationError("题目不存在。")
    return questionnaire_save(actor=actor, questionnaire=questionnaire, title=questionnaire.title,
                              intro=questionnaire.intro, group=questionnaire.group, definition=definition)


@transaction.atomic
def questionnaire_publish(*, actor, questionnaire: Questionnaire) -> Questionnaire:
    _require_office(actor, questionnaire.county)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    _require_draft(questionnaire)
    try:
        check_definition(questionnaire.definition)
    except DefinitionError as exc:
        raise ApplicationError("问卷还不能发布：" + "；".join(exc.problems)) from None
    questionnaire.status, questionnaire.published_at = QuestionnaireStatus.PUBLISHED, timezone.now()
    questionnaire.save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="survey.questionnaire_publish", obj=questionnaire,
                 region_code=questionnaire.county_id)
    return questionnaire


@transaction.atomic
def questionnaire_new_version(*, actor, questionnaire: Questionnaire) -> Questionnaire:
    """A draft copy of a published questionnaire, numbered after the newest version of its family."""
    _require_office(actor, questionnaire.county)
    if not questionnaire.is_published:
        raise ApplicationError("草稿可以直接修改，无需生成新版本。")
    latest = Questionnaire.objects.filter(county=questionnaire.county, family=questionnaire.family).order_by(
        "-version").first()
    if not latest.is_published:
        raise ApplicationError(f"该问卷已有未发布的第 {latest.version} 版草稿，请直接修改草稿。")
    draft = Questionnaire.objects.create(
        county=questionnaire.county, family=questionnaire.family, version=latest.version + 1,
        title=questionnaire.title, intro=questionnaire.intro, group=questionnaire.group,
        definition=copy.deepcopy(questionnaire.definition), template_code=questionnaire.template_code,
        created_by=actor)
    audit_record(actor=actor, action="survey.questionnaire_version", obj=draft, region_code=draft.county_id,
                 after={"from": questionnaire.pk, "version": draft.version})
    return draft


# ---- rounds and access codes -------------------------------------------------------------------------------

@transaction.atomic
def round_create(*, actor, questionnaire: Questionnaire, name: str, year: int, schools, opens_at: datetime.datetime,
                 closes_at: datetime.datetime, use_codes: bool = False, feeds_recognition: bool = False) -> SurveyRound:
    county = questionnaire.county
    _require_office(actor, county)
    if not questionnaire.is_published:
        raise ApplicationError("只能使用已发布的问卷开展调查。")
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写调查名称。")
    if closes_at <= opens_at:
        raise ApplicationError("截止时间应晚于开始时间。")
    refuse_if_archived(county.code, local_date(opens_at), "满意度调查")
    schools = list(schools)
    if not schools:
        raise ApplicationError("请至少选择一所参与学校。")
    outside = [s.name for s in schools if not s.region_id.startswith(county.code)]
    if outside:
        raise ApplicationError(f"以下学校不在{county.name}：{'、'.join(outside[:5])}")
    survey_round = SurveyRound.objects.create(
        questionnaire=questionnaire, county=county, name=name[:128], year=year, group=questionnaire.group,
        opens_at=opens_at, closes_at=closes_at, use_codes=use_codes, feeds_recognition=feeds_recognition,
        created_by=actor)
    survey_round.schools.set(schools)
    audit_record(actor=actor, action="survey.round_create", obj=survey_round, region_code=county.code,
                 after={"questionnaire": questionnaire.pk, "schools": len(schools), "opens_at": opens_at.isoformat(),
                        "closes_at": closes_at.isoformat(), "use_codes": use_codes})
    return survey_round


@transaction.atomic
def round_close(*, actor, survey_round: SurveyRound) -> SurveyRound:
    _require_office(actor, survey_round.county)
    survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    _refuse_archived(survey_round)
    if not survey_round.is_open():
        raise ApplicationError("调查当前未在进行中，无需结束。")
    survey_round.closed_at = timezone.now()
    survey_round.save(update_fields=["closed_at"])
    caches["local"].delete(f"dudao:survey-round:{survey_round.token}")  # other processes follow within seconds
    audit_record(actor=actor, action="survey.round_close", obj=survey_round, region_code=survey_round.county_id)
    return survey_round


@transaction.atomic
def codes_generate(*, actor, survey_round: SurveyRound, school, label: str, count: int) -> list[AccessCode]:
    """Print-ready one-time codes for one class of one school."""
    _require_office(actor, survey_round.county)
    _refuse_archived(survey_round)
    if not survey_round.use_codes:
        raise ApplicationError("本次调查未启用访问码。")
    if not survey_round.schools.filter(pk=school.pk).exists():
        raise ApplicationError("该学校不在本次调查范围内。")
    if not 1 <= count <= MAX_CODES_PER_BATCH:
        raise ApplicationError(f"每次可生成 1—{MAX_CODES_PER_BATCH} 个访问码。")
    existing = set(AccessCode.objects.filter(round=survey_round).values_list("code", flat=True))
    fresh: set[str] = set()
    while len(fresh) < count:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if code not in existing:
            fresh.add(code)
    created = AccessCode.objects.bulk_create(
        [AccessCode(round=survey_round, school=school, label=(label or "").strip()[:32], code=c) for c in sorted(fresh)])
    audit_record(actor=actor, action="survey.codes_generate", obj=survey_round, region_code=survey_round.county_id,
                 after={"school": school.pk, "label": label, "count": count})
    return created


# ---- the office's review -----------------------------------------------------------------------------------

@transaction.atomic
def response_exclude(*, actor, response: SurveyResponse, excluded: bool, note: str) -> SurveyResponse:
    """Exclude a response from the results (or take it back in); the reason is required and audited."""
    _require_office(actor, response.round.county)
    _refuse_archived(response.round)
    note = (note or "").strip()
    if excluded and not note:
        raise ApplicationError("剔除答卷须说明理由。")
    before = {"excluded": response.excluded, "note": response.excluded_note}
    SurveyResponse.objects.filter(pk=response.pk).update(excluded=excluded, excluded_note=note[:255])
    response.excluded, response.excluded_note = excluded, note[:255]
    audit_record(actor=actor, action="survey.response_exclude", obj=response, region_code=response.round.county_id,
                 before=before, after={"excluded": excluded, "note": note[:255]})
    return response


@transaction.atomic
def flagged_exclude(*, actor, survey_round: SurveyRound, note: str) -> int:
    """Exclude every response still flagged as suspicious in a round (one audit record with the count)."""
    _require_office(actor, survey_round.county)
    _refuse_archived(survey_round)
    note = (note or "").strip()
    if not note:
        raise ApplicationError("剔除答卷须说明理由。")
    count = SurveyResponse.objects.filter(round=survey_round, flagged=True, excluded=False).update(
        excluded=True, excluded_note=note[:255])
    audit_record(actor=actor, action="survey.flagged_exclude", obj=survey_round, region_code=survey_round.county_id,
                 after={"excluded": count, "note": note[:255]})
    return count


# ---- closing the loop --------------------------------------------------------------------------------------

@transaction.atomic
def finding_from_item(*, actor, survey_round: SurveyRound, school, item: str,
                      due_date: datetime.date | None = None, requirement: str = ""):
    """Raise a finding on a school from one low-scoring item; the figure is recomputed here, not trusted."""
    _require_office(actor, survey_round.county)
    if not survey_round.schools.filter(pk=school.pk).exists():
        raise ApplicationError("该学校不在本次调查范围内。")
    texts = dict(scale_items(survey_round.questionnaire.definition))
    if item not in texts:
        raise ApplicationError("该题目不是满意度量表题。")
    rules = selectors.rules_for(survey_round.county_id)
    cells = engine.by_school_item(selectors.rated_frame([survey_round.pk], [school.pk]), rules).filter(
        pl.col("item") == item)
    if cells.is_empty() or cells["withheld"][0]:
        raise ApplicationError(f"该校有效答卷不足 {rules.min_responses} 份，不能据此提出问题。")
    rate, answers = cells["rate"][0], cells["answers"][0]
    if already := _existing_finding(survey_round, school, item):
        raise ApplicationError(f"已就该题对该校提出过问题（{timezone.localtime(already.raised_at):%Y-%m-%d}）。")
    margin = float(policy_value("surveys.severe_margin", survey_round.county_id))
    group = survey_round.get_group_display()
    description = f"{group}对“{texts[item]}”的满意率为 {rate:.0%}（{survey_round.name}，{answers} 人作答），" \
                  f"低于 {rules.threshold:.0%}。"
    return finding_raise(
        actor=actor, source=FindingSource.SURVEY, description=description, school=school, source_type="surveys.surveyround",
        source_id=f"{survey_round.pk}:{item}", category="survey", category_label="满意度调查",
        follow_up=FollowUp.REPORT, severity=2 if rate < rules.threshold - margin else 1,
        requirement=requirement or "请分析原因，制定整改措施，并在下一次调查中改进。", due_date=due_date)


def _existing_finding(survey_round: SurveyRound, school, item: str):
    return Finding.objects.filter(source_type="surveys.surveyround", source_id=f"{survey_round.pk}:{item}",
                                  school=school).first()


def recognition_publish(*, actor, county, year: int) -> float:
    """Write the county's 社会认可度 for the year (from its ended recognition rounds) into monitoring."""
    _require_office(actor, county)
    result = selectors.recognition(county, year)
    if not result["rounds"]:
        raise ApplicationError(f"{county.name}{year} 年没有已结束、计入社会认可度的调查。")
    if result["rate"] is None:
        raise ApplicationError("计入社会认可度的调查还没有有效答卷。")
    inputs = CountyInputs.objects.filter(region=county, year=year).first()
    rate = round(result["rate"] * 100, 1)
    county_inputs_save(actor=actor, county=county, year=year, recognition_rate=rate,
                       population_3_5=inputs.population_3_5 if inputs else None)
    return rate
