"""Rounds built with the ORM directly for the score-import tests, and CSV files of pupils' scores."""

import csv
import datetime
import io

from dudao.quality.models import Round, RoundSchool, RoundSubject

HEADER = ["学生编号", "学校标识码", "年级", "学科", "成绩", "前测成绩", "性别", "班级"]


def make_round(world, *, year=2025, term="autumn", grade=8, schools=None, subjects=(("语文", 100), ("数学", 100)),
               region=None, title=None) -> Round:
    found = Round.objects.create(
        region=region or world.county_a, title=title or f"{year}学年{'秋季' if term == 'autumn' else '春季'}{grade}年级监测",
        year=year, term=term, grade=grade, test_date=datetime.date(year + (term == "spring"), 5 if term == "spring"
                                                                   else 11, 10),
        selection="list", created_by=world.admin)
    for order, (name, full) in enumerate(subjects):
        RoundSubject.objects.create(round=found, name=name, full_marks=full, pass_line=0.6 * full,
                                    excellent_line=0.85 * full, low_line=0.4 * full, order=order)
    for school in world.schools_a[:3] if schools is None else schools:
        RoundSchool.objects.create(round=found, school=school)
    return found


def score_rows(world, *, grade=8, prior=True, offset=0, schools=None, subjects=("语文", "数学")):
    rows = []
    for s, school in enumerate(world.schools_a[:3] if schools is None else schools):
        for p in range(6):
            student = f"P{s}{p:02d}"
            for subject in subjects:
                rows.append([student, school.code, str(grade), subject, str(60 + p * 3 + s + offset),
                             str(55 + p * 3) if prior else "", "男" if p % 2 else "女", f"{p % 2 + 1}班"])
    return rows


def csv_bytes(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()
