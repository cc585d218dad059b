"""Benchmark for the 行事历 (issue 20): the calendar of a county year for its office. A county of 300 schools in 12
towns with a year of dated records: 40 inspection projects (2,400 school targets), 4 survey rounds of every school,
3 quality rounds of 100 schools, 900 整改通知书 and 120 督办单, a 创建 campaign of 200 tasks, 40 交叉督导 days,
60 inspectors with 4 trainings each, a published 工作要点 of 40 tasks and 12 meetings. The office opens the month
grid (which reads the whole term for the per-term count: September to January), the list, the year's API and its
iCalendar feed, each through the test client (the whole request). Target: the month page under 200 ms.

Run: PYTHONPATH=$PWD .venv/bin/python bench/bench_planning_calendar.py        (SQLite, a fresh database in bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_calendar_bench PYTHONPATH=$PWD .venv/bin/python bench/…
Prints the median and slowest of 15 requests after one warm-up, the CPU time of this process and the queries.
"""

import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_planning_calendar.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

import time_machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

SCHOOLS = 300
TOWNS = 12
TARGET_MS = 200
RUNS = 15
YEAR = 2026
BEIJING = ZoneInfo("Asia/Shanghai")


def day(rng, first=datetime.date(YEAR, 1, 1), last=datetime.date(YEAR, 12, 31)) -> datetime.date:
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def build(admin):
    from dudao.core.services import role_assign
    from dudao.frameworks import services as frameworks
    from dudao.inspections.models import Inspection, Target
    from dudao.monitoring.models import Campaign, CampaignTask
    from dudao.people.models import Inspector, Training
    from dudao.planning.models import Meeting, Plan, PlanSection, PlanStatus, PlanTask
    from dudao.quality.models import Round, RoundSchool, SchoolSelection
    from dudao.rectification.models import RectificationNotice, SupervisionOrder
    from dudao.regions.models import GovUnit, Region
    from dudao.schools.models import School
    from dudao.surveys.models import Questionnaire, SurveyRound
    from dudao.zones.models import CrossSupervision, Zone

    rng = random.Random(20)
    province = Region.objects.create(code="970000", name="基准省", level="province")
    city = Region.objects.create(code="970100", name="基准市", level="city", parent=province)
    county = Region.objects.create(code="970101", name="基准县", level="county", parent=city)
    towns = [Region.objects.create(code=f"970101{t:03d}", name=f"基准{t}镇", level="town", parent=county)
             for t in range(1, TOWNS + 1)]
    School.objects.bulk_create([
        School(code=f"3970101{i:03d}", name=f"基准县第{i}小学", school_type="primary", ownership="public",
               urban_rural="rural", region=towns[i % TOWNS], students_primary=400, classes_primary=12)
        for i in range(1, SCHOOLS + 1)])
    schools = list(School.objects.filter(region__code__startswith="970101").order_by("code"))
    office = type(admin).objects.create_user("bench-office", password="Bench-pass-2026")
    role_assign(actor=admin, user=office, role="office", region=county)
    framework = frameworks.framework_freeze(actor=admin, framework=frameworks.framework_from_template(
        actor=admin, region=county, template_code="zone"))
    targets = []
    for k in range(40):
        start = day(rng)
        project = Inspection.objects.create(county=county, name=f"基准县{YEAR}年第{k + 1}批综合督导", kind="comprehensive",
                                            framework=framework, year=YEAR, starts_on=start,
                                            ends_on=start + datetime.timedelta(days=rng.randrange(2, 30)),
                                            created_by=admin)
        targets += [Target(inspection=project, school=s, region_code=s.region_id) for s in rng.sample(schools, 60)]
    Target.objects.bulk_create(targets, batch_size=2000)
    questionnaire = Questionnaire.objects.create(county=county, family="parents", title="家长问卷", group="parent",
                                                 created_by=admin)
    for k, month in enumerate((3, 6, 10, 12)):
        opens = datetime.datetime(YEAR, month, 1, 8, tzinfo=BEIJING)
        survey = SurveyRound.objects.create(questionnaire=questionnaire, county=county, name=f"{YEAR}年第{k + 1}次家长满意度调查",
                                            year=YEAR, group="parent", opens_at=opens,
                                            closes_at=opens + datetime.timedelta(days=14), created_by=admin)
        survey.schools.set(schools)
    for k, month in enumerate((5, 11, 12)):
        rnd = Round.objects.create(region=county, title=f"基准县第{k + 1}轮质量监测", year=YEAR, term="autumn", grade=4 + k,
                                   test_date=datetime.date(YEAR, month, 15), selection=SchoolSelection.LIST,
                                   created_by=admin)
        RoundSchool.objects.bulk_create([RoundSchool(round=rnd, school=s) for s in rng.sample(schools, 100)])
    issued = datetime.datetime(YEAR, 1, 5, 9, tzinfo=BEIJING)
    notices = RectificationNotice.objects.bulk_create([
        RectificationNotice(school=s, region_code=s.region_id, number=f"基督整〔{YEAR}〕{i * 3 + j + 1}号", due_date=day(rng),
                            issued_by=admin, issued_at=issued)
        for i, s in enumerate(schools) for j in range(3)], batch_size=1000)
    bureau = GovUnit.objects.create(code="UB97", name="基准县教育局", kind="department", region=county,
                                    is_education_authority=True)
    SupervisionOrder.objects.bulk_create([
        SupervisionOrder(number=f"基督办〔{YEAR}〕{k + 1}号", notice=n, department=bureau, region_code=n.region_code,
                         issued_at=issued, due_date=min(n.due_date + datetime.timedelta(days=20), datetime.date(YEAR, 12, 31)))
        for k, n in enumerate(rng.sample(notices, 120))])
    campaign = Campaign.objects.create(kind="balanced", county=county, name="基准县优质均衡创建", target_year=YEAR + 1,
                                       created_by=admin)
    CampaignTask.objects.bulk_create([
        CampaignTask(campaign=campaign, school=s, region_code=s.region_id, title=f"第{k + 1}项创建任务", deadline=day(rng))
        for k, s in enumerate(rng.sample(schools, 200))])
    zones = [Zone.objects.create(code=f"BZ{k}", name=f"第{k + 1}责任区", region=county) for k in range(10)]
    CrossSupervision.objects.bulk_create([
        CrossSupervision(semester=f"{YEAR}", visiting_zone=zones[k % 10], host_zone=zones[(k + 1) % 10],
                         planned_on=day(rng), created_by=admin) for k in range(40)])
    inspectors = Inspector.objects.bulk_create([
        Inspector(card_no=f"BDX{k}", name=f"督学{k}", phone="13800000000", kind="parttime", source="teacher",
                  region=county, appointed_on=datetime.date(2020, 1, 1), term_start=datetime.date(2023, 1, 1))
        for k in range(60)])
    courses = [(day(rng), f"督学培训第{k + 1}期") for k in range(8)]
    Training.objects.bulk_create([Training(inspector=i, date=d, title=t, hours=6)
                                  for i in inspectors for d, t in rng.sample(courses, 4)])
    plan = Plan.objects.create(region=county, year=YEAR, title=f"基准县{YEAR}年教育督导工作要点", status=PlanStatus.PUBLISHED,
                               created_by=admin)
    sections = [PlanSection.objects.create(plan=plan, order=k, title=t)
                for k, t in enumerate(("督政", "督学", "评估监测", "队伍建设", "宣传研究", "综合"))]
    PlanTask.objects.bulk_create([
        PlanTask(plan=plan, section=sections[k % 6], order=k, text=f"第{k + 1}项工作任务",
                 months=sorted(rng.sample(range(1, 13), rng.randrange(1, 4))), due_date=day(rng)) for k in range(40)])
    for k in range(12):
        Meeting.objects.create(region=county, kind="team", title=f"督导组工作会（{k + 1}月）",
                               starts_at=datetime.datetime(YEAR, k + 1, 10, 9, tzinfo=BEIJING), created_by=admin)
    return office


