"""Quality rounds and pupil scores built directly with the ORM, for tests of any quality helper.

    rnd = make_round(world)                                   # district A, grade 8, 语文/数学 + drawn 科学, scored
    add_scores(rnd, [("1990102001", "语文", "S001", 88.0), …])  # (school code, subject, student, score[, prior,
                                                              #  gender, class_name]) tuples or dicts
"""

import datetime
from collections.abc import Iterable, Sequence

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
from dudao.schools.models import School

SCORE_FIELDS = ("school", "subject", "student", "score", "prior", "gender", "class_name")


def make_round(world, *, region=None, schools: Sequence | None = None,
               subjects: Sequence[tuple[str, float]] = (("语文", 100.0), ("数学", 100.0)),
               drawn: tuple[str, float] | None = ("科学", 100.0), fitness: Sequence[str] = ("体质健康",),
               status: str = RoundStatus.SCORED, year: int = 2026, term: str = Term.AUTUMN, grade: int = 8,
               test_date: datetime.date = datetime.date(2026, 11, 10), title: str = "",
               created_by=None) -> Round:
    """A round of district A (or `region`) with its subjects (lines 60%/85%/40% of full marks) and schools
    (default: every school of world.schools_a). `drawn` adds a third, drawn subject; a subject named in
    `fitness` is banded by the 国家学生体质健康标准. Status defaults to scored (published sets published_at)."""
    region = region or world.county_a
    schools = list(world.schools_a if schools is None else schools)
    rnd = Round.objects.create(
        region=region, title=title or f"{year}学年{'秋季' if term == Term.AUTUMN else '春季'}{grade}年级质量监测",
        year=year, term=term, grade=grade, test_date=test_date, selection=SchoolSelection.LIST,
        status=status, created_by=created_by or world.office_a,
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


def _row(row) -> dict:
    if isinstance(row, dict):
        return {**dict.fromkeys(SCORE_FIELDS[4:]), **row}
    return dict(zip(SCORE_FIELDS, list(row) + [None] * (len(SCORE_FIELDS) - len(row)), strict=True))


def add_scores(rnd: Round, rows: Iterable, *, created_by=None) -> ScoreImport:
    """Store pupil scores for the round under one ScoreImport. A row is (school code or School, subject name or
    RoundSubject, student, score[, prior, gender, class_name]) or a dict with those keys."""
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
