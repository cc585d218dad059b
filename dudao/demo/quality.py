"""学业质量监测 in 示范区: two rounds of the same cohort, "2+1" subjects, realistic pupil scores.

- "2025学年春季七年级学业质量监测" (test date June 2026): published to the schools.
- "2026学年秋季八年级学业质量监测" (test date November 2026): scored, not yet published; its prior attainment
  links to the spring round by 学生编号 (the same pupils, a year on), so its value-added can be computed.
语文 and 数学 are fixed; the third subject is drawn per round from the pool with a recorded seed. Every junior and
九年一贯制 school takes part with 25–60 pupils in grade 7/8. Scores come from a small generative model: each pupil
has an ability (prior attainment correlates about 0.7 with the autumn score), each school an intake level and an
effect (a few schools clearly above and below expectation), classes and gender add a little variation.

Deterministic (own seeded generator, independent of the rest of the demo) and idempotent (a county that already
has rounds is left alone). The findings of both rounds are raised through the service the office uses."""

import datetime
import random
from dataclasses import dataclass

from django.utils import timezone

from dudao.demo.generator import COUNTY
from dudao.quality.models import (
    Round,
    RoundSchool,
    RoundStatus,
    RoundSubject,
    RoundTransition,
    ScoreImport,
    SchoolSource,
    StudentScore,
    SubjectKind,
)
from dudao.quality.services.loop import findings_from_round
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


def draw_subject(seed: int) -> tuple[str, float]:
    """The "2+1" draw of a round, reproducible from its seed."""
    return random.Random(seed).choice(POOL)


def cohort(codes: list[str], rng: random.Random) -> tuple[list[SchoolProfile], list[Pupil]]:
    shuffled = codes[:]
    rng.shuffle(shuffled)
    profiles, pupils = [], []
    for i, code in enumerate(sorted(codes)):
        rank = shuffled.index(code)
        effect = STRONG if rank < 2 else WEAK if rank < 4 else rng.gauss(0, 2.0)
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


def score_rows(profiles: list[SchoolProfile], pupils: list[Pupil], rng: random.Random):
    """({round index: rows}) where a row is the 学生成绩 sheet's columns: 学生编号, 学校标识码, 年级, 学科, 成绩, 前测成绩,
    性别, 班级. The autumn rows leave 前测成绩 empty: it comes from the spring round by 学生编号."""
    by_code = {p.code: p for p in profiles}
    class_shift = {(p.code, c): rng.gauss(0, 1.5) for p in profiles for c in ("1班", "2班")}
    subjects = [FIXED + [draw_subject(r[5])] for r in ROUNDS]
    spring: dict[tuple[str, str], float] = {}
    rows: dict[int, list[list]] = {0: [], 1: []}
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
                     + gender_shift * (1.0 if name == "语文" else 0.2) + rng.gauss(0, 8.5)) * scale
            rows[1].append([pupil.student, pupil.school, "八年级", name, _clip(value, full), "",
                            pupil.gender, pupil.class_name])
    return rows


def _round(*, office_user, county, spec, schools: list[School]) -> Round:
    title, year, term, grade, test_date, draw_seed, _status = spec
    when = timezone.make_aware(datetime.datetime.combine(test_date - datetime.timedelta(days=30),
                                                         datetime.time(9, 0)))
    round_ = Round.objects.create(
        region=county, title=title, year=year, term=term, grade=grade, test_date=test_date,
        selection="type", selection_params={"school_types": list(SCHOOL_TYPES)},
        draw_pool=[{"name": n, "full_marks": f} for n, f in POOL], draw_seed=draw_seed, drawn_at=when,
        drawn_by=office_user, created_by=office_user)
    for order, (name, full) in enumerate(FIXED + [draw_subject(draw_seed)]):
        fitness = name == "体质健康"
        RoundSubject.objects.create(
            round=round_, name=name, full_marks=full, order=order, is_fitness=fitness,
            kind=SubjectKind.DRAWN if order == 2 else SubjectKind.FIXED,
            pass_line=60.0 if fitness else 0.6 * full, excellent_line=90.0 if fitness else 0.85 * full,
            low_line=50.0 if fitness else 0.4 * full)
    RoundSchool.objects.bulk_create([RoundSchool(round=round_, school=s, source=SchoolSource.SELECTED)
                                     for s in schools])
    return round_


def _import(*, office_user, round_: Round, rows: list[list], earlier: Round | None) -> None:
    """The rows into the round, as the 学生成绩 import stores them (prior attainment linked by 学生编号).
    TODO(lead): go through the scores import service of h19-scores once merged, so ScoreImport counts are its own."""
    schools = {s.code: s for s in School.objects.filter(quality_rounds__round=round_)}
    subjects = {s.name: s for s in round_.subjects.all()}
    prior = {}
    if earlier is not None:
        prior = {(student, name): score for student, name, score in StudentScore.objects.filter(
            round=earlier).values_list("student", "subject__name", "score")}
    linked = sum(1 for r in rows if (r[0], r[3]) in prior)
    batch = ScoreImport.objects.create(
        round=round_, filename=f"{round_.title}_学生成绩.xlsx", sha256=f"{round_.pk:064d}", rows=len(rows),
        prior_linked=linked, prior_missing=len(rows) - linked, linked_round=earlier, created_by=office_user)
    StudentScore.objects.bulk_create([
        StudentScore(round=round_, subject=subjects[r[3]], school=schools[r[1]], batch=batch, student=r[0],
                     score=r[4], prior=prior.get((r[0], r[3])), prior_source="linked" if (r[0], r[3]) in prior else "",
                     gender=r[6], class_name=r[7]) for r in rows], batch_size=1000)


def _advance(*, office_user, round_: Round, to: str) -> None:
    RoundTransition.objects.create(round=round_, from_status=round_.status, to_status=to, actor=office_user)
    round_.status = to
    if to == RoundStatus.PUBLISHED:
        round_.published_at = timezone.now()
    round_.save(update_fields=["status", "published_at"])


def load_quality(*, office_user, county) -> None:
    if Round.objects.filter(region=county).exists():
        return
    schools = list(School.objects.filter(region__code__startswith=COUNTY[0], school_type__in=SCHOOL_TYPES)
                   .order_by("code"))
    rng = random.Random(SEED)
    profiles, pupils = cohort([s.code for s in schools], rng)
    rows = score_rows(profiles, pupils, rng)
    earlier = None
    for index, spec in enumerate(ROUNDS):
        round_ = _round(office_user=office_user, county=county, spec=spec, schools=schools)
        _import(office_user=office_user, round_=round_, rows=rows[index], earlier=earlier)
        _advance(office_user=office_user, round_=round_, to=RoundStatus.SCORED)
        if spec[6] == RoundStatus.PUBLISHED:
            _advance(office_user=office_user, round_=round_, to=RoundStatus.PUBLISHED)
        findings_from_round(actor=office_user, round=round_)
        earlier = round_
