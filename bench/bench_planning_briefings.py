"""Benchmarks for 督导简报 (issue 20, item 5): the material picker over a county year of visits, rendering a
30-section 简报 as Word and PDF, and the 简报 list page over 1,000 简报 (time and query count).

Run: .venv/bin/python bench/bench_planning_briefings.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/bench_planning_briefings.py
Prints its figures; /work/wt/bench/briefings.md (then docs/benchmarks.md) records them.
"""

import datetime
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_briefings.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

VISITS = int(os.environ.get("BENCH_BRIEFING_VISITS", "20000"))  # a large county's year (~12 per school, 1,600 schools)
BRIEFINGS = 1000
SECTIONS = 30


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    if connection.vendor == "sqlite":
        Path(connection.settings_dict["NAME"]).unlink(missing_ok=True)
        connection.close()
    else:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    from dudao.core.models import Role
    from dudao.core.registries import briefing_materials
    from dudao.core.services import role_assign, user_create
    from dudao.people.models import Inspector
    from dudao.planning.models import Briefing, BriefingSection, BriefingStatus
    from dudao.planning.selectors import briefings as selectors
    from dudao.planning.services import briefings as services
    from dudao.regions.models import Region
    from dudao.schools.models import School
    from dudao.zones.models import Visit

    User = get_user_model()
    admin = User.objects.create_superuser("admin", password="Bench-pass-2026")
    province = Region.objects.create(code="990000", name="示范省", level="province")
    city = Region.objects.create(code="990100", name="示范市", level="city", parent=province)
    county = Region.objects.create(code="990102", name="甲区", level="county", parent=city)
    town = Region.objects.create(code="990102001", name="甲一街道", level="town", parent=county)
    office = user_create(actor=admin, username="office", full_name="督导室", password="Bench-pass-2026")
    role_assign(actor=admin, user=office, role=Role.OFFICE, region=county)
    schools = School.objects.bulk_create([School(
        code=f"19901{n:05d}", name=f"甲区第{n}小学", school_type="primary", region=town, ownership="public",
        urban_rural="urban", students_primary=300, classes_primary=8) for n in range(200)])
    inspector = Inspector.objects.create(card_no="DX1", name="李明", phone="13900000000", kind="fulltime",
                                         source="official", region=county, appointed_on=datetime.date(2020, 9, 1),
                                         term_start=datetime.date(2020, 9, 1))
    now = timezone.now()
    year = timezone.localdate().year
    start = datetime.datetime(year, 1, 1, 9, tzinfo=timezone.get_current_timezone())
    span = max((now - start).total_seconds(), 86400)
    rows = []
    for n in range(VISITS):
        at = start + datetime.timedelta(seconds=span * n / VISITS)
        rows.append(Visit(client_id=uuid.uuid4(), inspector=inspector, school=schools[n % len(schools)], started_at=at,
                          ended_at=at, minutes_on_site=120, methods={}, items=["r1"], narrative="听课。",
                          highlights="课后服务开设科创课程。" if n % 3 == 0 else "", created_by=office))
    Visit.objects.bulk_create(rows, batch_size=2000)
    briefing = services.briefing_create(actor=office, region=county, year=year, title="基准简报")
    provider = briefing_materials()["zones.visit_highlights"][2]
    first, last = services.material_span(year)
    print(f"{connection.vendor}: {VISITS:,} visits ({VISITS // 3 + (VISITS % 3 > 0):,} with 亮点) in 甲区 this year")
    t, found = timed(lambda: provider(office, county.code, first, last, ""))
    print(f"  picker, newest 50 visit highlights:         {t * 1000:7.1f} ms ({len(found)} shown)")
    t, found = timed(lambda: provider(office, county.code, first, last, "科创"))
    print(f"  picker, search '科创':                      {t * 1000:7.1f} ms ({len(found)} shown)")
    key = found[-1].key
    t, _ = timed(lambda: services.material_fetch(actor=office, briefing=briefing, kind="visit", key=key))
    print(f"  re-fetch one picked material by key:        {t * 1000:7.1f} ms")
    BriefingSection.objects.bulk_create([BriefingSection(
        briefing=briefing, order=n, kind="text", heading=f"第{n}部分", text="督导工作情况。" * 60 + "\n" + "第二段。" * 40)
        for n in range(1, SECTIONS + 1)])
    t, data = timed(lambda: selectors.briefing_docx(briefing), repeat=3)
    print(f"  Word, {SECTIONS} sections:                      {t * 1000:7.1f} ms ({len(data) // 1024} KB)")
    t, data = timed(lambda: selectors.briefing_pdf(briefing), repeat=3)
    print(f"  PDF, {SECTIONS} sections:                       {t * 1000:7.1f} ms ({len(data) // 1024} KB)")
    Briefing.objects.bulk_create([Briefing(region=county, year=year - 1 - n % 5, title=f"简报{n}", created_by=office,
                                           status=BriefingStatus.DRAFT) for n in range(BRIEFINGS)])
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(office)
    client.get("/planning/briefings/")
    for size in (20, 100):
        with CaptureQueriesContext(connection) as queries:
            t, response = timed(lambda size=size: client.get(f"/planning/briefings/?size={size}"))
        assert response.status_code == 200
        print(f"  list page of {BRIEFINGS:,} 简报, {size} a page:        {t * 1000:7.1f} ms "
              f"({len(queries) // 5} queries a request)")
    t, response = timed(lambda: client.get("/planning/briefings/?q=简报99"))
    print(f"  list page, search:                          {t * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
