"""Benchmark for the cockpit figures of 评估监测, 满意度, 质量监测, 工作要点 and 督政评议 (issue 22, area figures-b): each
section's metrics(region, year, children) and each map layer, for the province (children: its cities), one city
(children: its counties), one county (children: its towns) and one town (children: its schools). Target: the
whole cockpit for a province user under 1 s (with the other areas' providers), precomputed nightly where needed.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_figures_b .venv/bin/python bench/bench_cockpit_figures_b.py
     ... bench/bench_cockpit_figures_b.py --reuse      (time again on the data the last run left)
     .venv/bin/python bench/bench_cockpit_figures_b.py  (SQLite, a fresh database under bench/out/)
Prints the median of 3 calls after one warm-up, and the query count, per section and level.

The province: bench_registry's 20,000 schools in 100 counties (10 towns each, 70 kindergartens, 70 primary, 30
junior, 20 nine-year and 10 senior schools per county). Per county: the year's 事业统计 (the demo's generator,
imported as the office imports it) and its 3–5-year-olds; a parent satisfaction survey of the compulsory schools
(20 responses per school, 9 rated items) and a 社会认可度 survey (10 per school, 8 items), both ended; a published
质量监测 round of the junior-stage schools (3 subjects, 40 pupils per school, with prior scores); a published 工作要点
of 40 tasks in 4 sections (half done, a quarter late); 20 uses of supervision results. All dated last year (the
cockpit's "year"), so the figures are complete.
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_cockpit_figures_b.sqlite3'}")

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from bench.bench_registry import province_workbook  # noqa: E402  (sets up Django)

RUNS = 3
SECTIONS = ("monitoring", "surveys", "quality", "planning", "reviews")
LAYERS = ("monitoring.balanced_pass", "surveys.satisfaction", "quality.va_below")
COMPULSORY = ("primary", "junior", "nine_year")


def year() -> int:
    from django.utils import timezone

    return timezone.localdate().year - 1


def build(admin) -> None:
    import numpy as np
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dudao.core.services import role_assign
    from dudao.core.tabular import write_template_workbook
    from dudao.demo.monitoring import stats_rows
    from dudao.demo.surveys import _level, _parent_answers
    from dudao.monitoring.imports import SPEC, stats_import
    from dudao.monitoring.models import CountyInputs
    from dudao.planning.models import Plan, PlanSection, PlanStatus, PlanTask
    from dudao.quality.models import (
        Round,
        RoundSchool,
        RoundStatus,
        RoundSubject,
        SchoolSelection,
        ScoreImport,
        StudentScore,
        Term,
    )
    from dudao.regions.models import Region
    from dudao.reviews.models import ResultUse
    from dudao.schools.imports import registry_import
    from dudao.schools.models import School
    from dudao.surveys import services as survey_services
    from dudao.surveys.models import SurveyResponse
    from dudao.surveys.questionnaire import clean_answers
    from dudao.surveys.responses import answers_fingerprint

    y = year()
    tz = timezone.get_current_timezone()
    started = time.perf_counter()
    registry_import(actor=admin, data=province_workbook(), filename="province.xlsx")
    print(f"[{connection.vendor}] registry: {School.objects.count():,} schools in {time.perf_counter() - started:.0f} s")
    rng = random.Random(22)
    schools = list(School.objects.order_by("code"))
    started = time.perf_counter()
    data = write_template_workbook([SPEC], {SPEC.name: stats_rows(schools, y, rng)}, with_notes=False)
    stats_import(actor=admin, data=data, filename="province_stats.xlsx", confirm=True)
    counties = list(Region.objects.filter(level="county").order_by("code"))
    kids: dict[str, int] = {}
    for s in schools:
        kids[s.region_id[:6]] = kids.get(s.region_id[:6], 0) + s.students_preschool
    CountyInputs.objects.bulk_create([CountyInputs(region=c, year=y, population_3_5=round(kids.get(c.code, 0) / 0.87) or None)
                                      for c in counties])
    print(f"[{connection.vendor}] statistics: {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    by_county: dict[str, list] = {}
    for s in schools:
        by_county.setdefault(s.region_id[:6], []).append(s)
    opens = datetime.datetime(y, 11, 1, 8, 0, tzinfo=tz)
    closes = datetime.datetime(y, 11, 20, 18, 0, tzinfo=tz)
    responses, serial = [], 0
    for county in counties:
        office = get_user_model().objects.create_user(f"office-{county.code}", password="Bench-pass-2026")
        role_assign(actor=admin, user=office, role="office", region=county)
        compulsory = [s for s in by_county[county.code] if s.school_type in COMPULSORY]
        for template, per_school, feeds in (("parent_school", 20, False), ("recognition", 10, True)):
            q = survey_services.questionnaire_from_template(actor=office, county=county, template_code=template)
            q = survey_services.questionnaire_publish(actor=office, questionnaire=q)
            r = survey_services.round_create(actor=office, questionnaire=q, name=f"{county.name}{y}年{template}", year=y,
                                             schools=compulsory, opens_at=opens, closes_at=closes,
                                             feeds_recognition=feeds)
            for school in compulsory:
                p = rng.uniform(0.8, 0.97)
                for _ in range(per_school):
                    serial += 1
                    raw = (_parent_answers(rng, p, 8, (5,), False) if not feeds else
                           {"q1": "家长", "q2": _level(rng, p), "q3": {str(i): _level(rng, p) for i in range(1, 8)}})
                    answers, errors = clean_answers(q.definition, raw)
                    assert not errors, errors
                    responses.append(SurveyResponse(round=r, school=school, answers=answers, submitted_at=opens,
                                                    device=f"b-{serial}", ip_hash=f"{serial:016d}",
                                                    fingerprint=answers_fingerprint(answers)))
        if len(responses) > 20_000:
            SurveyResponse.objects.bulk_create(responses, batch_size=2000)
            responses = []
    SurveyResponse.objects.bulk_create(responses, batch_size=2000)
    print(f"[{connection.vendor}] surveys: {SurveyResponse.objects.count():,} responses in "
          f"{time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    nrng = np.random.default_rng(22)
    for county in counties:
        junior = [s for s in by_county[county.code] if s.school_type in ("junior", "nine_year")]
        rnd = Round.objects.create(region=county, title=f"{county.name}{y}学年八年级质量监测", year=y, term=Term.AUTUMN,
                                   grade=8, test_date=datetime.date(y, 11, 12), selection=SchoolSelection.TYPE,
                                   status=RoundStatus.PUBLISHED, created_by=admin)
        subjects = [RoundSubject.objects.create(round=rnd, name=name, full_marks=100.0, pass_line=60.0,
                                                excellent_line=85.0, low_line=40.0, kind="fixed", order=k)
                    for k, name in enumerate(("语文", "数学", "英语"))]
        RoundSchool.objects.bulk_create([RoundSchool(round=rnd, school=s) for s in junior])
        batch = ScoreImport.objects.create(round=rnd, filename="bench.xlsx", sha256="0" * 64, rows=0, created_by=admin)
        rows = []
        for subject in subjects:
            for school in junior:
                effect = nrng.normal(0, 3)
                prior = nrng.normal(62, 14, 40).clip(0, 100)
                score = (18 + 0.72 * prior + effect + nrng.normal(0, 9, 40)).clip(0, 100)
                rows += [StudentScore(round=rnd, subject=subject, school=school, batch=batch,
                                      student=f"{school.code}{k:03d}", score=round(float(score[k]), 1),
                                      prior=round(float(prior[k]), 1), prior_source="file",
                                      gender="女" if k % 2 else "男", class_name="1班") for k in range(40)]
        StudentScore.objects.bulk_create(rows, batch_size=5000)
    print(f"[{connection.vendor}] quality: {StudentScore.objects.count():,} scores in {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    published = timezone.make_aware(datetime.datetime(y, 2, 10, 9, 0))
    for county in counties:
        plan = Plan.objects.create(region=county, year=y, title=f"{y}年{county.name}教育督导工作要点",
                                   status=PlanStatus.PUBLISHED, published_at=published, created_by=admin)
        tasks = []
        for k in range(4):
            section = PlanSection.objects.create(plan=plan, order=k, title=f"第{k + 1}部分")
            for t in range(10):
                progress = "done" if t < 5 else "in_progress" if t < 8 else "not_started"
                tasks.append(PlanTask(plan=plan, section=section, order=t, text=f"任务{k}-{t}",
                                      due_date=datetime.date(y, 3 + t, 15), progress=progress))
        PlanTask.objects.bulk_create(tasks)
        ResultUse.objects.bulk_create([ResultUse(
            region=county, result_kind="inspections.inspection", result_id=str(k), result_label=f"结果{k}",
            result_year=y, school=by_county[county.code][k], user_name="区委组织部", purpose="annual",
            used_on=datetime.date(y, 6, 1 + k), decision="纳入考核", recorded_by=admin) for k in range(20)])
    print(f"[{connection.vendor}] plans and uses: {time.perf_counter() - started:.0f} s")


def levels():
    from django.db.models import Count

    from dudao.core.registries import CockpitChild
    from dudao.regions.models import Region
    from dudao.schools.models import School

    province = Region.objects.get(level="province")
    city = Region.objects.filter(level="city").order_by("code").first()
    county = Region.objects.filter(level="county").order_by("code").first()
    sizes = (School.objects.filter(region__parent=county).values("region_id").annotate(n=Count("id"))
             .order_by("-n", "region_id"))
    town = Region.objects.get(code=sizes[0]["region_id"])

    def kids(region):
        return tuple(CockpitChild(r.code, r.name, region_code=r.code)
                     for r in Region.objects.filter(parent=region).order_by("code"))

    schools = tuple(CockpitChild(f"school:{pk}", name, school_id=pk)
                    for pk, name in School.objects.filter(region=town).values_list("pk", "name"))
    return [("province", province.code, kids(province)), ("city", city.code, kids(city)),
            ("county", county.code, kids(county)), ("town", town.code, schools)]


def timed(call) -> tuple[float, int]:
    """Median wall time of RUNS calls after a warm-up, and the queries of the last call (counted by an execute
    wrapper: CaptureQueriesContext keeps at most 9,000)."""
    call()
    times, count = [], [0]

    def counter(execute, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    for _ in range(RUNS):
        count[0] = 0
        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            call()
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), count[0]


def measure() -> None:
    from dudao.core.registries import cockpit_sections, map_layers

    y = year()
    sections = {s.name: s for s in cockpit_sections()}
    layers = map_layers()
    print(f"\n[{connection.vendor}] cockpit figures of {y} (median of {RUNS} after a warm-up)")
    print(f"{'level':9} {'children':>8}  " + "  ".join(f"{name:>16}" for name in SECTIONS) + f"  {'total':>9}")
    for level, code, children in levels():
        cells, total = [], 0.0
        for name in SECTIONS:
            ms, queries = timed(lambda name=name, code=code, children=children: sections[name].metrics(code, y, children))
            total += ms
            cells.append(f"{ms:9.0f} ms {queries:3d}q")
        print(f"{level:9} {len(children):8d}  " + "  ".join(cells) + f"  {total:6.0f} ms")
    print(f"\n[{connection.vendor}] map layers (values per school of the region)")
    for level, code, _children in levels():
        cells = []
        for key in LAYERS:
            ms, queries = timed(lambda key=key, code=code: layers[key].values(code, y))
            cells.append(f"{key} {ms:.0f} ms {queries}q ({len(layers[key].values(code, y)):,} schools)")
        print(f"{level:9} " + "; ".join(cells))


def main() -> None:
    from django.contrib.auth import get_user_model

    if "--reuse" not in sys.argv:
        if connection.vendor == "sqlite":
            connections.close_all()
            Path(connections.databases["default"]["NAME"]).unlink(missing_ok=True)
        else:
            call_command("flush", "--noinput", verbosity=0)
        call_command("migrate", "--noinput", verbosity=0)
        admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
        build(admin)
    measure()


if __name__ == "__main__":
    main()
