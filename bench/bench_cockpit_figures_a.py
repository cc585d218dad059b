"""Benchmarks for the cockpit figures of 挂牌督导, 督导评估 and 问题整改 (issue 22, area "figures-a"): each provider
(zones, inspections, rectification sections and the two map layers) for a province, a city, a county and a town.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/bench_cockpit_figures_a.py
     .venv/bin/python bench/bench_cockpit_figures_a.py again     (the timings again, on the last run's data)
     .venv/bin/python bench/bench_cockpit_figures_a.py profile   (where a province call spends its time)
Prints its figures; docs/benchmarks.md records the latest ones.

The province is bench_zones' (20,000 schools in 100 counties, 1,000 zones, one assignment per school, 250,000
visits over the school year) plus bench_rectification's findings (FINDINGS_PER_SCHOOL each, default 100: 2,000,000,
raised 200 days ago, a quarter open), 5,000 complaints, 10,000 督办单, 2,000 约谈, 500 问责 cases, and 200
inspection projects (two per county) with 50 targets each, half of them rated.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_cockpit_figures_a.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_zones import build_province  # noqa: E402

FINDINGS_PER_SCHOOL = int(os.environ.get("FINDINGS_PER_SCHOOL", "100"))
TEXTS = ["食堂留样记录不全，部分餐次未留样。", "校门口护学岗人员不足。", "消防通道堆放杂物。", "体育课被占用。"]


def build_rest(admin) -> None:
    """Findings as bench_rectification builds them (without the notices), complaints, 督办单, 约谈, 问责, projects."""
    from dudao.frameworks import services as frameworks
    from dudao.inspections.models import Inspection, Target
    from dudao.rectification.models import (
        AccountabilityCase,
        Finding,
        RectificationNotice,
        SupervisionOrder,
        Talk,
    )
    from dudao.regions.models import GovUnit, Region
    from dudao.schools.models import School
    from dudao.zones.models import Complaint

    start = time.perf_counter()
    schools = list(School.objects.order_by("code").values_list("pk", "region_id"))
    today, now = timezone.localdate(), timezone.now()
    raised = now - datetime.timedelta(days=200)
    total, i = len(schools) * FINDINGS_PER_SCHOOL, 0
    while i < total:
        batch = []
        for _ in range(min(20_000, total - i)):
            school_id, region = schools[i % len(schools)]
            state = ("closed", "closed", "open", "resolved_on_site")[i % 4]
            batch.append(Finding(
                source=("visit", "inspection", "complaint", "manual")[i % 4], school_id=school_id, region_code=region,
                category=f"r{i % 8}", category_label=f"类别{i % 8}", description=TEXTS[i % len(TEXTS)],
                raised_at=raised + datetime.timedelta(minutes=i % 200_000), status=state,
                due_date=today + datetime.timedelta(days=(i % 90) - 45), closed_at=now if state == "closed" else None,
                closed_on_time=None if state == "open" else (state == "resolved_on_site" or i % 5 != 0)))
            i += 1
        Finding.objects.bulk_create(batch, batch_size=5000)
    Complaint.objects.bulk_create([Complaint(
        number=f"TS{k:08d}", school_id=schools[k * 4 % len(schools)][0], kind="complaint", channel="hotline",
        content="食堂卫生差。", received_at=raised + datetime.timedelta(hours=k), status=("received", "closed")[k % 2])
        for k in range(5000)], batch_size=5000)
    counties = list(Region.objects.filter(level="county").order_by("code").values_list("code", flat=True))
    GovUnit.objects.bulk_create([GovUnit(code=f"E{c}", name=f"{c}教育局", kind="department", region_id=c,
                                         is_education_authority=True) for c in counties])
    units = dict(GovUnit.objects.filter(code__startswith="E").values_list("region_id", "pk"))
    RectificationNotice.objects.bulk_create([RectificationNotice(
        number=f"B{k:07d}", school_id=schools[k * 2 % len(schools)][0], region_code=schools[k * 2 % len(schools)][1],
        due_date=today - datetime.timedelta(days=1), status="acknowledged", issued_by=admin,
        issued_at=raised) for k in range(10_000)], batch_size=5000)
    notices = list(RectificationNotice.objects.order_by("pk").values_list("pk", "region_code"))
    SupervisionOrder.objects.bulk_create([SupervisionOrder(
        number=f"D{k:07d}", notice_id=pk, department_id=units[region[:6]], region_code=region, issued_at=raised,
        due_date=today) for k, (pk, region) in enumerate(notices)], batch_size=5000)
    Talk.objects.bulk_create([Talk(key=f"bench:{k}", school_id=schools[k * 10][0], region_code=schools[k * 10][1],
                                   reason="逾期未整改。", proposed_at=raised) for k in range(2000)], batch_size=2000)
    AccountabilityCase.objects.bulk_create([AccountabilityCase(
        number=f"W{k:06d}", school_id=schools[k * 40][0], region_code=schools[k * 40][1], target_kind="unit",
        situation=("duty", "task")[k % 2], facts="拒不整改。", filed_on=today - datetime.timedelta(days=30),
        investigation_due=today + datetime.timedelta(days=30), created_by=admin) for k in range(500)], batch_size=500)
    framework = frameworks.framework_freeze(actor=admin, framework=frameworks.framework_from_template(
        actor=admin, region=Region.objects.get(code=counties[0]), template_code="zone"))
    Inspection.objects.bulk_create([Inspection(
        county_id=c, name=f"{c}督导{n}", kind="special", framework=framework, year=today.year,
        starts_on=datetime.date(today.year, 3 + n * 4, 1), ends_on=datetime.date(today.year, 5 + n * 4, 1),
        stage=("issued", "onsite")[n], created_by=admin) for c in counties for n in range(2)])
    by_county: dict[str, list] = {}
    for pk, region in schools:
        by_county.setdefault(region[:6], []).append((pk, region))
    targets = []
    for pk, county in Inspection.objects.values_list("pk", "county_id"):
        for k, (school_id, region) in enumerate(by_county[county][pk % 7::4][:50]):
            rated = k % 2 == 0
            targets.append(Target(inspection_id=pk, school_id=school_id, region_code=region,
                                  score=80.0 + k % 20 if rated else None,
                                  level=("优秀", "良好", "合格", "不合格")[k % 4] if rated else ""))
    Target.objects.bulk_create(targets, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"[{connection.vendor}] built {Finding.objects.count()} findings, {Complaint.objects.count()} complaints, "
          f"{SupervisionOrder.objects.count()} orders, {Talk.objects.count()} talks, "
          f"{AccountabilityCase.objects.count()} cases, {Target.objects.count()} targets "
          f"in {time.perf_counter() - start:.1f} s")


def children_of(code: str) -> tuple:
    from dudao.core.registries import CockpitChild
    from dudao.regions.models import Region
    from dudao.schools.models import School

    if len(code) > 6:
        return tuple(CockpitChild(f"school:{pk}", name, school_id=pk)
                     for pk, name in School.objects.filter(region_id=code).values_list("pk", "name"))
    return tuple(CockpitChild(c, n, region_code=c) for c, n in Region.objects.filter(parent_id=code).values_list("code", "name"))


def measure(runs: int = 5) -> None:
    from dudao.core.registries import cockpit_sections, map_layers

    year = timezone.localdate().year
    sections = [s for s in cockpit_sections() if s.name in ("zones", "inspections", "rectification")]
    layers = [layer for key, layer in map_layers().items() if key in ("zones.last_visit_days", "rectification.open_findings")]
    vendor = connection.vendor
    for label, code in (("province", "990000"), ("city", "990100"), ("county", "990101"), ("town", "990101001")):
        children = children_of(code)
        total = 0.0
        jobs = [(f"section {s.name}", lambda s=s, code=code, children=children: s.metrics(code, year, children)) for s in sections]
        jobs += [(f"map layer {layer.key}", lambda layer=layer, code=code: layer.values(code, year)) for layer in layers]
        for name, job in jobs:
            job()  # warm
            times = []
            for _ in range(runs):
                with CaptureQueriesContext(connection) as ctx:
                    start = time.perf_counter()
                    job()
                    times.append((time.perf_counter() - start) * 1000)
            ms = statistics.median(times)
            total += ms
            print(f"[{vendor}] {label} {code} ({len(children)} children) {name}: median {ms:.0f} ms, "
                  f"{len(ctx.captured_queries)} queries")
        print(f"[{vendor}] {label} {code}: all five providers {total:.0f} ms")


def profile() -> None:
    """Where a province call of the zones and rectification sections spends its time (one call each after a warm one)."""
    from dudao.core.registries import FigureReader
    from dudao.rectification import cockpit as rectification
    from dudao.zones import cockpit as zones
    from dudao.zones import selectors

    reader, year = FigureReader("990000"), timezone.localdate().year
    periods = zones._periods(year)
    for name, job in (
            ("zones.selectors.coverage", lambda: selectors.coverage(reader, region="99")),
            ("zones.selectors.frequency", lambda: selectors.frequency(reader, region="99")),
            ("zones visits grouped", lambda: zones._counts(selectors.visit_list(reader, region="99"), "started_at",
                                                           periods, ())),
            ("rectification findings tally", lambda: rectification._tallies("990000", year, ()))):
        job()
        start = time.perf_counter()
        job()
        print(f"[{connection.vendor}] province {name}: {(time.perf_counter() - start) * 1000:.0f} ms")


def main() -> None:
    if sys.argv[1:] == ["again"]:
        measure()
        return
    if sys.argv[1:] == ["profile"]:
        profile()
        return
    vendor = connection.vendor
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    build_province(admin)
    build_rest(admin)
    measure()


if __name__ == "__main__":
    main()
