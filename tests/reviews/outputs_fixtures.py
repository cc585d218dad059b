"""A review with indicators, assignments and accepted evidence made directly with the ORM (the upward area builds the
real flow), for the outputs tests: 自评报告, 印证材料, 日程, 问题清单, 复查."""

import datetime
import hashlib
import io
import zipfile

import pytest
from django.utils import timezone

from dudao.documents import files
from dudao.documents.models import FileKind, StoredFile
from dudao.regions.models import GovUnit
from dudao.reviews.models import (
    Assignment,
    AssignmentStatus,
    Evidence,
    EvidenceDecision,
    Review,
    ReviewIndicator,
    ReviewKind,
    ReviewLevel,
)


@pytest.fixture(autouse=True)
def outputs_media(settings, tmp_path):
    """Stored files under the test's own folder (autouse in every module that imports it)."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(data: bytes, name: str, *, actor=None) -> StoredFile:
    sha = hashlib.sha256(data).hexdigest()
    path = files.write_blob(sha, data)
    return StoredFile.objects.create(sha256=sha, size=len(data), content_type="application/pdf",
                                     kind=FileKind.DOCUMENT, original_name=name, path=path, uploaded_by=actor)


def make_review(world, *, title="示范市2026年对甲区人民政府履行教育职责评价", word_limit=5000, year=2026,
                kind=ReviewKind.DUTIES, region=None) -> Review:
    return Review.objects.create(region=region or world.county_a, title=title, level=ReviewLevel.CITY, kind=kind,
                                 body="示范市人民政府教育督导委员会办公室", year=year, word_limit=word_limit,
                                 created_by=world.office_a)


def finance_unit(world) -> GovUnit:
    unit, _ = GovUnit.objects.get_or_create(code="UA02", defaults={
        "name": "甲区财政局", "kind": "department", "region": world.county_a})
    return unit


def indicator(review, code, text, *, parent=None, position=0, weight=None, score=None) -> ReviewIndicator:
    return ReviewIndicator.objects.create(review=review, parent=parent, code=code, text=text, position=position,
                                          weight=weight, self_score=score)


def assign(indicator, *, unit=None, user=None, by, status=AssignmentStatus.PENDING) -> Assignment:
    return Assignment.objects.create(indicator=indicator, unit=unit, user=user, due_on=datetime.date(2026, 6, 1),
                                     assigned_by=by, status=status)


def evidence(assignment, statement, stored_files=(), *, by, version=1, decision=EvidenceDecision.ACCEPTED) -> Evidence:
    item = Evidence.objects.create(assignment=assignment, version=version, statement=statement, submitted_by=by,
                                   decision=decision, decided_by=by if decision != EvidenceDecision.PENDING else None,
                                   decided_at=timezone.now() if decision != EvidenceDecision.PENDING else None)
    item.files.set(stored_files)
    if decision == EvidenceDecision.ACCEPTED:
        assignment.status = AssignmentStatus.ACCEPTED
        assignment.save(update_fields=["status"])
    return item


def review_with_evidence(world) -> Review:
    """甲区's review: 一 (parent) with 1.1 (unit_a and 财政局, both accepted) and 1.2 (财政局: returned v1, accepted v2),
    2.1 assigned to 财政局 but nothing accepted, 2.2 not assigned."""
    review = make_review(world)
    finance = finance_unit(world)
    one = indicator(review, "1", "政府职责", position=1, weight=60)
    i11 = indicator(review, "1.1", "落实教育优先发展战略地位，教育经费“两个只增不减”", parent=one, position=2, weight=30,
                    score=28)
    i12 = indicator(review, "1.2", "教师培训经费", parent=one, position=3, weight=30, score=25.5)
    two = indicator(review, "2", "保障条件", position=4, weight=40)
    i21 = indicator(review, "2.1", "学校体育场地", parent=two, position=5, weight=20)
    indicator(review, "2.2", "校舍安全", parent=two, position=6, weight=20)
    a1 = assign(i11, unit=world.unit_a, by=world.office_a)
    evidence(a1, "甲二镇按时足额拨付教育经费。", [stored(b"%PDF-1.4 town budget", "镇级经费.pdf")], by=world.town_a)
    a2 = assign(i11, unit=finance, by=world.office_a)
    evidence(a2, "区财政局：教育经费逐年增长。", [stored(b"%PDF-1.4 county budget", "决算表.pdf"),
                                                   stored(b"%PDF-1.4 county budget 2", "决算表.pdf")], by=world.office_a)
    a3 = assign(i12, unit=finance, by=world.office_a)
    evidence(a3, "旧版：不采用。", [stored(b"%PDF-1.4 old", "旧.pdf")], by=world.office_a,
             decision=EvidenceDecision.RETURNED)
    evidence(a3, "教师培训经费占公用经费 5%。", [stored(b"%PDF-1.4 training", "培训经费.pdf")], by=world.office_a, version=2)
    assign(i21, unit=finance, by=world.office_a)
    return review


def read_zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))