def timed(client, path: str, runs: int = RUNS) -> tuple[float, float, float, int, int]:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    times, cpu, queries = [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(ctx)
    return statistics.median(times), max(times), statistics.median(cpu), queries, len(response.content)


def main() -> None:
    vendor = connection.vendor
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    from dudao.planning.selectors.calendar import calendar_items
    from dudao.planning.services.calendar import feed_key_issue

    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    start = time.perf_counter()
    office = build(admin)
    year_items = calendar_items(office, datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31))
    print(f"[{vendor}] built a county of {SCHOOLS} schools in {time.perf_counter() - start:.1f} s: "
          f"{len(year_items):,} calendar items in {YEAR}")
    key = feed_key_issue(user=office)
    client = Client()
    client.force_login(office)
    load = os.getloadavg()
    print(f"[{vendor}] load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    pages = [
        ("month grid 11月 (page)", f"/planning/calendar/?month={YEAR}-11"),
        ("month list 11月 (page)", f"/planning/calendar/?month={YEAR}-11&view=list"),
        ("month grid 11月, one town (page)", f"/planning/calendar/?month={YEAR}-11&area=970101003"),
        ("API the whole year, first page of 200", f"/api/v1/calendar?from={YEAR}-01-01&to={YEAR}-12-31"),
        ("iCalendar feed (15 months)", f"/planning/calendar/feed/{key}.ics"),
        ("export .xlsx of the year", f"/planning/calendar/?month={YEAR}-11&export=xlsx&range=year"),
    ]
    worst = 0.0
    with time_machine.travel(datetime.datetime(YEAR, 11, 20, 10, tzinfo=BEIJING), tick=True):
        for label, path in pages:
            median, slowest, cpu, queries, size = timed(client, path)
            print(f"[{vendor}] {label:34s} median {median:7.1f} ms  max {slowest:7.1f} ms  CPU {cpu:7.1f} ms  "
                  f"{queries} queries  {size / 1024:.0f} KB")
            if "(page)" in label:
                worst = max(worst, median)
    load = os.getloadavg()
    print(f"[{vendor}] load average at end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    verdict = "met" if worst < TARGET_MS else "NOT met"
    print(f"[{vendor}] calendar page target < {TARGET_MS} ms: {verdict} (slowest median {worst:.1f} ms)")


if __name__ == "__main__":
    main()
