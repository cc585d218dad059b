"""Writes of monitoring rounds: create a round (its subjects, lines and schools), the "2+1" draw, publishing.

Schools are chosen one of four ways (SchoolSelection): every school of some types in the county, every school of
one town, a seeded random sample from a population (the seed, the population size and a SHA-256 digest of the
population's ids in ascending order are recorded, as 回头看 does, so anyone can repeat the draw), or a list of
学校标识码 (typed, pasted, or a national/city sample list imported from a sheet `样本学校`; all-or-nothing).

The "2+1" draw picks the third subject from the round's pool with random.Random(seed) (`draw_subject`, pure); the
seed, the time and the person are recorded, and a second draw is refused. Schools learn the drawn subject only
from the test date on (Round.announced); the office sees it at once.
"""

import datetime
import hashlib
import math
import random
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.dates import cn_date
from dudao.core.display import person_name
from dudao.core.errors import ApplicationError, RowError
from dudao.core.policy import policy_value
from dudao.core.registries import refuse_if_archived
from dudao.core.scope import require_office_for
from dudao.core.tabular import Column, SheetSpec, match_sheets, parse_sheet, read_upload
from dudao.quality.models import (
    ROUND_WORKFLOW,
    Round,
    RoundSchool,
    RoundStatus,
    RoundSubject,
    RoundTransition,
    SchoolSelection,
    SchoolSource,
    SubjectKind,
    Term,
)
from dudao.quality.services.loop import findings_from_round
from dudao.regions.models import Region, RegionLevel
from dudao.schools.models import TYPE_STAGES, School, SchoolStage, SchoolType

MAX_FULL_MARKS = 1000
MAX_SUBJECTS = 20
MAX_SCHOOLS = 5000
MAX_SEED = 2**63 - 1
FIRST_YEAR = 2000
FITNESS_LINES = {"pass": 0.60, "excellent": 0.90}  # 国家学生体质健康标准: 及格 60, 优秀 90 (of 100)
LIST_SHEET = "样本学校"
LIST_SPEC = SheetSpec(LIST_SHEET, [
    Column("学校标识码", "code", required=True, max_length=32, help="10 位学校标识码"),
    Column("学校名称", "name", max_length=128, help="可不填，仅供核对"),
    Column("备注", "note", max_length=255),
])
_CODE_SPLIT = re.compile(r"[\s,，、;；]+")


def grade_stage(grade: int) -> str:
    """The stage that teaches a grade: 1–6 小学, 7–9 初中, 10–12 高中."""
    return SchoolStage.PRIMARY if grade <= 6 else SchoolStage.JUNIOR if grade <= 9 else SchoolStage.SENIOR


def stage_types(stage: str) -> list[str]:
    """The school types that teach a stage."""
    return [t for t, stages in TYPE_STAGES.items() if stage in stages]


def school_year_span(year: int) -> tuple[datetime.date, datetime.date]:
    """A school year runs from 1 September of `year` to 31 August of the next year."""
    return datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)


# ---- pure helpers ------------------------------------------------------------------------------------------------

def sample_schools(ids: list[int], size: int, seed: int) -> list[int]:
    """The sample: pure and repeatable (same ids, size and seed → same sample), as followup.draw."""
    return sorted(random.Random(seed).sample(sorted(ids), min(size, len(ids))))


def population_digest(ids: Iterable[int]) -> str:
    """SHA-256 of the population's ids in ascending order, comma-separated (as followup.digest)."""
    return hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()


def draw_subject(pool: list[dict], seed: int) -> dict:
    """The "2+1" draw: the pool entry random.Random(seed) chooses. Pure and repeatable: the same pool (in the same
    order) and seed always give the same subject."""
    if not pool:
        raise ApplicationError("没有随机学科备选，无法抽取。")
    return pool[random.Random(seed).randrange(len(pool))]


def split_codes(text: str) -> list[tuple[int, str]]:
    """学校标识码 typed or pasted (one a line, or separated by spaces, commas or 顿号), numbered from 1."""
    return [(n, code) for n, code in enumerate((c for c in _CODE_SPLIT.split(text or "") if c), start=1)]


