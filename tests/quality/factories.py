"""Test data for the quality tests: rounds, pupil scores and 学生成绩 files.

    rnd = make_round(world)                                   # district A, grade 8, 语文/数学, every school of A
    rnd = make_round(world, status=RoundStatus.SCORED, drawn=DRAWN)          # … with a drawn "2+1" subject
    add_scores(rnd, [("1990102001", "语文", "S001", 88.0), …])  # (school code, subject, student, score[, prior,
                                                              #  gender, class_name]) tuples or dicts
    add_pupils(rnd, "数学", school, [80, 75, …])                # pupils S<school pk>-<i> in one subject
    service_round(world, grade=7)                              # a round made by the service (its checks, audit)
    csv_bytes(score_rows(world))                               # a 学生成绩 file of six pupils in three schools

`make_round` writes the rows with the ORM (no service checks): for tests of reads, results and imports.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from django.utils import timezone

from dudao.quality.models import (
    Round,
    RoundSchool,
    RoundStatus,
    RoundSubject,
    SchoolSelection,
    ScoreImport,
    StudentScore,
    SubjectKind,
    Term,
)
from dudao.quality.services import rounds as round_services
from dudao.schools.models import School

SCORE_FIELDS = ("school", "subject", "student", "score", "prior", "gender", "class_name")
SCORE_HEADER = ["学生编号", "学校标识码", "年级", "学科", "成绩", "前测成绩", "性别", "班级"]
DRAWN = ("科学", 100.0)
GRADE_NAMES = "一二三四五六七八九"


def default_title(year: int, term: str, grade: int) -> str:
    grade_name = GRADE_NAMES[grade - 1] if 1 <= grade <= len(GRADE_NAMES) else str(grade)
    return f"{year}学年{'秋季' if term == Term.AUTUMN else '春季'}{grade_name}年级学业质量监测"


def default_test_date(year: int, term: str) -> datetime.date:
    """10 November of the school year's first calendar year (autumn), 10 May of its second (spring)."""
    return datetime.date(year, 11, 10) if term == Term.AUTUMN else datetime.date(year + 1, 5, 10)


def make_round(world, *, region=None, schools: Sequence | None = None,
               subjects: Sequence[tuple[str, float]] = (("语文", 100.0), ("数学", 100.0)),
               drawn: tuple[str, float] | None = None, fitness: Sequence[str] = ("体质健康",),
               status: str = RoundStatus.PLANNED, year: int = 2026, term: str = Term.AUTUMN, grade: int = 8,
               test_date: datetime.date | None = None, title: str = "", created_by=None) -> Round:
    """A round of district A (or `region`) with its subjects (lines 60%/85%/40% of full marks) and schools
    (default: every school of world.schools_a). `drawn` adds a last, drawn subject (e.g. DRAWN); a subject named
    in `fitness` is banded by the 国家学生体质健康标准. Published sets published_at."""
    region = region or world.county_a
    schools = list(world.schools_a if schools is None else schools)
    rnd = Round.objects.create(
        region=region, title=title or default_title(year, term, grade), year=year, term=term, grade=grade,
        test_date=test_date or default_test_date(year, term), selection=SchoolSelection.LIST, status=status,
        created_by=created_by or world.office_a,
        published_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC) if status == RoundStatus.PUBLISHED else None,
    )
    entries = [(name, full, SubjectKind.FIXED) for name, full in subjects]
    if drawn:
        entries.append((drawn[0], drawn[1], SubjectKind.DRAWN))
    for order, (name, full, kind) in enumerate(entries):
        RoundSubject.objects.create(round=rnd, name=name, full_marks=full, pass_line=0.6 * full,
                                    excellent_line=0.85 * full, low_line=0.4 * full, kind=kind,
                                    is_fitness=name in fitness, order=order)
    RoundSchool.objects.bulk_create([RoundSchool(round=rnd, school=school) for school in schools])
    return rnd


def school_year() -> int:
    """The school year in progress (its first calendar year)."""
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def service_round(world, **overrides) -> Round:
    """A round made by `services.round_create` (validation, school selection, audit) in district A this school
    year: 语文 100 and 数学 120 fixed, a "2+1" pool of three, the junior and nine-year schools; `overrides` go to
    the service as they are."""
    year = school_year()
    fields = dict(actor=world.office_a, region=world.county_a, title="甲区八年级学业质量监测", year=year,
                  term="autumn", grade=8, test_date=datetime.date(year, 11, 20),
                  subjects=[{"name": "语文", "full_marks": 100}, {"name": "数学", "full_marks": 120}],
                  draw_pool=[{"name": "英语", "full_marks": 100}, {"name": "物理", "full_marks": 100},
                             {"name": "道德与法治", "full_marks": 100}],
                  selection="type", selection_params={"school_types": ["junior", "nine_year"]})
    fields.update(overrides)
    return round_services.round_create(**fields)


def _row(row) -> dict:
    if isinstance(row, dict):
        return {**dict.fromkeys(SCORE_FIELDS[4:]), **row}
    return dict(zip(SCORE_FIELDS, list(row) + [None] * (len(SCORE_FIELDS) - len(row)), strict=True))


def add_scores(rnd: Round, rows: Iterable, *, created_by=None) -> ScoreImport:
    """Store pupil scores for the round under one new ScoreImport. A row is (school code or School, subject name
    or RoundSubject, student, score[, prior, gender, class_name]) or a dict with those keys."""
    rows = [_row(row) for row in rows]
    subjects = {s.name: s for s in rnd.subjects.all()}
    codes = {r["school"] for r in rows if not isinstance(r["school"], School)}
    schools = {s.code: s for s in School.objects.filter(code__in=codes)}
    batch = ScoreImport.objects.create(round=rnd, filename="成绩.xlsx", sha256="0" * 64, rows=len(rows),
                                       created_by=created_by or rnd.created_by)
    StudentScore.objects.bulk_create([
        StudentScore(
            round=rnd, batch=batch,
            subject=r["subject"] if isinstance(r["subject"], RoundSubject) else subjects[r["subject"]],
            school=r["school"] if isinstance(r["school"], School) else schools[r["school"]],
            student=str(r["student"]), score=float(r["score"]), prior=r["prior"],
            prior_source="file" if r["prior"] is not None else "", gender=r["gender"] or "",
            class_name=r["class_name"] or "",
        ) for r in rows
    ], batch_size=5000)
    return batch


def add_pupils(rnd: Round, subject: str, school: School, scores: Sequence[float],
               priors: Sequence[float] | None = None, start: int = 0) -> ScoreImport:
    """Pupils `S<school pk>-<start + i>` with the given scores (and priors) in one subject, girls and boys
    alternating."""
    return add_scores(rnd, [
        (school, subject, f"S{school.pk}-{start + i}", score, None if priors is None else priors[i],
         "男" if i % 2 else "女")
        for i, score in enumerate(scores)])


def score_rows(world, *, grade=8, prior=True, offset=0, schools=None, subjects=("语文", "数学")) -> list[list[str]]:
    """Rows of a 学生成绩 file: six pupils in each of `schools` (default the first three of district A), every
    subject, with a prior score unless `prior` is false."""
    rows = []
    for s, school in enumerate(world.schools_a[:3] if schools is None else schools):
        for p in range(6):
            student = f"P{s}{p:02d}"
            for subject in subjects:
                rows.append([student, school.code, str(grade), subject, str(60 + p * 3 + s + offset),
                             str(55 + p * 3) if prior else "", "男" if p % 2 else "女", f"{p % 2 + 1}班"])
    return rows


def csv_bytes(rows, header=SCORE_HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()
