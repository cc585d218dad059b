"""督导意见书 文号 and dates are Beijing dates: issued at 00:30 on New Year's Day they carry the new year."""

import datetime
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from dudao.inspections import opinions
from dudao.inspections.models import Opinion
from tests.inspections.conftest import ready


def test_opinions_issued_at_0030_on_new_years_day_carry_the_new_year(world, project, expert_user):
    targets = ready(world, project, expert_user)
    now = datetime.datetime(2027, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # 2026-12-31 16:30 UTC
    # The draft as opinion_save leaves it in 意见反馈 (the workflow up to there is tested in test_services).
    Opinion.objects.create(target=targets[0], evaluation="办学规范，管理有序。", strengths="课后服务丰富。",
                           updated_by=world.office_a, problems=[
                               {"text": "作业公示不到位。", "requirement": "每周公示。", "due_date": "2027-03-31"}])
    with time_machine.travel(now, tick=False):
        opinions.opinions_issue(actor=world.office_a, inspection=project, now=timezone.now())  # UTC, as in use
        opinion = Opinion.objects.get(target=targets[0])
        context = opinions.opinion_context(opinion)
    assert opinion.number.startswith("甲区督意〔2027〕")
    assert context["issued_on"] == "2027年1月1日"
    assert context["problems"][0]["due_on"] == "2027年3月31日"
