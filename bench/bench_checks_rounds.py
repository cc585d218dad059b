"""Benchmark of 专项检查 rounds (issue 23, Performance): a county round of 300 targets (150 checked) — the round
page with its coverage, failures by item and town and photos, target 300 ms — and a province round of 20,000 targets
with 60,000 answers (6,000 checked targets × 10 items, one in ten failed with a photo's metadata) — the summary
(coverage_summary + failed_by_item + failed_by_town), target 1 s — plus the province round's page and the round list.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_checks_bench .venv/bin/python bench/bench_checks_rounds.py
     (.venv/bin/python bench/bench_checks_rounds.py alone uses SQLite under bench/out/)
The database is flushed and rebuilt. Prints the median of 5 runs after one warm-up, and the query counts.
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_checks_rounds.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = 5
CITIES, COUNTIES, TOWNS, SCHOOLS = 4, 10, 10, 50  # 4 × 10 × 10 towns × 50 schools = 20,000 schools
ITEMS, PROVINCE_DONE, COUNTY_TARGETS, COUNTY_DONE = 10, 6000, 300, 150


def median_ms(fn) -> tuple[float, int]:
    fn()
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return statistics.median(times), len(ctx)


def build():
    from django.contrib.auth import get_user_model

    from dudao.checks.models import CheckAnswer, CheckItem, CheckRound, CheckSubmission, CheckTarget
    from dudao.core.models import Role
    from dudao.core.services import role_assign
    from dudao.documents.models import StoredFile
    from dudao.people.models import Inspector
    from dudao.regions.models import Region
    from dudao.schools.models import School

    User = get_user_model()
    admin = User.objects.create_superuser("bench", password="Bench-pass-2026")
    province = Region.objects.create(code="990000", name="示范省", level="province")
    regions, towns = [], []
    for c in range(1, CITIES + 1):
        city = Region(code=f"99{c:02d}00", name=f"第{c}市", level="city", parent=province)
        regions.append(city)
        for k in range(1, COUNTIES + 1):
            county = Region(code=f"99{c:02d}{k:02d}", name=f"第{c}市{k}区", level="county", parent=city)
            regions.append(county)
            for t in range(1, TOWNS + 1):
                town = Region(code=f"{county.code}{t:03d}", name=f"{county.name}{t}镇", level="town", parent=county)
                towns.append(town)
    Region.objects.bulk_create(regions)
    Region.objects.bulk_create(towns)
    types = ["primary", "junior", "kindergarten", "nine_year", "training"]
    schools = School.objects.bulk_create([
        School(code=f"{n:010d}", name=f"{town.name}第{s}学校",
               school_type=types[s % 5], ownership="public", urban_rural="urban", region=town)
        for n, (town, s) in enumerate(((t, s) for t in towns for s in range(SCHOOLS)), start=1)], batch_size=5000)
    day = datetime.date(2020, 9, 1)
    users = User.objects.bulk_create([User(username=f"insp{i}") for i in range(400)])
    counties = [r for r in regions if r.level == "county"]
    inspectors = Inspector.objects.bulk_create([
        Inspector(card_no=f"B{i:05d}", name=f"督学{i:03d}", phone="13900000000", kind="fulltime", source="official",
                  region=counties[i % len(counties)], appointed_on=day, term_start=day, user=users[i])
        for i in range(400)])
    office_p = User.objects.create_user("office_p")
    role_assign(actor=admin, user=office_p, role=Role.OFFICE, region=province)
    office_c = User.objects.create_user("office_c")
    first_county = counties[0]
    role_assign(actor=admin, user=office_c, role=Role.OFFICE, region=first_county)
    today = timezone.localdate()

    def make_round(region, title, round_schools, done: int, with_photos: bool):
        check_round = CheckRound.objects.create(region=region, title=title, kind="holiday_safety",
                                                starts_on=today - datetime.timedelta(days=5),
                                                ends_on=today + datetime.timedelta(days=10), status="open",
                                                created_by=admin)
        items = CheckItem.objects.bulk_create([CheckItem(round=check_round, order=k, text=f"检查项{k}",
                                                         finding_text=f"问题{k}", photo_required=True)
                                               for k in range(1, ITEMS + 1)])
        targets = CheckTarget.objects.bulk_create([
            CheckTarget(round=check_round, school=s, region_code=s.region_id, inspector=inspectors[n % 400],
                        status="done" if n < done else "pending", done_at=timezone.now() if n < done else None,
                        failed_count=1 if n < done else 0)
            for n, s in enumerate(round_schools)], batch_size=5000)
        submissions = CheckSubmission.objects.bulk_create([
            CheckSubmission(target=t, inspector=t.inspector, submitted_by=admin, submitted_at=timezone.now(),
                            failed_count=1) for t in targets[:done]], batch_size=5000)
        photos = StoredFile.objects.bulk_create([  # one photo's metadata per failed answer (no file on disk)
            StoredFile(sha256=f"{n:064d}", size=120_000, content_type="image/jpeg", kind="image",
                       original_name=f"p{n}.jpg", path=f"bench/p{n}.jpg", thumb_path=f"bench/p{n}_t.jpg", width=1600,
                       height=1200) for n in range(len(submissions))], batch_size=5000) if with_photos else []
        answers = []
        for n, sub in enumerate(submissions):
            failed_k = n % ITEMS
            for k, item in enumerate(items):
                failed = k == failed_k
                answers.append(CheckAnswer(submission=sub, item=item, value="no" if failed else "yes", failed=failed,
                                           settled_on_spot=failed and n % 3 == 0,
                                           photo=photos[n] if (failed and with_photos) else None))
        CheckAnswer.objects.bulk_create(answers, batch_size=10000)
        return check_round

    county_schools = [s for s in schools if s.region_id.startswith(first_county.code)]  # 500 schools
    county_round = make_round(first_county, "县级专项检查（300 个对象）", county_schools[:COUNTY_TARGETS], COUNTY_DONE, True)
    province_round = make_round(province, "全省专项检查（20000 个对象）", schools, PROVINCE_DONE, True)
    return county_round, province_round, office_c, office_p


def main() -> None:
    call_command("migrate", "--noinput", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    started = time.perf_counter()
    county_round, province_round, office_c, office_p = build()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"built in {time.perf_counter() - started:.1f} s on {connection.vendor}")

    from dudao.checks.models import CheckAnswer, CheckTarget
    from dudao.checks.selectors import rounds as selectors

    print(f"province round: {CheckTarget.objects.filter(round=province_round).count()} targets, "
          f"{CheckAnswer.objects.filter(item__round=province_round).count()} answers")

    def summary():
        selectors.coverage_summary(province_round)
        selectors.failed_by_item(province_round)
        selectors.failed_by_town(province_round)

    ms, queries = median_ms(summary)
    print(f"province summary (coverage + by item + by town): {ms:.0f} ms, {queries} queries (target 1000 ms)")

    client = Client()
    client.force_login(office_c)
    ms, queries = median_ms(lambda: client.get(f"/checks/{county_round.pk}/"))
    assert client.get(f"/checks/{county_round.pk}/").status_code == 200
    print(f"county round page (300 targets): {ms:.0f} ms, {queries} queries (target 300 ms)")
    ms, queries = median_ms(lambda: client.get(f"/checks/{county_round.pk}/?export=xlsx"))
    print(f"county round targets export (.xlsx): {ms:.0f} ms, {queries} queries")

    client.force_login(office_p)
    ms, queries = median_ms(lambda: client.get(f"/checks/{province_round.pk}/"))
    print(f"province round page (20,000 targets): {ms:.0f} ms, {queries} queries")
    ms, queries = median_ms(lambda: client.get("/checks/"))
    print(f"round list (province office): {ms:.0f} ms, {queries} queries")


if __name__ == "__main__":
    main()
