"""Benchmark for the 大事记 (issue 20 item 4): a county year with many key events — 2,000 publications, 2,000
completed 创建 tasks in 20 campaigns, 500 talks held and 200 问责 decisions (4,720 events, far more than a real
county) — the proposal scan (first run: all new; second run: none new, the daily job's usual case), then the office's
page with 1,000 accepted entries and the proposals tab, the Word and Excel exports and the API.

Run: .venv/bin/python bench/bench_planning_chronicle.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_chronicle_bench .venv/bin/python bench/bench_planning_chronicle.py
Prints its figures (median of 7 requests after one warm-up, and the query count).
"""

import datetime
import os
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_planning_chronicle.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
YEAR = 2026
RUNS = 7


def build(admin):
    from dudao.core.models import Role
    from dudao.core.services import role_assign, user_create
    from dudao.monitoring.models import Campaign, CampaignTask
    from dudao.rectification.models import AccountabilityCase, Publication, Talk
    from dudao.regions.models import GovUnit, Region
    from dudao.schools.models import School

    province = Region.objects.create(code="990000", name="示范省", level="province")
    city = Region.objects.create(code="990100", name="示范市", level="city", parent=province)
    county = Region.objects.create(code="990102", name="示范区", level="county", parent=city)
    town = Region.objects.create(code="990102001", name="城关街道", level="town", parent=county)
    school = School.objects.create(code="1990102001", name="示范区第一小学", school_type="primary", region=town,
                                   ownership="public", urban_rural="urban")
    unit = GovUnit.objects.create(code="U1", name="示范区财政局", kind="department", region=county)
    office = user_create(actor=admin, username="office", full_name="督导室", password="Bench-pass-2026")
    role_assign(actor=admin, user=office, role=Role.OFFICE, region=county)

    def moment(i):
        return datetime.datetime(YEAR, 1 + i % 12, 1 + i % 28, 9, 0, tzinfo=TZ)

    Publication.objects.bulk_create([Publication(kind="result", region_code=county.code, title=f"公告{i}", body="正文",
                                                 published_by=office, published_at=moment(i)) for i in range(2000)])
    campaigns = Campaign.objects.bulk_create([Campaign(kind="balanced", county=county, name=f"创建{c}",
                                                       target_year=YEAR + 1, created_by=admin) for c in range(20)])
    CampaignTask.objects.bulk_create([CampaignTask(
        campaign=campaigns[i % 20], title=f"任务{i}", deadline=moment(i).date(), done_at=moment(i + 1).date(),
        unit=unit, region_code=county.code) for i in range(2000)])
    Talk.objects.bulk_create([Talk(key=f"t{i}", status="held", reason="整改不力", proposed_at=moment(i),
                                   held_on=moment(i).date(), school=school, region_code=town.code) for i in range(500)])
    AccountabilityCase.objects.bulk_create([AccountabilityCase(
        number=f"问{i}", target_kind="unit", situation="duty", facts="事实", step="decided",
        filed_on=moment(i).date(), investigation_due=moment(i).date(), decision_form="bulletin",
        decided_on=moment(i).date(), school=school, region_code=town.code, created_by=admin) for i in range(200)])
    return office, county


def timed(client, path):
    client.get(path)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    return statistics.median(times), max(times), len(ctx)


def main() -> None:
    vendor = connection.vendor
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    from dudao.planning.models import ChronicleEntry, ChronicleStatus
    from dudao.planning.services.chronicle import chronicle_propose

    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    office, county = build(admin)
    now = datetime.datetime(YEAR, 12, 31, 23, 0, tzinfo=TZ)
    span = dict(region=county, start=datetime.date(YEAR, 1, 1), end=datetime.date(YEAR, 12, 31), now=now)
    load = os.getloadavg()
    print(f"[{vendor}] load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for label in ("propose, first run (all new)", "propose, second run (none new)"):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            added = chronicle_propose(**span)
        print(f"[{vendor}] {label:34s} {(time.perf_counter() - started) * 1000:8.1f} ms  {added} new  "
              f"{len(ctx)} queries")
    ids = list(ChronicleEntry.objects.order_by("day", "pk").values_list("pk", flat=True)[::4][:1000])
    ChronicleEntry.objects.filter(pk__in=ids).update(status=ChronicleStatus.ACCEPTED)
    client = Client()
    client.force_login(office)
    base = f"/planning/chronicle/?region={county.code}&year={YEAR}"
    for label, path in [("page 已采用 (1,000 entries)", base + "&tab=accepted"),
                        ("page 待确认 (page of 50)", base + "&tab=proposed"),
                        ("export .docx (1,000 rows)", f"/planning/chronicle/export.docx?region={county.code}&year={YEAR}"),
                        ("export .xlsx (1,000 rows)", f"/planning/chronicle/export.xlsx?region={county.code}&year={YEAR}"),
                        ("API ?year= (1,000 entries)", f"/api/v1/chronicle?year={YEAR}")]:
        median, slowest, queries = timed(client, path)
        print(f"[{vendor}] {label:34s} median {median:8.1f} ms  max {slowest:8.1f} ms  {queries} queries")


if __name__ == "__main__":
    main()
