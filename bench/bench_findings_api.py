"""Benchmark of the findings API (issue 18): GET /api/v1/findings at 2 million findings on PostgreSQL.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_api_bench .venv/bin/python bench/bench_findings_api.py
     ... bench/bench_findings_api.py pages      (the timings again, on the data the last run left)
Prints its figures; docs/benchmarks.md records the latest ones. Target: under 150 ms per page.

The province: 100 counties of 200 schools each (20,000 schools, made with bulk inserts) and 2,000,000 findings
(100 per school; source, status, category and date spread by hash), written by PostgreSQL itself with
INSERT … SELECT over generate_series, no row through Python; a quarter open; 50,000 notices holding 100,000 of
them. A province office (sees all 2 million) and a county office (20,000), each with a bearer token as an API
client calls, time the first page, filtered pages and deep pages: the median of RUNS requests through the whole
stack (token, scope, capped count, page, JSON).
"""

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
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/dudao_api_bench")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

COUNTIES, SCHOOLS_PER_COUNTY, FINDINGS_PER_SCHOOL = 100, 200, 100
NOTICES = 50_000
RUNS = 15
COUNTY = "990101"  # the county office's county (the first)
PATHS = [
    "/api/v1/findings",
    "/api/v1/findings?status=open&overdue=true",
    "/api/v1/findings?source=complaint&category=r3",
    "/api/v1/findings?region=990101001&status=open",
    "/api/v1/findings?target=school&status=closed&page=50",
    "/api/v1/findings?page=200",
    "/api/v1/findings?page=2000",
    "/api/v1/findings?q=食堂",
]


def county_codes() -> list[str]:
    return [f"99{(c // 40) + 1:02d}{(c % 40) + 1:02d}" for c in range(COUNTIES)]


