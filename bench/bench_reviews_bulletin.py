"""Benchmarks for the 教育督导公报 (issue 21, item 3): building the 公报项目表 from a large county's year (1,600
schools' statistics, 20,000 findings), refreshing it, the 公报 page (time and queries), Word and PDF.

Run: .venv/bin/python bench/bench_reviews_bulletin.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bulletin .venv/bin/python bench/bench_reviews_bulletin.py
Prints its figures; /work/wt/bench/bulletin.md records them.
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_bulletin.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

SCHOOLS = int(os.environ.get("BENCH_BULLETIN_SCHOOLS", "1600"))
FINDINGS = int(os.environ.get("BENCH_BULLETIN_FINDINGS", "20000"))


def timed(fn, repeat: int = 3) -> tuple[float, object]:
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
    from dudao.core.services import role_assign, user_create
    from dudao.monitoring.models import SchoolStats, StatsImport
    from dudao.rectification.models import Finding
    from dudao.regions.models import Region
    from dudao.reviews.models import Bulletin
    from dudao.reviews.selectors import bulletin as selectors
    from dudao.reviews.services import bulletin as services
    from dudao.schools.models import School

    User = get_user_model()
    admin = User.objects.create_superuser("admin", password="Bench-pass-2026")
    province = Region.objects.create(code="990000", name="示范省", level="province")
    city = Region.objects.create(code="990100", name="示范市", level="city", parent=province)
    county = Region.objects.create(code="990102", name="甲区", level="county", parent=city)
    town = Region.objects.create(code="990102001", name="甲一街道", level="town", parent=county)
    office = user_create(actor=admin, username="office", full_name="督导室", password="Bench-pass-2026")
    role_assign(actor=admin, user=office, role=Role.OFFICE, region=county)
    year = timezone.localdate().year - 1
    schools = School.objects.bulk_create([School(
        code=f"19901{n:05d}", name=f"甲区第{n}小学", school_type="primary", region=town, ownership="public",
        urban_rural="urban", students_primary=300, classes_primary=8) for n in range(SCHOOLS)])
    batch = StatsImport.objects.create(year=year, filename="stats.xlsx", rows=SCHOOLS, created_by=office)
    SchoolStats.objects.bulk_create([SchoolStats(school=s, year=year, batch=batch, students_primary=300 + i % 50)
                                     for i, s in enumerate(schools)], batch_size=2000)
    tz = timezone.get_current_timezone()
    start = datetime.datetime(year, 1, 1, 8, 0, tzinfo=tz)
    Finding.objects.bulk_create([Finding(
        source="manual", school=schools[i % SCHOOLS], region_code=town.code, description="问题",
        raised_at=start + datetime.timedelta(minutes=26 * i), status="closed" if i % 3 else "open",
        due_date=datetime.date(year, 12, 1)) for i in range(FINDINGS)], batch_size=2000)
    print(f"{connection.vendor}: {SCHOOLS} schools with statistics, {FINDINGS} findings in {year}")

    def create():
        Bulletin.objects.all().delete()
        return services.bulletin_create(actor=office, region=county, year=year)

    seconds, bulletin = timed(create)
    print(f"create (fills {bulletin.fields.count()} lines from every year figure): {seconds * 1000:.0f} ms")
    seconds, _ = timed(lambda: services.bulletin_refresh(actor=office, bulletin=bulletin))
    print(f"refresh: {seconds * 1000:.0f} ms")
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(office)
    url = f"/reviews/bulletins/{bulletin.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        seconds, response = timed(lambda: client.get(url), repeat=1)
    assert response.status_code == 200
    print(f"公报 page: {seconds * 1000:.0f} ms, {len(queries)} queries, {len(response.content) // 1024} KiB")
    seconds, data = timed(lambda: selectors.bulletin_docx(bulletin))
    print(f"Word: {seconds * 1000:.0f} ms, {len(data) // 1024} KiB")
    seconds, data = timed(lambda: selectors.bulletin_pdf(bulletin), repeat=1)
    print(f"PDF (first, includes loading WeasyPrint): {seconds * 1000:.0f} ms, {len(data) // 1024} KiB")
    seconds, data = timed(lambda: selectors.bulletin_pdf(bulletin))
    print(f"PDF: {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
