"""A 2025 for 甲区 with documents in several archive categories: three visits with photos (督学), a published 工作要点
and a meeting's minutes (计划总结, rendered), a 2026 visit that must stay out, and 乙县's visit that must too."""

import datetime
import os
from dataclasses import dataclass

from django.utils import timezone

from dudao.documents import files
from dudao.documents.models import StoredFile
from dudao.planning.models import Meeting, Plan, PlanSection, PlanStatus, PlanTask
from dudao.zones.models import Visit, VisitFile
from tests.zones.conftest import make_inspector

BJ = datetime.timezone(datetime.timedelta(hours=8))


def blob(actor, name: str, data: bytes) -> StoredFile:
    sha = files.sha256_of(data)
    path = files.write_blob(sha, data, os.path.splitext(name)[1])
    return StoredFile.objects.create(sha256=sha, size=len(data), content_type="image/jpeg", kind="image",
                                     original_name=name, path=path, uploaded_by=actor)


def jpeg_like(seed: int, size: int) -> bytes:
    """Bytes that start like a JPEG and do not compress (random), `size` long, reproducible from `seed`."""
    import random

    rng = random.Random(seed)
    return b"\xff\xd8\xff\xe0" + rng.randbytes(size - 4)


def visit(inspector, school, when: datetime.datetime, actor) -> Visit:
    return Visit.objects.create(inspector=inspector, school=school, started_at=when,
                                ended_at=when + datetime.timedelta(hours=2), minutes_on_site=120,
                                narrative="听课两节。", created_by=actor)


@dataclass
class YearData:
    inspector: object
    visits: list
    files: list  # StoredFile of the 2025 visits of 甲区, in date order
    plan: Plan
    meeting: Meeting


def make_year(world, year: int = 2025) -> YearData:
    inspector = make_inspector(world.office_a, world.county_a, "DX901", "督学甲", user=world.inspector_a)
    other = make_inspector(world.office_b, world.county_b, "DX902", "督学乙")
    visits, stored = [], []
    for i, (month, day, school) in enumerate([(3, 5, 0), (6, 18, 1), (12, 31, 2)]):
        # the last one at 23:30 Beijing time on 31 December: still 2025 (15:30 UTC)
        when = datetime.datetime(year, month, day, 23 if month == 12 else 9, 30, tzinfo=BJ)
        v = visit(inspector, world.schools_a[school], when, world.inspector_a)
        f = blob(world.inspector_a, f"照片{i + 1}.jpg", jpeg_like(i, 30_000 + 1000 * i))
        VisitFile.objects.create(visit=v, file=f, sha256=f.sha256, caption=f"第{i + 1}张")
        visits.append(v)
        stored.append(f)
    # 00:30 Beijing time on 1 January of the next year (16:30 UTC on 31 December): not this year
    late = visit(inspector, world.schools_a[0], datetime.datetime(year + 1, 1, 1, 0, 30, tzinfo=BJ), world.inspector_a)
    f = blob(world.inspector_a, "次年.jpg", jpeg_like(99, 5000))
    VisitFile.objects.create(visit=late, file=f, sha256=f.sha256)
    elsewhere = visit(other, world.schools_b[0], datetime.datetime(year, 5, 1, 9, tzinfo=BJ), world.office_b)
    f = blob(world.office_b, "乙县.jpg", jpeg_like(98, 5000))
    VisitFile.objects.create(visit=elsewhere, file=f, sha256=f.sha256)

    plan = Plan.objects.create(region=world.county_a, year=year, title=f"甲区{year}年教育督导工作要点",
                               number=f"甲督〔{year}〕1号", status=PlanStatus.PUBLISHED,
                               published_at=datetime.datetime(year, 2, 10, 10, tzinfo=BJ), created_by=world.office_a)
    section = PlanSection.objects.create(plan=plan, order=1, title="一、督学", area="duxue")
    PlanTask.objects.create(plan=plan, section=section, order=1, text="开展责任督学挂牌督导", owner_label="督学科",
                            months=[3, 4], due_date=datetime.date(year, 6, 30))
    meeting = Meeting.objects.create(region=world.county_a, kind="annual", title=f"{year}年度督导工作会议",
                                     starts_at=datetime.datetime(year, 1, 20, 9, tzinfo=BJ), minutes="部署全年工作。",
                                     created_by=world.office_a)
    return YearData(inspector, visits, stored, plan, meeting)


def frozen_now() -> datetime.datetime:
    """10 March 2026, 10:00 Beijing time: 2025 is over, 2026 is the current year."""
    return datetime.datetime(2026, 3, 10, 10, 0, tzinfo=BJ)


def today() -> datetime.date:
    return timezone.localdate()