def build() -> None:
    from django.contrib.auth import get_user_model

    from dudao.core.models import RoleAssignment
    from dudao.regions.models import Region
    from dudao.schools.models import School

    start = time.perf_counter()
    User = get_user_model()
    admin = User.objects.create_superuser("bench", password="Bench-pass-2026")
    province = Region.objects.create(code="990000", name="示范省", level="province")
    cities = {code[:4]: Region(code=f"{code[:4]}00", name=f"市{code[:4]}", level="city", parent=province)
              for code in county_codes()}
    Region.objects.bulk_create(cities.values())
    counties = Region.objects.bulk_create([Region(code=c, name=f"县{c}", level="county", parent=cities[c[:4]])
                                           for c in county_codes()])
    towns = Region.objects.bulk_create([Region(code=f"{c.code}{t:03d}", name=f"镇{t}", level="town", parent=c)
                                        for c in counties for t in range(1, 11)])
    per_town = SCHOOLS_PER_COUNTY // 10
    School.objects.bulk_create([
        School(code=f"{town.code[:6]}{(int(town.code[6:]) - 1) * per_town + s:04d}", name=f"{town.name}第{s}学校（{town.code}）",
               school_type="primary", region=town, ownership="public", urban_rural="urban", students_primary=300,
               classes_primary=8)
        for town in towns for s in range(1, per_town + 1)], batch_size=5000)
    office = User.objects.create_user("office-province", password="Bench-pass-2026")
    county_office = User.objects.create_user(f"office-{COUNTY}", password="Bench-pass-2026")
    RoleAssignment.objects.bulk_create([RoleAssignment(user=office, role="office", region=province),
                                        RoleAssignment(user=county_office, role="office", region_id=COUNTY)])
    print(f"[{connection.vendor}] regions, {School.objects.count()} schools in {time.perf_counter() - start:.1f} s")

    start = time.perf_counter()
    with connection.cursor() as cursor:
        # The schools numbered 0..n-1 in code order; finding i belongs to school i % n, as in bench_rectification.
        cursor.execute("CREATE TEMP TABLE bench_school AS SELECT row_number() OVER (ORDER BY code) - 1 AS n, id, "
                       "region_id FROM schools_school")
        cursor.execute("CREATE INDEX ON bench_school (n)")
        cursor.execute("SELECT count(*) FROM bench_school")
        schools = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO rectification_finding (source, source_type, source_id, school_id, unit_id, region_code,
                category, category_label, follow_up, severity, description, requirement, responsible_person,
                due_date, raised_by_id, raised_at, status, closed_at, closed_on_time, notice_id)
            SELECT (ARRAY['visit', 'inspection', 'complaint', 'manual'])[mod(abs(hashint4(i)), 4) + 1], '', '', s.id, NULL, s.region_id,
                'r' || mod(abs(hashint4(i + 7)), 8), '类别' || mod(abs(hashint4(i + 7)), 8), 'suggestion', 1 + mod(i, 3),
                (ARRAY['食堂留样记录不全，部分餐次未留样。', '校门口护学岗人员不足。', '部分班级书面作业量偏大。',
                       '消防通道堆放杂物。', '教师师德考核档案不完整。', '体育课被占用。',
                       '校务公开栏信息更新不及时。'])[mod(i, 7) + 1], '', '',
                CURRENT_DATE + ((mod(i, 90)) - 45), %s, now() - interval '200 days' + mod(abs(hashint4(i + 11)), 288000) * interval '1 minute',
                (ARRAY['closed', 'closed', 'open', 'resolved_on_site'])[mod(abs(hashint4(i + 3)), 4) + 1],
                CASE WHEN mod(abs(hashint4(i + 3)), 4) < 2 THEN now() END,
                CASE mod(abs(hashint4(i + 3)), 4) WHEN 2 THEN NULL WHEN 3 THEN true ELSE mod(i, 5) <> 0 END, NULL
            FROM generate_series(0, %s - 1) AS i JOIN bench_school s ON s.n = mod(i, %s)
            """, [admin.pk, schools * FINDINGS_PER_SCHOOL, schools])
        # 50,000 notices (acknowledged, some overdue), each holding two open findings of its school.
        cursor.execute(
            """
            INSERT INTO rectification_rectificationnotice (number, school_id, unit_id, region_code, requirement,
                due_date, status, issued_by_id, issued_at)
            SELECT 'B' || lpad(k::text, 7, '0'), s.id, NULL, s.region_id, '', CURRENT_DATE + (mod(k, 20)) - 10,
                'acknowledged', %s, now() - interval '30 days'
            FROM generate_series(0, %s - 1) AS k JOIN bench_school s ON s.n = mod(k, %s)
            """, [admin.pk, NOTICES, schools])
        cursor.execute(
            """
            WITH numbered AS (
                SELECT f.id, f.school_id, row_number() OVER (PARTITION BY f.school_id ORDER BY f.id) AS r
                FROM rectification_finding f WHERE f.status = 'open'),
            notices AS (
                SELECT n.id, n.school_id, row_number() OVER (PARTITION BY n.school_id ORDER BY n.id) AS r
                FROM rectification_rectificationnotice n)
            UPDATE rectification_finding f SET notice_id = notices.id
            FROM numbered JOIN notices ON notices.school_id = numbered.school_id AND (numbered.r + 1) / 2 = notices.r
            WHERE f.id = numbered.id
            """)
        cursor.execute("DROP TABLE bench_school")
        cursor.execute("VACUUM ANALYZE")  # what autovacuum does soon after: statistics and the visibility map
    from dudao.rectification.models import Finding, RectificationNotice

    print(f"[{connection.vendor}] {Finding.objects.count()} findings ({Finding.objects.exclude(notice=None).count()} in "
          f"{RectificationNotice.objects.count()} notices) in {time.perf_counter() - start:.1f} s")


def timed(client, path: str) -> tuple[float, int, dict]:
    client.get(path)
    times, queries, body = [], 0, {}
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        queries, body = len(ctx), response.json()
    return statistics.median(times), queries, body


def time_pages() -> None:
    from django.contrib.auth import get_user_model

    from dudao.core.services import token_issue

    User = get_user_model()
    for who, username in (("province office", "office-province"), ("county office", f"office-{COUNTY}")):
        key, _token = token_issue(user=User.objects.get(username=username))
        client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")  # as an API client calls: a bearer token, no session
        for path in PATHS:
            ms, queries, body = timed(client, path)
            more = "+" if body["count_capped"] else ""
            print(f"[{connection.vendor}] {who} GET {path}: median {ms:.0f} ms, {queries} queries, "
                  f"{len(body['items'])} rows of {body['count']}{more}")


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("bench_findings_api measures PostgreSQL: set DATABASE_URL=postgres://…")
    if sys.argv[1:] == ["pages"]:
        call_command("migrate", "--noinput", verbosity=0)
        time_pages()
        return
    call_command("migrate", "--noinput", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    build()
    time_pages()


if __name__ == "__main__":
    main()
