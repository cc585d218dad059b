"""Results to use, for the 结果运用 tests: built with the ORM (the apps' own flows are tested in their apps).

District A (甲区): an issued 2025 inspection with a failing school (不合格, opinion issued 2025-07-10), a good one
(优秀) and a unit (合格); a 2025 annual assessment target with neither school nor unit would be a group/centre
target; a project still being scored (not pickable); a published 述职评议 with the town last (较差, the lowest level
of its framework); a decided 问责 case; a quality flag. District B: one failing school. Users: 甲区人社局 (a member
department) with a unit user `hr_a`."""

import datetime
import io
from dataclasses import dataclass

from django.utils import timezone
from PIL import Image

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.frameworks.models import Framework
from dudao.inspections.models import Inspection, InspectionStage, Opinion, Target
from dudao.rectification.models import AccountabilityCase, CaseStep, Finding, FindingSource
from dudao.regions.models import GovUnit
from dudao.reviews.models import RatingSession, Reporter, SessionStatus
from tests.conftest import PASSWORD


@dataclass
class Data:
    hr: GovUnit
    hr_b: GovUnit
    hr_user: object
    failing: Target
    good: Target
    unit_target: Target
    draft: Target
    failing_b: Target
    reporter: Reporter
    case: AccountabilityCase
    flag: Finding


def _choice(model, field):
    return model._meta.get_field(field).choices[0][0]


def _framework(w, settings=None, family="uses"):
    return Framework.objects.create(
        region=w.county_a, family=family, name="综合督导评估", kind=_choice(Framework, "kind"),
        target=_choice(Framework, "target"), definition={"nodes": [], "settings": settings or {}},
        created_by=w.office_a)


def _inspection(w, county, framework, *, stage=InspectionStage.ISSUED, name="2025年度中小学校综合督导"):
    return Inspection.objects.create(
        county=county, name=name, kind="comprehensive", framework=framework, year=2025,
        starts_on=datetime.date(2025, 4, 1), ends_on=datetime.date(2025, 6, 30), stage=stage, created_by=w.office_a)


def beijing(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour, minute))


def build(w) -> Data:
    hr = GovUnit.objects.create(code="UA-HR", name="甲区人力资源和社会保障局", kind="department", region=w.county_a)
    hr_b = GovUnit.objects.create(code="UB-HR", name="乙县人力资源和社会保障局", kind="department", region=w.county_b)
    hr_user = user_create(actor=w.admin, username="hr_a", full_name="人社局李科长", password=PASSWORD)
    role_assign(actor=w.admin, user=hr_user, role=Role.UNIT, unit=hr)
    framework = _framework(w)
    inspection = _inspection(w, w.county_a, framework)
    failing = Target.objects.create(inspection=inspection, school=w.schools_a[0], region_code=w.schools_a[0].region_id,
                                    score=55.0, level="不合格")
    Opinion.objects.create(target=failing, number="甲督意〔2025〕1号", evaluation="未达到合格要求。",
                           issued_at=beijing(datetime.date(2025, 7, 10)), updated_by=w.office_a)
    good = Target.objects.create(inspection=inspection, school=w.schools_a[1], region_code=w.schools_a[1].region_id,
                                 score=92.0, level="优秀")
    unit_target = Target.objects.create(inspection=inspection, unit=w.unit_a, region_code=w.unit_a.region_id,
                                        score=80.0, level="良好")
    draft = Target.objects.create(inspection=_inspection(w, w.county_a, framework, stage=InspectionStage.ONSITE,
                                                         name="2025年度专项督导（评分中）"),
                                  school=w.schools_a[2], region_code=w.schools_a[2].region_id, level="不合格")
    failing_b = Target.objects.create(inspection=_inspection(w, w.county_b, framework), school=w.schools_b[0],
                                      region_code=w.schools_b[0].region_id, score=40.0, level="不合格")
    session = RatingSession.objects.create(
        region=w.county_a, year=2025, title="甲区2025年度督导委员会成员单位述职评议", held_on=datetime.date(2025, 12, 20),
        framework=_framework(w, family="uses-rating", settings={"levels": [[85, "好"], [70, "较好"], [60, "一般"]], "lowest_level": "较差"}),
        status=SessionStatus.PUBLISHED, published_at=beijing(datetime.date(2025, 12, 25)), created_by=w.office_a)
    reporter = Reporter.objects.create(session=session, unit=w.unit_a, score=58.0, rank=2, level="较差")
    Reporter.objects.create(session=session, unit=hr, score=90.0, rank=1, level="好")
    case = AccountabilityCase.objects.create(
        school=w.schools_a[3], region_code=w.schools_a[3].region_id, number="甲问〔2025〕1号", target_kind="person",
        person_name="王某", person_post="园长", situation="safety", facts="安全隐患拒不整改。",
        filed_on=datetime.date(2025, 8, 1), investigation_due=datetime.date(2025, 9, 1), step=CaseStep.DECIDED,
        decision_form="criticism", decided_on=datetime.date(2025, 9, 20), created_by=w.office_a)
    flag = Finding.objects.create(
        school=w.schools_a[4], region_code=w.schools_a[4].region_id, source=FindingSource.QUALITY,
        source_type="quality_round", source_id="1:1:pass_rate", description="2025年秋季八年级监测数学：合格率 48.0%，低于 60% 的合格线。",
        raised_at=beijing(datetime.date(2025, 11, 30)))
    return Data(hr, hr_b, hr_user, failing, good, unit_target, draft, failing_b, reporter, case, flag)


def pdf_upload(name="决定.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def png_upload(name="决定.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def xlsx_upload(name="名单.xlsx"):
    """A real .xlsx (a document the platform accepts elsewhere, but not as a 运用 document)."""
    import xlsxwriter
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.add_worksheet().write(0, 0, "x")
    book.close()
    return SimpleUploadedFile(name, buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