# ---- validation --------------------------------------------------------------------------------------------------

def _number(value, what: str) -> float:
    if isinstance(value, bool) or value is None or value == "":
        raise ApplicationError(f"{what}应为数字。")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ApplicationError(f"{what}应为数字，实际为“{str(value)[:20]}”。") from None
    if not math.isfinite(number):
        raise ApplicationError(f"{what}应为有限的数字。")
    return number


def _int(value, what: str) -> int:
    number = _number(value, what)
    if not number.is_integer():
        raise ApplicationError(f"{what}应为整数。")
    return int(number)


@dataclass
class SubjectSpec:
    name: str
    full_marks: float
    pass_line: float
    excellent_line: float
    low_line: float
    is_fitness: bool


def _subject_spec(item, region_code: str, what: str, *, lines_allowed: bool = True) -> SubjectSpec:
    if not isinstance(item, dict):
        raise ApplicationError(f"{what}格式有误。")
    name = str(item.get("name") or "").strip()
    if not name:
        raise ApplicationError(f"{what}的名称不能为空。")
    if len(name) > 32:
        raise ApplicationError(f"{what}“{name[:32]}…”的名称过长（最多 32 个字符）。")
    label = f"{what}“{name}”"
    full = _number(item.get("full_marks"), f"{label}的满分")
    if not 0 < full <= MAX_FULL_MARKS:
        raise ApplicationError(f"{label}的满分应大于 0 且不超过 {MAX_FULL_MARKS}。")
    fitness = bool(item.get("is_fitness"))
    ratios = {"pass": float(policy_value("quality.pass_ratio", region_code)),
              "excellent": float(policy_value("quality.excellent_ratio", region_code)),
              "low": float(policy_value("quality.low_ratio", region_code))}
    if fitness:
        ratios |= FITNESS_LINES
    lines = {}
    for key, title in (("pass", "合格线"), ("excellent", "优秀线"), ("low", "低分线")):
        given = item.get(f"{key}_line") if lines_allowed else None
        lines[key] = (round(full * ratios[key], 2) if given is None or given == ""
                      else _number(given, f"{label}的{title}"))
    if not 0 <= lines["low"] <= lines["pass"] <= lines["excellent"] <= full:
        raise ApplicationError(f"{label}的分数线应满足：0 ≤ 低分线 ≤ 合格线 ≤ 优秀线 ≤ 满分（现为低分线 {lines['low']:g}、"
                               f"合格线 {lines['pass']:g}、优秀线 {lines['excellent']:g}、满分 {full:g}）。")
    return SubjectSpec(name, full, lines["pass"], lines["excellent"], lines["low"], fitness)


def _subjects(subjects, draw_pool, region_code: str) -> tuple[list[SubjectSpec], list[dict]]:
    if not isinstance(subjects, list | tuple) or not subjects:
        raise ApplicationError("请至少填写一门监测学科。")
    if not isinstance(draw_pool, list | tuple):
        raise ApplicationError("随机学科备选格式有误。")
    if len(subjects) + len(draw_pool) > MAX_SUBJECTS:
        raise ApplicationError(f"学科（含随机学科备选）最多 {MAX_SUBJECTS} 门。")
    fixed = [_subject_spec(s, region_code, "学科") for s in subjects]
    names: set[str] = set()
    for spec in fixed:
        if spec.name in names:
            raise ApplicationError(f"学科“{spec.name}”重复。")
        names.add(spec.name)
    pool: list[dict] = []
    pool_names: set[str] = set()
    for item in draw_pool:
        spec = _subject_spec(item, region_code, "随机学科备选", lines_allowed=False)
        if spec.name in names:
            raise ApplicationError(f"随机学科备选“{spec.name}”与固定学科重复。")
        if spec.name in pool_names:
            raise ApplicationError(f"随机学科备选“{spec.name}”重复。")
        pool_names.add(spec.name)
        pool.append({"name": spec.name, "full_marks": spec.full_marks, "is_fitness": spec.is_fitness})
    if len(pool) == 1:
        raise ApplicationError("随机学科备选至少两门（只有一门时请直接列为固定学科）。")
    return fixed, pool


