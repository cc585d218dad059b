"""学业质量监测 in 示范区: two rounds of the same cohort, "2+1" subjects, realistic pupil scores.

- "2025学年春季七年级学业质量监测" (test date June 2026): published to the schools.
- "2026学年秋季八年级学业质量监测" (test date November 2026): scored, not yet published; its prior attainment
  links to the spring round by 学生编号 (the same pupils, a year on), so its value-added can be computed.
语文 and 数学 are fixed; the third subject is drawn per round from the pool with a recorded seed. Every junior and
九年一贯制 school takes part with 25–60 pupils in grade 7/8. Scores come from a small generative model: each pupil
has an ability (prior attainment correlates about 0.7 with the autumn score), each school an intake level and an
effect (a few schools clearly above and below expectation), classes and gender add a little variation.

Everything goes through the services an office uses: round_create, round_draw (recorded seed), the 学生成绩 import
(so the ScoreImport counts, prior links included, are the import's own), round_publish, findings_from_round, and
the reports: generated now for the published round, queued as a background batch for the autumn one.
Deterministic (own seeded generator, independent of the rest of the demo) and idempotent (a county that already
has rounds is left alone)."""

import datetime
import random
from dataclasses import dataclass
from html import escape

from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.core.models import Role
from dudao.core.tabular import write_template_workbook
from dudao.quality.models import ExternalLevel, Round, RoundSchool, RoundStatus, SchoolSelection
from dudao.quality.scoresheet import SHEET, SPEC
from dudao.quality.services.external import external_report_upload
from dudao.quality.services.loop import findings_from_round
from dudao.quality.services.reports import report_batch_start, reports_generate_now
from dudao.quality.services.rounds import round_create, round_draw, round_publish
from dudao.quality.services.scores import scores_import
from dudao.schools.models import School

SEED = 20260619  # the demo's scores; each round's "2+1" draw records its own seed below
POOL = [("英语", 100.0), ("物理", 100.0), ("道德与法治", 100.0), ("体质健康", 100.0)]
FIXED = [("语文", 120.0), ("数学", 120.0)]
SCHOOL_TYPES = ("junior", "nine_year")
# (title, year, term, grade, test date, draw seed, status)
ROUNDS = [
    ("2025学年春季七年级学业质量监测", 2025, "spring", 7, datetime.date(2026, 6, 18), 7_2025_2, RoundStatus.PUBLISHED),
    ("2026学年秋季八年级学业质量监测", 2026, "autumn", 8, datetime.date(2026, 11, 19), 8_2026_1, RoundStatus.SCORED),
]
# School effects in points on a 100-point scale: the first two schools (by code order of a shuffled list) clearly
# above expectation, the next two clearly below; the rest drawn around 0.
STRONG, WEAK = 8.0, -8.0


@dataclass
class Pupil:
    student: str
    school: str
    class_name: str
    gender: str
    ability: float  # standard normal


@dataclass
class SchoolProfile:
    code: str
    intake: float  # shifts the whole level of the school's pupils (what value-added controls for)
    effect: float  # the school's contribution to progress between the two rounds


def cohort(codes: list[str], rng: random.Random) -> tuple[list[SchoolProfile], list[Pupil]]:
    shuffled = codes[:]
    rng.shuffle(shuffled)
    profiles, pupils = [], []
    for i, code in enumerate(sorted(codes)):
        rank = shuffled.index(code)
        effect = STRONG if rank < 2 else WEAK if rank < 4 else rng.gauss(0, 1.0)
        intake = rng.gauss(0, 5.0) - (4.0 if rank in (0, 3) else 0.0)  # a strong school with a weak intake…
        profiles.append(SchoolProfile(code, intake, effect))
        size = rng.randint(25, 60)
        classes = 2 if size > 40 else 1
        for k in range(size):
            pupils.append(Pupil(f"XS2018{i + 1:02d}{k + 1:03d}", code, f"{k % classes + 1}班",
                                "男" if rng.random() < 0.52 else "女", rng.gauss(0, 1)))
    return profiles, pupils


def _clip(value: float, full: float) -> float:
    return max(0.0, min(full, round(value * 2) / 2))


