"""The shared building blocks: Workflow, SchoolOrUnitTarget, ScopedQuerySet.own_q/through_many, require_role, attempt."""

import datetime

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.core.models import Role
from dudao.core.web import attempt, require_role
from dudao.core.workflow import Workflow
from dudao.monitoring.models import Campaign, CampaignTask
from dudao.rectification.models import Finding

FLOW = Workflow("样例", {"a": {"b", "c"}, "b": {"c": {"office"}, "a": {"office"}}, "c": set()},
                {"a": "起草", "b": "审核", "c": "完成"}, backward={("b", "a")})


def test_workflow_refuses_undeclared_moves_naming_both_states_and_what_may_come_next():
    FLOW.check("a", "b")
    with pytest.raises(ApplicationError, match="样例当前为“完成”，不能变为“起草”（可转到：无）"):
        FLOW.check("c", "a")
    with pytest.raises(ApplicationError, match="不能变为“审核”（可转到：完成、起草）"):
        FLOW.check("b", "b")
    assert FLOW.allowed_from("b") == ["c", "a"] and FLOW.who("b", "c") == {"office"} and FLOW.who("a", "b") is None
    assert FLOW.is_backward("b", "a") and not FLOW.is_backward("a", "b")


def test_a_target_is_a_school_or_a_unit_never_both_nor_neither(world):
    common = {"source": "manual", "region_code": world.county_a.code, "description": "x", "raised_at": timezone.now()}
    for target in ({"school": world.schools_a[0], "unit": world.unit_a}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Finding.objects.create(**common, **target)
    finding = Finding.objects.create(**common, unit=world.unit_a)
    assert finding.target == world.unit_a and finding.target_name == world.unit_a.name


def test_to_many_scope_is_a_subquery_and_repeats_no_row(world):
    campaign = Campaign.objects.create(kind="balanced", county=world.county_a, name="创建", target_year=2027,
                                       created_by=world.office_a)
    for school in world.schools_a[:2]:
        CampaignTask.objects.create(campaign=campaign, title="任务", deadline=datetime.date(2027, 1, 1), school=school,
                                    region_code=school.region_id)
    seen = Campaign.objects.visible_to(world.inspector_a)  # two of the inspector's schools have a task
    assert list(seen) == [campaign] and "DISTINCT" not in str(seen.query).upper()
    assert not Campaign.objects.visible_to(world.office_b).exists()


def test_require_role_is_a_404_for_anyone_else(world):
    @require_role(Role.OFFICE)
    def page(request):
        return HttpResponse("ok")

    request = RequestFactory().get("/")
    request.user = world.office_a
    assert page(request).content == b"ok"
    request.user = world.principal_a
    with pytest.raises(Http404):
        page(request)
    request.user = world.admin
    assert page(request).status_code == 200


class _ReasonForm(forms.Form):
    reason = forms.CharField()


def test_attempt_refuses_an_invalid_form_before_writing_and_flashes_refusals():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    written = []
    assert not attempt(request, lambda: written.append(1), "完成", form=_ReasonForm({}), invalid="须写明原因。")
    assert not written

    def refuse():
        raise ApplicationError("不能这样做。")

    assert not attempt(request, refuse)
    assert attempt(request, lambda: "已保存。")
    assert [str(m) for m in get_messages(request)] == ["须写明原因。", "不能这样做。", "已保存。"]