def _county(region) -> Region:
    if isinstance(region, Region):
        found = region
    else:
        found = Region.objects.filter(code=str(region or "")[:12]).first()
    if found is None or found.level != RegionLevel.COUNTY:
        raise ApplicationError("监测轮次须属于一个区县，请选择区县。")
    return found


def resolve_school_codes(county: Region, grade: int, entries: list[tuple[int, str]], sheet: str = "学校名单", *,
                         column: str = "学校标识码") -> list[School]:
    """The schools of a list, all-or-nothing: an unknown code, a school outside the county, one without the
    round's grade, or a code given twice → every error with its row, nothing chosen."""
    if not entries:
        raise ApplicationError("学校名单为空，请至少填写一所学校的学校标识码。")
    if len(entries) > MAX_SCHOOLS:
        raise ApplicationError(f"学校名单过长：最多 {MAX_SCHOOLS} 所。")
    codes = {code for _n, code in entries if len(code) <= 10}
    found = {s.code: s for s in School.objects.filter(code__in=codes)}
    stage = grade_stage(grade)
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    schools = []
    for row, code in entries:
        shown = code if len(code) <= 20 else code[:20] + "…"
        school = found.get(code)
        if code in seen:
            errors.append(RowError(sheet, row, column, f"学校标识码 {shown} 与第 {seen[code]} 行重复。"))
            continue
        seen[code] = row
        if school is None:
            errors.append(RowError(sheet, row, column, f"学校标识码 {shown} 不存在。"))
        elif not school.region_id.startswith(county.code):
            errors.append(RowError(sheet, row, column, f"学校标识码 {shown} 不是{county.name}的学校。"))
        elif stage not in school.stages:
            errors.append(RowError(sheet, row, column,
                                   f"{school.name}（{school.get_school_type_display()}）没有 {grade} 年级。"))
        else:
            schools.append(school)
    if errors:
        raise ApplicationError(f"学校名单有 {len(errors)} 处错误，未做任何更改。", errors)
    return schools


def read_school_list(data: bytes, filename: str) -> list[tuple[int, str]]:
    """The 学校标识码 of a sheet `样本学校` (.xlsx/.xls/.ods/.csv), with their sheet rows; refuses bad files."""
    sheets = read_upload(data, filename)
    matched, errors = match_sheets(sheets, [LIST_SPEC])
    raw = matched.get(LIST_SHEET)
    if raw is None:
        raise ApplicationError("文件中没有“样本学校”工作表（表头须有“学校标识码”）。", errors)
    parsed = parse_sheet(raw, LIST_SPEC)
    errors += parsed.errors
    if errors:
        raise ApplicationError(f"学校名单有 {len(errors)} 处错误，未做任何更改。", errors)
    if not parsed.rows:
        raise ApplicationError("“样本学校”工作表中没有学校。")
    return [(row.row, row.values["code"]) for row in parsed.rows]


def _entries(schools) -> tuple[list[tuple[int, str]], str]:
    """(row, code) pairs and the sheet to name in errors: pairs read from a `样本学校` sheet keep their sheet rows;
    codes typed or sent as a list are numbered from 1."""
    items = list(schools) if isinstance(schools, list | tuple) else []
    if items and all(isinstance(e, tuple) for e in items):
        return [(int(n), str(c).strip()) for n, c in items], LIST_SHEET
    return [(n, str(e).strip()) for n, e in enumerate(items, start=1)], "学校名单"


