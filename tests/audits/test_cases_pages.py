"""内审 list and plan pages: create and approve a plan through the forms (outside the range only with a reason),
the leader reads without the office's buttons, the Excel export, POST-only actions refuse a GET."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.audits.models import AuditPlan
from tests.audits.cases_data import make_case

pytestmark = pytest.mark.django_db


def test_plan_through_the_pages(world, login):
    office = login(world.office_a)
    year = timezone.localdate().year
    response = office.post(reverse("audits:plan_create"), {"region": world.county_a.code, "year": year}, follow=True)
    assert "年度审计计划已建立" in response.content.decode()
    the_plan = AuditPlan.objects.get()
    make_case(world, the_plan)
    page = office.get(reverse("audits:case_list")).content.decode()
    assert "少于每年 5 名" in page and "批准计划" in page
    response = office.post(reverse("audits:plan_approve", args=[the_plan.pk]), follow=True)
    assert "请填写说明后再批准" in response.content.decode()
    the_plan.refresh_from_db()
    assert the_plan.status == "draft"
    office.post(reverse("audits:plan_approve", args=[the_plan.pk]), {"deviation_reason": "只有 1 名离任校长"})
    the_plan.refresh_from_db()
    assert the_plan.status == "approved"
    # the region of another district is refused
    response = office.post(reverse("audits:plan_create"), {"region": world.county_b.code, "year": year}, follow=True)
    assert "只有本区（县）督导室" in response.content.decode() and AuditPlan.objects.count() == 1
    export = office.get(reverse("audits:case_list") + "?export=xlsx")
    assert export.status_code == 200 and "spreadsheet" in export["Content-Type"]
    assert office.get(reverse("audits:plan_approve", args=[the_plan.pk])).status_code == 405


def test_leader_reads_without_the_office_buttons(world, login):
    the_plan = AuditPlan.objects.create(region=world.county_a, year=timezone.localdate().year)
    make_case(world, the_plan)
    page = login(world.leader_a).get(reverse("audits:case_list")).content.decode()
    assert "王建国" in page and "批准计划" not in page and "新建年度计划" not in page and "登记审计事项" not in page
    assert login(world.leader_a).post(reverse("audits:plan_approve", args=[the_plan.pk])).status_code == 404
    assert login(world.office_b).get(reverse("audits:case_list")).content.decode().count("王建国") == 0
