"""Benchmark for the 专项检查 outputs (issue 23, area outputs): the 检查报告 (.docx and .pdf), the leader summary, the
通报 draft and the cockpit section, for rounds of 300 targets (a county), 3,000 (over the ~2,000 where rendering in
the request deserves a number) and 20,000 (a province: 60,000 answers, 10% failed with photo metadata).

Each round: 3 checklist items (one 一票否决), every target checked; 10% of the answers failed, half of those settled
on the spot, each failed answer with a photo (StoredFile rows sharing one small JPEG blob, so the thumbnail is made
once) and a finding id left empty (the report reads counts, not findings). Targets spread over 20 towns per county
and one inspector per 30 schools.

Run: .venv/bin/python bench/bench_checks_outputs.py                    (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_outputs_bench .venv/bin/python bench/bench_checks_outputs.py
     ... bench_checks_outputs.py --sizes 300,3000          (only those sizes)
Prints the median of 3 runs (after one warm-up) of each output, with its query count.
"""

import argparse
import datetime
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_checks_outputs.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

RUNS = 3
TOWNS_PER_COUNTY = 20
SCHOOLS_PER_INSPECTOR = 30


def jpeg_bytes() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (180, 60, 60)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def build(admin, size: int, tag: int):
    from dudao.checks.models import CheckAnswer, CheckItem, CheckRound, CheckSubmission, CheckTarget
    from dudao.documents import files
    from dudao.documents.models import StoredFile
    from dudao.people.models import Inspector
    from dudao.regions.models import Region
    from dudao.schools.models import School

    province = Region.objects.get_or_create(code="990000", defaults={"name": "示范省", "level": "province"})[0]
    city = Region.objects.get_or_create(code="990100", defaults={"name": "示范市", "level": "city",
                                                                 "parent": province})[0]
    counties = max(1, size // 2000)
    region = city if counties > 1 else None
    made = []
    first = Region.objects.filter(level="county").count() + 1
    for c in range(counties):
        code = f"9901{first + c:02d}"  # under the city 990100 (prefix 9901)
        county = Region.objects.create(code=code, name=f"第{tag}-{c}区", level="county", parent=city)
        made.append(county)
        region = region or county
    towns = Region.objects.bulk_create([Region(code=f"{c.code}{t:03d}", name=f"{c.name}第{t}镇", level="town", parent=c)
                                        for c in made for t in range(1, TOWNS_PER_COUNTY + 1)])
    schools = School.objects.bulk_create([School(
        code=f"{tag:02d}{n:08d}", name=f"测试学校{tag}-{n}", school_type="primary", ownership="public", urban_rural="urban",
        region=towns[n % len(towns)]) for n in range(size)], batch_size=5000)
    inspectors = Inspector.objects.bulk_create([Inspector(
        card_no=f"B{tag:02d}{n:06d}", name=f"督学{tag}-{n}", phone="13900000000", kind="parttime", source="teacher",
        region=made[n % len(made)], appointed_on=datetime.date(2020, 9, 1), term_start=datetime.date(2020, 9, 1))
        for n in range(max(1, size // SCHOOLS_PER_INSPECTOR))], batch_size=5000)
    check_round = CheckRound.objects.create(
        region=region, title=f"{region.name}节前安全稳定专项检查（{size} 所）", kind="holiday_safety", status="closed",
        starts_on=datetime.date(2026, 12, 1), ends_on=datetime.date(2026, 12, 15), created_by=admin)
    items = CheckItem.objects.bulk_create([
        CheckItem(round=check_round, order=1, text="消防通道畅通，无杂物堆放", veto=True, photo_required=True,
                  finding_text="消防通道堆放杂物"),
        CheckItem(round=check_round, order=2, text="食堂留样记录完整", finding_text="食堂留样记录不全"),
        CheckItem(round=check_round, order=3, text="门卫值守和外来人员登记落实", finding_text="门卫值守不落实")])
    now = timezone.now()
    targets = CheckTarget.objects.bulk_create([CheckTarget(
        round=check_round, school=s, region_code=s.region_id, inspector=inspectors[n % len(inspectors)],
        status="done", done_at=now) for n, s in enumerate(schools)], batch_size=5000)
    submissions = CheckSubmission.objects.bulk_create([CheckSubmission(
        target=t, inspector_id=t.inspector_id, submitted_by=admin, submitted_at=now) for t in targets], batch_size=5000)
    data = jpeg_bytes()
    digest = files.sha256_of(data)
    path = files.write_blob(digest, data)
    failed_total = size * len(items) // 10
    photos = StoredFile.objects.bulk_create([StoredFile(
        sha256=digest, size=len(data), content_type="image/jpeg", kind="image", original_name="现场照片.jpg", path=path,
        thumb_path=files.thumbnail_path(digest), width=1600, height=1200, uploaded_by=admin)
        for _ in range(failed_total)], batch_size=5000)
    answers, k = [], 0
    for n, submission in enumerate(submissions):
        for item in items:
            failed = (n * len(items) + item.order) % 10 == 0 and k < failed_total
            answers.append(CheckAnswer(submission=submission, item=item, value="no" if failed else "yes", failed=failed,
                                       note="楼梯间堆放桌椅。" if failed else "",
                                       photo=photos[k] if failed else None, settled_on_spot=failed and k % 2 == 0))
            k += failed
    CheckAnswer.objects.bulk_create(answers, batch_size=5000)
    return check_round, region, len(answers), k


def timed(fn):
    fn()
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - start)
        queries = len(captured)
    return statistics.median(times), queries, result


def main():
    from django.contrib.auth import get_user_model

    from dudao.checks.cockpit import outputs_metrics
    from dudao.checks.models import CheckRound
    from dudao.checks.selectors import outputs as selectors
    from dudao.core.registries import CockpitChild
    from dudao.regions.models import Region

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="300,3000,20000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    connections.close_all()
    db = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite" and Path(db).exists():
        Path(db).unlink()
    call_command("migrate", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    admin = get_user_model().objects.create_superuser("admin", password="Bench-pass-2026")
    print(f"database: {connection.vendor}")
    for tag, size in enumerate(sizes, start=1):
        start = time.perf_counter()
        check_round, region, answers, failed = build(admin, size, tag)
        check_round = CheckRound.objects.select_related("region", "bulletin").get(pk=check_round.pk)
        print(f"\n{size:,} targets, {answers:,} answers ({failed:,} failed with a photo): built in "
              f"{time.perf_counter() - start:.1f} s")
        children = tuple(CockpitChild(r.code, r.name, region_code=r.code)
                         for r in Region.objects.filter(parent_id=region.code).order_by("code"))
        for label, fn in (
                ("report figures (report_facts)", lambda r=check_round: selectors.report_facts(r)),
                ("leader summary (computed)", lambda r=check_round: selectors.computed_summary(r)),
                ("通报 draft", lambda r=check_round: selectors.bulletin_draft(r)),
                ("检查报告 .docx", lambda r=check_round: selectors.report_docx(r)),
                ("检查报告 .pdf", lambda r=check_round: selectors.report_pdf(r)),
                ("cockpit section 专项检查", lambda c=region.code, k=children: outputs_metrics(c, 2026, k))):
            seconds, queries, result = timed(fn)
            extra = f", {len(result) / 1024:.0f} KB" if isinstance(result, bytes) else ""
            print(f"  {label}: {seconds * 1000:,.0f} ms, {queries} queries{extra}")


if __name__ == "__main__":
    main()