def _choose_schools(county: Region, grade: int, selection: str, params: dict, schools, sample_size, seed):
    """(schools, source, params to record, sample record {seed, population_size, population_digest})."""
    stage = grade_stage(grade)
    teaching = stage_types(stage)
    in_county = School.objects.filter(region__code__startswith=county.code, school_type__in=teaching)
    params = dict(params or {}) if isinstance(params, dict) else {}
    sample: dict = {}
    if selection in (SchoolSelection.TYPE, SchoolSelection.SAMPLE):
        types = params.get("school_types") or (teaching if selection == SchoolSelection.SAMPLE else [])
        if not isinstance(types, list | tuple) or not types:
            raise ApplicationError("请至少选择一种办学类型。")
        labels = dict(SchoolType.choices)
        for t in types:
            if t not in labels:
                raise ApplicationError(f"未知的办学类型“{str(t)[:20]}”。")
            if t not in teaching:
                raise ApplicationError(f"{labels[t]}没有 {grade} 年级，请另选办学类型。")
        params = {"school_types": sorted(set(types))}
        chosen = in_county.filter(school_type__in=params["school_types"])
        if selection == SchoolSelection.SAMPLE:
            ids = sorted(chosen.values_list("id", flat=True))
            if not ids:
                raise ApplicationError("抽样总体中没有学校，无法抽样。")
            size = _int(sample_size, "抽样学校数")
            if not 1 <= size <= len(ids):
                raise ApplicationError(f"抽样学校数应在 1 到 {len(ids)}（总体学校数）之间。")
            seed = secrets.randbelow(2**31) if seed is None or seed == "" else _int(seed, "随机种子")
            if not 0 <= seed <= MAX_SEED:
                raise ApplicationError("随机种子应为非负整数（不超过 9223372036854775807）。")
            picked = sample_schools(ids, size, seed)
            params["size"] = size
            sample = {"sample_seed": seed, "population_size": len(ids), "population_digest": population_digest(ids)}
            return list(School.objects.filter(id__in=picked).order_by("code")), SchoolSource.SAMPLED, params, sample
        return list(chosen.order_by("code")), SchoolSource.SELECTED, params, sample
    if selection == SchoolSelection.TOWN:
        town_code = str(params.get("town") or "")[:12]
        town = Region.objects.filter(code=town_code, level=RegionLevel.TOWN).first()
        if town is None or not town.code.startswith(county.code):
            raise ApplicationError(f"请选择{county.name}的一个乡镇（街道）。")
        return (list(in_county.filter(region_id=town.code).order_by("code")), SchoolSource.SELECTED,
                {"town": town.code}, sample)
    if selection == SchoolSelection.LIST:
        chosen_list = resolve_school_codes(county, grade, *_entries(schools))
        return chosen_list, SchoolSource.IMPORTED, {k: v for k, v in params.items() if k == "list_name"}, sample
    raise ApplicationError("请选择学校范围（按办学类型、按乡镇、随机抽样或指定名单）。")


# ---- services ----------------------------------------------------------------------------------------------------

