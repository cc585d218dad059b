"""Benchmark for the 督导委员会 (issue 21 item 2): a committee far larger than a real one — 200 member units with
5 duties each (1,000 duties), each duty linked to 3 of the 500 check points of a 督政 framework — the committee page,
a member's page, the coverage page and its export, the 职责清单 exports (.xlsx, .docx), and the import of a workbook
of 200 members and 2,000 duty rows (the import's row limit) with codes checked against the framework.

Run: .venv/bin/python bench/bench_reviews_committee.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_committee .venv/bin/python bench/bench_reviews_committee.py
Prints its figures (median of 5 requests after one warm-up, and the query count).
"""

import io
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_reviews_committee.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

RUNS = 5
MEMBERS, DUTIES, AREAS, KEYS, POINTS = 200, 5, 10, 10, 5  # 10 × 10 × 5 = 500 check points


def definition() -> dict:
    return {"nodes": [{"code": f"A{a}", "name": f"方面{a}", "weight": 10, "children": [
        {"code": f"A{a}B{b}", "name": f"关键指标{a}.{b}", "weight": 10, "children": [
            {"code": f"A{a}B{b}.{p}", "name": f"考查要点{a}.{b}.{p}", "weight": 20} for p in range(1, POINTS + 1)]}
        for b in range(1, KEYS + 1)]} for a in range(1, AREAS + 1)]}


def codes_for(i: int) -> list[str]:
    return [f"A{1 + (i + k) % AREAS}B{1 + (i // AREAS + k) % KEYS}.{1 + (i + 2 * k) % POINTS}" for k in range(3)]


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

    from dudao.core.models import Role
    from dudao.core.services import role_assign, user_create
    from dudao.core.tabular import write_template_workbook
    from dudao.frameworks.services import framework_create
    from dudao.regions.models import GovUnit, Region
    from dudao.reviews.models import CommitteeMember, MemberDuty
    from dudao.reviews.services import committee as services

    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    province = Region.objects.create(code="990000", name="示范省", level="province")
    city = Region.objects.create(code="990100", name="示范市", level="city", parent=province)
    county = Region.objects.create(code="990102", name="示范区", level="county", parent=city)
    office = user_create(actor=admin, username="office", full_name="督导室", password="Bench-pass-2026")
    role_assign(actor=admin, user=office, role=Role.OFFICE, region=county)
    framework = framework_create(actor=office, region=county, name="督政评价", kind="duzheng", target="unit",
                                 definition=definition())
    units = GovUnit.objects.bulk_create([GovUnit(code=f"UB{i:04d}", name=f"示范区部门{i}", kind="department",
                                                 region=county) for i in range(MEMBERS)])
    committee = services.committee_create(actor=office, region=county)
    members = CommitteeMember.objects.bulk_create([CommitteeMember(
        committee=committee, unit=u, representative=f"委员{i}", post="副局长", position=i) for i, u in enumerate(units)])
    MemberDuty.objects.bulk_create([MemberDuty(member=m, text=f"职责{i}.{d}：落实教育相关工作。" * 3, framework=framework,
                                               item_codes=codes_for(i * DUTIES + d), position=d)
                                    for i, m in enumerate(members) for d in range(1, DUTIES + 1)])
    load = os.getloadavg()
    print(f"[{vendor}] load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    client = Client()
    client.force_login(office)
    for label, path in [
            ("committee page (page of 50 members)", "/reviews/committee/"),
            ("members export .xlsx (200)", "/reviews/committee/?export=xlsx"),
            ("member page (5 duties, 500 choices)", f"/reviews/committee/members/{members[0].pk}/"),
            ("coverage page (500 points, 1,000 duties)", f"/reviews/committee/{committee.pk}/coverage/"),
            ("coverage export .xlsx", f"/reviews/committee/{committee.pk}/coverage/?export=xlsx"),
            ("职责清单 .xlsx (1,000 duties)", f"/reviews/committee/{committee.pk}/duties.xlsx"),
            ("职责清单 .docx (1,000 duties)", f"/reviews/committee/{committee.pk}/duties.docx")]:
        median, slowest, queries = timed(client, path)
        print(f"[{vendor}] {label:42s} median {median:8.1f} ms  max {slowest:8.1f} ms  {queries} queries")
    data = write_template_workbook(services.SPECS, {
        "成员单位": [[u.code, u.name, f"委员{i}", "副局长", "成员", i] for i, u in enumerate(units)],
        "职责清单": [[units[r % MEMBERS].code, f"导入职责{r}", "、".join(codes_for(r))] for r in range(2000)]},
        with_notes=False)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        result = services.committee_import(actor=office, committee=committee, data=io.BytesIO(data).getvalue(),
                                           filename="成员.xlsx", framework=framework.pk)
    print(f"[{vendor}] {'import 200 members + 2,000 duties':42s} {(time.perf_counter() - started) * 1000:8.1f} ms  "
          f"{len(ctx)} queries  ({result.updated} updated, {result.duties} duties)")


if __name__ == "__main__":
    main()