def score_rows(profiles: list[SchoolProfile], pupils: list[Pupil], subjects: list[list[tuple[str, float]]],
               rng: random.Random) -> list[list[list]]:
    """Per round, the rows of its 学生成绩 sheet (`subjects`: per round its (name, full marks)); a row is the 学生成绩 sheet's columns: 学生编号, 学校标识码, 年级, 学科, 成绩, 前测成绩,
    性别, 班级. The autumn rows leave 前测成绩 empty: it comes from the spring round by 学生编号."""
    by_code = {p.code: p for p in profiles}
    class_shift = {(p.code, c): rng.gauss(0, 1.5) for p in profiles for c in ("1班", "2班")}
    spring: dict[tuple[str, str], float] = {}
    rows: list[list[list]] = [[], []]
    leavers = {p.student for p in pupils if rng.random() < 0.04}  # moved away after the spring round
    joiners = {p.student for p in pupils if p.student not in leavers and rng.random() < 0.05}  # new in autumn
    for pupil in pupils:
        school = by_code[pupil.school]
        gender_shift = {"女": 1.0, "男": -1.0}[pupil.gender]
        for name, full in subjects[0]:
            if pupil.student in joiners:
                continue
            scale = full / 100
            value = (70 + school.intake + 12 * pupil.ability + class_shift[(pupil.school, pupil.class_name)]
                     + gender_shift * (1.5 if name == "语文" else 0.3) + rng.gauss(0, 6)) * scale
            spring[(pupil.student, name)] = _clip(value, full)
            rows[0].append([pupil.student, pupil.school, "七年级", name, spring[(pupil.student, name)], "",
                            pupil.gender, pupil.class_name])
        if pupil.student in leavers:
            continue
        for name, full in subjects[1]:
            scale = full / 100
            before = spring.get((pupil.student, name))
            level = (before / scale) if before is not None else 70 + school.intake + 12 * pupil.ability
            value = (18 + 0.75 * level + school.effect + class_shift[(pupil.school, pupil.class_name)] * 0.5
                     + gender_shift * (1.0 if name == "语文" else 0.2) + rng.gauss(0, 10.5)) * scale
            rows[1].append([pupil.student, pupil.school, "八年级", name, _clip(value, full), "",
                            pupil.gender, pupil.class_name])
    return rows


def _round(*, office_user, county, spec) -> Round:
    title, year, term, grade, test_date, draw_seed, _status = spec
    round_ = round_create(
        actor=office_user, region=county, title=title, year=year, term=term, grade=grade, test_date=test_date,
        subjects=[{"name": n, "full_marks": f} for n, f in FIXED],
        draw_pool=[{"name": n, "full_marks": f, "is_fitness": n == "体质健康"} for n, f in POOL],
        selection=SchoolSelection.TYPE, selection_params={"school_types": list(SCHOOL_TYPES)})
    round_draw(actor=office_user, round=round_, seed=draw_seed)
    return round_


EXTERNAL_HTML = """<html><head><meta charset="utf-8"><style>body{font-family:"Noto Sans CJK SC",sans-serif;margin:3cm}
h1{font-size:20pt}</style></head><body><h1>{title}</h1><p>{school}</p><p>（演示数据：国家义务教育质量监测向样本校反馈的
学校报告，含学生学业表现、体质健康、心理健康及相关影响因素。）</p></body></html>"""


def load_external(*, office_user, school) -> None:
    """One national monitoring report (PDF) in the upload area of the demo principal's school."""
    from weasyprint import HTML  # noqa: PLC0415 -- weasyprint takes ~2-4 s to import; the reports above load it anyway

    title = "2024年国家义务教育质量监测学校报告"
    page = EXTERNAL_HTML.replace("{title}", escape(title)).replace("{school}", escape(school.name))
    pdf = HTML(string=page).write_pdf()
    external_report_upload(actor=office_user, school=school, level=ExternalLevel.NATIONAL, year=2024, title=title,
                           upload=SimpleUploadedFile(f"{title}.pdf", pdf, content_type="application/pdf"))


def load_quality(*, office_user, county, school_user) -> None:
    if Round.objects.filter(region=county).exists():
        return
    school = school_user.role_assignments.filter(role=Role.SCHOOL).values_list("school", flat=True).first()
    if school is not None:
        load_external(office_user=office_user, school=School.objects.get(pk=school))
    rounds = [_round(office_user=office_user, county=county, spec=spec) for spec in ROUNDS]
    subjects = [[(s.name, s.full_marks) for s in r.subjects.order_by("order")] for r in rounds]
    codes = sorted(RoundSchool.objects.filter(round=rounds[0]).values_list("school__code", flat=True))
    rng = random.Random(SEED)
    profiles, pupils = cohort(codes, rng)
    rows = score_rows(profiles, pupils, subjects, rng)
    for round_, spec, sheet in zip(rounds, ROUNDS, rows, strict=True):
        data = write_template_workbook([SPEC], {SHEET: sheet}, with_notes=False)
        scores_import(actor=office_user, round=round_, data=data, filename=f"{round_.title}_学生成绩.xlsx",
                      confirm=True)
        round_.refresh_from_db()
        if spec[6] == RoundStatus.PUBLISHED:
            round_publish(actor=office_user, round=round_, note="监测结果向各校反馈。")
        findings_from_round(actor=office_user, round=round_)
        if spec[6] == RoundStatus.PUBLISHED:
            # The published round's reports (district and every school, Word and PDF) are there at once; the
            # autumn round's are queued for the worker (rundemo starts one): generating both here took ~70 s each.
            reports_generate_now(round_, actor=office_user)
        else:
            report_batch_start(actor=office_user, round=round_)