def round_create(*, actor, region, title: str, year: int, term: str, grade: int, test_date: datetime.date,
                 subjects: list[dict], draw_pool: list[dict] | None = None, selection: str,
                 selection_params: dict | None = None, schools: list | None = None, sample_size: int | None = None,
                 seed: int | None = None) -> Round:
    """A new round in 筹备中. `schools` (for selection "list") are codes, or (row, code) pairs from a sheet."""
    county = _county(region)
    require_office_for(actor, county.code, "只有本区县督导室可以建立质量监测轮次。")
    refuse_if_archived(county.code, test_date if isinstance(test_date, datetime.date) else None, "质量监测轮次")
    title = str(title or "").strip()
    if not title:
        raise ApplicationError("请填写轮次名称。")
    if len(title) > 128:
        raise ApplicationError("轮次名称过长（最多 128 个字符）。")
    year = _int(year, "学年")
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year + 1:
        raise ApplicationError(f"学年应在 {FIRST_YEAR} 到 {this_year + 1} 之间。")
    if term not in Term.values:
        raise ApplicationError("学期应为春季或秋季。")
    grade = _int(grade, "年级")
    if not 1 <= grade <= 12:
        raise ApplicationError("年级应在 1 到 12 之间。")
    if not isinstance(test_date, datetime.date) or isinstance(test_date, datetime.datetime):
        raise ApplicationError("请填写测试日期。")
    start, end = school_year_span(year)
    if not start <= test_date <= end:
        raise ApplicationError(f"测试日期应在 {year}—{year + 1} 学年内（{cn_date(start)}至{cn_date(end)}）。")
    fixed, pool = _subjects(subjects, draw_pool or [], county.code)
    chosen, source, params, sample = _choose_schools(county, grade, selection, selection_params or {}, schools,
                                                     sample_size, seed)
    if not chosen:
        raise ApplicationError("所选范围内没有开设该年级的学校。")
    with transaction.atomic():
        round_ = Round(region=county, title=title, year=year, term=term, grade=grade, test_date=test_date,
                       selection=selection, selection_params=params, draw_pool=pool, created_by=actor, **sample)
        round_.full_clean()
        round_.save()
        RoundSubject.objects.bulk_create([
            RoundSubject(round=round_, name=s.name, full_marks=s.full_marks, pass_line=s.pass_line,
                         excellent_line=s.excellent_line, low_line=s.low_line, is_fitness=s.is_fitness,
                         kind=SubjectKind.FIXED, order=i) for i, s in enumerate(fixed)])
        RoundSchool.objects.bulk_create([RoundSchool(round=round_, school=s, source=source) for s in chosen])
        RoundTransition.record(round_, to_status=RoundStatus.PLANNED, actor=actor, note="建立轮次")
        audit_record(actor=actor, action="quality.round_create", obj=round_, region_code=county.code, after={
            "year": year, "term": term, "grade": grade, "test_date": test_date.isoformat(), "selection": selection,
            "selection_params": params, "subjects": [s.name for s in fixed], "draw_pool": [p["name"] for p in pool],
            "schools": [s.code for s in chosen], **sample})
    return round_


def _locked(round_: Round) -> Round:
    return Round.objects.select_for_update(of=("self",)).select_related("region").get(pk=round_.pk)


@transaction.atomic
def round_draw(*, actor, round: Round, seed: int | None = None) -> RoundSubject:  # noqa: A002 -- the brief's name
    """Draw the "2+1" subject from the pool; refused twice, and refused once scores are imported."""
    round_ = _locked(round)
    require_office_for(actor, round_.region_id, "只有本区县督导室可以抽取随机学科。")
    refuse_if_archived(round_.region_id, round_.test_date, "质量监测轮次")
    if round_.drawn_at is not None:
        drawn = round_.subjects.filter(kind=SubjectKind.DRAWN).first()
        who = person_name(round_.drawn_by) if round_.drawn_by_id else "系统"
        raise ApplicationError(f"本轮已于 {timezone.localtime(round_.drawn_at):%Y-%m-%d %H:%M} 由{who}抽取随机学科"
                               f"“{drawn.name if drawn else ''}”（随机种子 {round_.draw_seed}），不能重复抽取。")
    if round_.status != RoundStatus.PLANNED or round_.scores.exists():
        raise ApplicationError("本轮已导入成绩，不能再抽取随机学科。")
    if not round_.draw_pool:
        raise ApplicationError("本轮没有随机学科备选，无法抽取。")
    seed = secrets.randbelow(2**31) if seed is None or seed == "" else _int(seed, "随机种子")
    if not 0 <= seed <= MAX_SEED:
        raise ApplicationError("随机种子应为非负整数（不超过 9223372036854775807）。")
    picked = draw_subject(round_.draw_pool, seed)
    if round_.subjects.filter(name=picked["name"]).exists():  # pragma: no cover - refused at creation
        raise ApplicationError(f"学科“{picked['name']}”已在本轮中。")
    spec = _subject_spec({"name": picked["name"], "full_marks": picked["full_marks"],
                          "is_fitness": picked.get("is_fitness", False)}, round_.region_id, "随机学科")
    order = max(round_.subjects.values_list("order", flat=True), default=-1) + 1
    subject = RoundSubject(round=round_, name=spec.name, full_marks=spec.full_marks, pass_line=spec.pass_line,
                           excellent_line=spec.excellent_line, low_line=spec.low_line, is_fitness=spec.is_fitness,
                           kind=SubjectKind.DRAWN, order=order)
    subject.full_clean()
    subject.save()
    round_.draw_seed, round_.drawn_at, round_.drawn_by = seed, timezone.now(), actor
    round_.save(update_fields=["draw_seed", "drawn_at", "drawn_by"])
    audit_record(actor=actor, action="quality.round_draw", obj=round_, region_code=round_.region_id,
                 after={"seed": seed, "pool": [p["name"] for p in round_.draw_pool], "subject": spec.name})
    return subject


