"""Materials for the 简报 tests: visits with and without 亮点, an inspection whose 意见书 are issued, publications and
大事记 entries in district A (and one of each kind in district B, which A's office must never pick)."""

import datetime
import io
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.frameworks import services as frameworks
from dudao.inspections import services as inspections
from dudao.inspections.models import Inspection, Opinion, Target
from dudao.planning.models import ChronicleEntry, ChronicleStatus
from dudao.rectification.followup import publication_publish
from dudao.zones.models import Visit
from tests.zones.conftest import make_inspector


@dataclass
class Materials:
    visit: Visit
    plain_visit: Visit
    visit_b: Visit
    inspection: Inspection
    publication: object
    publication_b: object
    chronicle: ChronicleEntry
    proposed: ChronicleEntry
    chronicle_b: ChronicleEntry


def _visit(inspector, school, highlights: str, days_ago: int = 1, *, by) -> Visit:
    start = timezone.now() - datetime.timedelta(days=days_ago)
    return Visit.objects.create(
        client_id=uuid.uuid4(), inspector=inspector, school=school, started_at=start,
        ended_at=start + datetime.timedelta(hours=3), minutes_on_site=180, methods={"lessons": 2}, items=["r1"],
        narrative="听课两节。", highlights=highlights, created_by=by)


def issued_inspection(world, *, name="甲区2026年综合督导", scores=((93.5, "优秀"), (81.0, "良好"), (88.25, "良好"))):
    framework = frameworks.framework_from_template(actor=world.office_a, region=world.county_a, template_code="zone")
    framework = frameworks.framework_freeze(actor=world.office_a, framework=framework)
    today = timezone.localdate()
    inspection = inspections.inspection_create(actor=world.office_a, county=world.county_a, name=name,
                                               kind="comprehensive", framework=framework, year=today.year,
                                               starts_on=today - datetime.timedelta(days=30), ends_on=today)
    targets = inspections.targets_add(actor=world.office_a, inspection=inspection, schools=world.schools_a[:len(scores)])
    for target, (score, level) in zip(targets, scores, strict=True):
        Target.objects.filter(pk=target.pk).update(score=score, level=level)
        Opinion.objects.create(target=target, evaluation="总体良好。", issued_at=timezone.now() - datetime.timedelta(days=2),
                               updated_by=world.office_a)
    Inspection.objects.filter(pk=inspection.pk).update(stage="issued")
    return Inspection.objects.get(pk=inspection.pk)


@pytest.fixture(name="materials")
def materials_fixture(world) -> Materials:
    inspector = make_inspector(world.office_a, world.county_a, "DX001", "督学甲", user=world.inspector_a)
    inspector_b = make_inspector(world.office_b, world.county_b, "DX101", "督学丙")
    visit = _visit(inspector, world.schools_a[0], "课后服务开设科创、体育等课程三十余门，学生参与率高。",
                   by=world.inspector_a)
    plain = _visit(inspector, world.schools_a[1], "", days_ago=2, by=world.inspector_a)
    visit_b = Visit.objects.create(
        client_id=uuid.uuid4(), inspector=inspector_b, school=world.schools_b[0], started_at=timezone.now(),
        ended_at=timezone.now(), minutes_on_site=60, methods={}, items=[], narrative="乙县督导。",
        highlights="乙县的亮点。", created_by=world.office_b)
    today = timezone.localdate()
    publication = publication_publish(actor=world.office_a, kind="result", region_code=world.county_a.code,
                                      title="甲区综合督导结果", body="甲区综合督导结果如下：优秀 1 所。")
    publication_b = publication_publish(actor=world.office_b, kind="result", region_code=world.county_b.code,
                                        title="乙县督导结果", body="乙县的结果。")
    chronicle = ChronicleEntry.objects.create(region=world.county_a, day=today, title="召开年度督导工作会议",
                                              text="部署全年督导工作。", status=ChronicleStatus.ACCEPTED)
    proposed = ChronicleEntry.objects.create(region=world.county_a, day=today, title="待确认的事件",
                                             status=ChronicleStatus.PROPOSED, event_key="x:1")
    chronicle_b = ChronicleEntry.objects.create(region=world.county_b, day=today, title="乙县大事",
                                                status=ChronicleStatus.ACCEPTED)
    return Materials(visit, plain, visit_b, issued_inspection(world), publication, publication_b, chronicle, proposed,
                     chronicle_b)


def pdf_upload(name="报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def exe_as_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("简报.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, content_type="application/pdf")


def docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
