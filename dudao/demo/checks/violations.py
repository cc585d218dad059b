"""Demo: violations (issue 23). One violation of a demo training institution (the one demo_training belongs to,
else the first of the county): 违规开展学科类培训, registered by the office (from a complaint about it if the demo
has one, else 区市场监管局移送), verified with the 教育委员会 (demo_bureau's unit) responsible, decided by
demo_bureau with 罚没违法所得 and 记入诚信记录; the finding goes to the ledger and the credit entry is written.
Everything through the services; dates relative to today (Beijing), deterministic."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.checks.services import violations as services
from dudao.core.models import Role, RoleAssignment
from dudao.regions.models import GovUnit
from dudao.schools.models import School, SchoolType
from dudao.zones.models import Complaint


def _institution(county) -> School | None:
    own = RoleAssignment.objects.filter(user__username="demo_training", role=Role.SCHOOL,
                                        school__school_type=SchoolType.TRAINING).values_list("school_id", flat=True).first()
    training = School.objects.filter(school_type=SchoolType.TRAINING, region__code__startswith=county.code)
    return training.filter(pk=own).first() if own else training.order_by("code").first()


def load(*, admin, office_user, county) -> None:
    school = _institution(county)
    bureau_user = get_user_model().objects.filter(username="demo_bureau").first()
    bureau = GovUnit.objects.filter(pk__in=RoleAssignment.objects.filter(user=bureau_user, role=Role.UNIT)
                                    .values("unit_id")).first() if bureau_user else None
    if school is None or bureau is None:
        return
    today = timezone.localdate()
    complaint = Complaint.objects.filter(school=school).order_by("received_at", "id").first()
    violation = services.violation_register(
        actor=office_user, school=school, source="complaint" if complaint else "department", complaint=complaint,
        source_note="" if complaint else "区市场监管局移送（市监移〔2026〕12号）", kind="subject_training",
        description="该机构在寒暑假及周末以“思维拓展”名义开设初中数学、英语学科类培训班 3 个，在读学生 46 人，"
                    "按课时收费。", found_on=today - datetime.timedelta(days=20))
    violation = services.violation_verify(
        actor=office_user, violation=violation, responsible_unit=bureau,
        verification="督导室会同区市场监管局现场检查，查见课程表、收费收据和学员名册，情况属实。")
    services.violation_decide(
        actor=bureau_user, violation=violation, decision="责令立即停止违规学科类培训，退还未上课时费用；没收违法所得；"
                                                          "记入机构诚信记录，一年内不得参加评优评先。",
        requirement="停止全部学科类培训班，向学员家长退还未上课时费用，提交整改报告及退费凭证。",
        penalties=["confiscation", "credit"], confiscated_amount="18600.00",
        document_number=f"{bureau.name[:2]}教罚〔{today.year}〕3号", decided_on=today - datetime.timedelta(days=10))