@transaction.atomic
def round_set_schools(*, actor, round: Round, schools: list) -> Round:  # noqa: A002 -- the brief's name
    """Replace a planned round's schools by a list (a national or city sample list), all-or-nothing."""
    round_ = _locked(round)
    require_office_for(actor, round_.region_id, "只有本区县督导室可以调整监测学校。")
    refuse_if_archived(round_.region_id, round_.test_date, "质量监测轮次")
    if round_.status != RoundStatus.PLANNED or round_.scores.exists():
        raise ApplicationError("本轮已导入成绩，不能再调整监测学校。")
    chosen = resolve_school_codes(round_.region, round_.grade, *_entries(schools))
    before = sorted(round_.round_schools.values_list("school__code", flat=True))
    round_.round_schools.all().delete()
    RoundSchool.objects.bulk_create([RoundSchool(round=round_, school=s, source=SchoolSource.IMPORTED) for s in chosen])
    round_.selection, round_.selection_params = SchoolSelection.LIST, {}
    round_.sample_seed, round_.population_size, round_.population_digest = None, 0, ""
    round_.save(update_fields=["selection", "selection_params", "sample_seed", "population_size", "population_digest"])
    audit_record(actor=actor, action="quality.round_schools", obj=round_, region_code=round_.region_id,
                 before={"schools": before}, after={"schools": [s.code for s in chosen]})
    return round_


@transaction.atomic
def round_mark_scored(round: Round, actor) -> bool:  # noqa: A002 -- the brief's name
    """planned → scored, for the scores import (call it inside its transaction). A round already scored or
    published stays as it is (a later import replaces rows, it does not move the round back): False then."""
    round_ = _locked(round)
    if round_.status != RoundStatus.PLANNED:
        return False
    ROUND_WORKFLOW.check(round_.status, RoundStatus.SCORED)
    round_.status = RoundStatus.SCORED
    round_.save(update_fields=["status"])
    RoundTransition.record(round_, from_status=RoundStatus.PLANNED, to_status=RoundStatus.SCORED, actor=actor)
    audit_record(actor=actor, action="quality.round_scored", obj=round_, region_code=round_.region_id,
                 before={"status": RoundStatus.PLANNED}, after={"status": RoundStatus.SCORED})
    round.status = round_.status
    return True


@transaction.atomic
def round_publish(*, actor, round: Round, note: str = "") -> Round:  # noqa: A002 -- the brief's name
    """scored → published: schools then read their results."""
    round_ = _locked(round)
    require_office_for(actor, round_.region_id, "只有本区县督导室可以发布质量监测结果。")
    refuse_if_archived(round_.region_id, round_.test_date, "质量监测轮次")
    if round_.status == RoundStatus.PLANNED:
        raise ApplicationError("本轮尚未导入成绩，不能发布结果。")
    ROUND_WORKFLOW.check(round_.status, RoundStatus.PUBLISHED)
    before = round_.status
    round_.status, round_.published_at = RoundStatus.PUBLISHED, timezone.now()
    round_.save(update_fields=["status", "published_at"])
    RoundTransition.record(round_, from_status=before, to_status=RoundStatus.PUBLISHED, actor=actor,
                           note=str(note or "").strip()[:500])
    audit_record(actor=actor, action="quality.round_publish", obj=round_, region_code=round_.region_id,
                 before={"status": before}, after={"status": RoundStatus.PUBLISHED})
    findings_from_round(actor=actor, round=round_)
    return round_
