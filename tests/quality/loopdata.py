"""Rounds and pupil scores written with the ORM for the findings, indicator-source and demo tests (the round and
score services live on other branches; these tests need only the rows)."""

import datetime

from dudao.quality.models import Round, RoundSchool, RoundStatus, RoundSubject, ScoreImport, StudentScore


def make_round(world, *, title="2026学年秋季八年级学业质量监测", year=2026, term="autumn", grade=8,
               test_date=datetime.date(2026, 11, 20), status=RoundStatus.PUBLISHED, schools=None,
               subjects=(("语文", 100), ("数学", 100))) -> Round:
    round_ = Round.objects.create(region=world.county_a, title=title, year=year, term=term, grade=grade,
                                  test_date=test_date, selection="list", status=status, created_by=world.office_a)
    for i, (name, full) in enumerate(subjects):
        RoundSubject.objects.create(round=round_, name=name, full_marks=full, pass_line=0.6 * full,
                                    excellent_line=0.85 * full, low_line=0.4 * full, order=i)
    for school in schools if schools is not None else world.schools_a:
        RoundSchool.objects.create(round=round_, school=school)
    return round_


def add_scores(world, round_, subject_name, school, scores, priors=None, start=0) -> None:
    """Pupils `S<school pk>-<i>` with the given scores (and priors) in one subject."""
    batch = round_.imports.first() or ScoreImport.objects.create(
        round=round_, filename="x.xlsx", sha256="0" * 64, rows=0, created_by=world.office_a)
    subject = round_.subjects.get(name=subject_name)
    StudentScore.objects.bulk_create([
        StudentScore(round=round_, subject=subject, school=school, batch=batch, student=f"S{school.pk}-{start + i}",
                     score=score, prior=None if priors is None else priors[i],
                     prior_source="" if priors is None else "file", gender="男" if i % 2 else "女")
        for i, score in enumerate(scores)])
