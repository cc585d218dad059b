"""违规查处 pages (issue 23 item 4): the register form and the case page's one-URL-per-move POSTs, bad input
re-rendered as typed (400), scope (district B and a unit that is not responsible get 404), the credit record
(summary, export, the institution itself), the school page section, records made by nobody, to-dos."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from dudao.checks.models import CreditEntry, Violation, ViolationStatus, ViolationTransition
from dudao.checks.services import violations as services
from dudao.core.registries import todo_sources
from dudao.rectification.models import Finding, FindingStatus
from tests.checks.violations_data import appoint_inspector, cases

pytestmark = pytest.mark.django_db


def _case(world, c, *, actor=None, decided=False):
    v = services.violation_register(actor=actor or world.office_a, school=c.training, source="department",
                                    kind="subject_training", description="周末开设学科类培训。",
                                    found_on=timezone.localdate() - datetime.timedelta(days=2), source_note="市场监管局移送")
    v = services.violation_verify(actor=world.office_a, violation=v, verification="属实", responsible_unit=c.bureau)
    if decided:
        v = services.violation_decide(actor=c.bureau_user, violation=v, decision="罚没并记入诚信记录", requirement="停止培训",
                                      penalties=["confiscation", "credit"], confiscated_amount="5000",
                                      decided_on=timezone.localdate())
    return v


def test_register_through_the_form(world, client):
    c = cases(world)
    client.force_login(world.office_a)
    page = client.get(reverse("checks:violation_create") + f"?school={c.training.pk}")
    assert page.status_code == 200 and "甲区启明培训学校" in page.content.decode()
    assert "乙县博学培训中心" not in page.content.decode()  # district B's institution is not offered
    # a date in the future: refused, 400, what was typed is still there
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    data = {"school": c.training.pk, "kind": "fees", "source": "department", "found_on": tomorrow,
            "source_note": "市场监管局移送", "description": "收费未公示<script>x</script>"}
    bad = client.post(reverse("checks:violation_create"), data)
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "不能晚于今天" in body and "收费未公示&lt;script&gt;" in body and "市场监管局移送" in body
    # another district's institution posted by id: refused as not a choice
    bad = client.post(reverse("checks:violation_create"), data | {"school": c.training_b.pk,
                                                                  "found_on": timezone.localdate().isoformat()})
    assert bad.status_code == 400 and not Violation.objects.exists()
    ok = client.post(reverse("checks:violation_create"), data | {"found_on": timezone.localdate().isoformat()})
    v = Violation.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("checks:violation_detail", args=[v.pk])
    # the source pickers of the chosen institution (htmx fragment); another district's: nothing
    assert client.get(reverse("checks:violation_sources") + f"?school={c.training.pk}").status_code == 200
    assert "来源投诉" not in client.get(reverse("checks:violation_sources") + f"?school={c.training_b.pk}").content.decode()


def test_school_and_unit_users_cannot_register(world, client):
    c = cases(world)
    for user in (c.training_user, c.bureau_user, world.principal_a):
        client.force_login(user)
        response = client.get(reverse("checks:violation_create"))
        assert response.status_code == 302 and response["Location"] == reverse("checks:violation_list")


def test_verify_decide_close_through_the_pages(world, client):
    c = cases(world)
    v = services.violation_register(actor=world.office_a, school=c.training, source="other", kind="ahead",
                                    description="超前教学", found_on=timezone.localdate())
    client.force_login(world.office_a)
    page = client.get(reverse("checks:violation_detail", args=[v.pk])).content.decode()
    assert reverse("checks:violation_verify", args=[v.pk]) in page and reverse("checks:violation_unfounded", args=[v.pk]) in page
    # verify without a department: 400, the verification text kept
    bad = client.post(reverse("checks:violation_verify", args=[v.pk]), {"verification": "现场核实属实XYZ"})
    assert bad.status_code == 400 and "请选择负责查处的部门" in bad.content.decode() and "现场核实属实XYZ" in bad.content.decode()
    # another county's department posted by id
    bad = client.post(reverse("checks:violation_verify", args=[v.pk]), {"verification": "属实", "responsible_unit": c.bureau_b.pk})
    assert bad.status_code == 400
    client.post(reverse("checks:violation_verify", args=[v.pk]), {"verification": "属实", "responsible_unit": c.market.pk})
    assert Violation.objects.get(pk=v.pk).status == ViolationStatus.VERIFIED
    # the education bureau is not responsible: its user gets 404 on the case and on the decide URL
    client.force_login(c.bureau_user)
    assert client.get(reverse("checks:violation_detail", args=[v.pk])).status_code == 404
    assert client.post(reverse("checks:violation_decide", args=[v.pk]), {}).status_code == 404
    # the responsible department decides; a negative amount first: 400 with what was typed
    client.force_login(c.market_user)
    page = client.get(reverse("checks:violation_detail", args=[v.pk])).content.decode()
    assert "保存处理决定" in page
    form = {"decision": "责令停止并罚没", "requirement": "停止超前教学", "penalties": ["confiscation", "credit"],
            "confiscated_amount": "-100", "decided_on": timezone.localdate().isoformat(), "document_number": "甲市监罚〔2026〕8号"}
    bad = client.post(reverse("checks:violation_decide", args=[v.pk]), form)
    assert bad.status_code == 400 and "大于 0" in bad.content.decode() and "甲市监罚〔2026〕8号" in bad.content.decode()
    # the office may not verify again, a unit may not close
    assert client.post(reverse("checks:violation_decide", args=[v.pk]), form | {"confiscated_amount": "3000.00"}).status_code == 302
    v = Violation.objects.get(pk=v.pk)
    assert v.status == ViolationStatus.DECIDED and v.finding is not None
    assert client.post(reverse("checks:violation_close", args=[v.pk])).status_code == 404  # a unit: not its move
    client.force_login(world.office_a)
    bad = client.post(reverse("checks:violation_close", args=[v.pk]))
    assert bad.status_code == 400 and "整改尚未完成" in bad.content.decode()
    Finding.objects.filter(pk=v.finding_id).update(status=FindingStatus.CLOSED)
    assert client.post(reverse("checks:violation_close", args=[v.pk])).status_code == 302
    assert Violation.objects.get(pk=v.pk).status == ViolationStatus.CLOSED
    assert client.get(reverse("checks:violation_verify", args=[v.pk])).status_code == 405


def test_scope_of_the_pages(world, client):
    c = cases(world)
    v = _case(world, c, decided=True)
    allowed = (world.office_a, world.leader_a, c.bureau_user, c.training_user)
    for user in allowed:
        client.force_login(user)
        assert client.get(reverse("checks:violation_detail", args=[v.pk])).status_code == 200, user
        assert client.get(reverse("checks:credit_record", args=[c.training.pk])).status_code == 200, user
        assert "甲区启明培训学校" in client.get(reverse("checks:violation_list")).content.decode(), user
    for user in (world.office_b, c.market_user, world.principal_a, world.town_a):
        client.force_login(user)
        assert client.get(reverse("checks:violation_detail", args=[v.pk])).status_code == 404, user
        assert client.get(reverse("checks:credit_record", args=[c.training.pk])).status_code == 404, user
        assert "甲区启明培训学校" not in client.get(reverse("checks:violation_list")).content.decode(), user
        for name in ("violation_verify", "violation_unfounded", "violation_decide", "violation_close"):
            assert client.post(reverse(f"checks:{name}", args=[v.pk]), {}).status_code == 404, (user, name)
    # an inspector appointed in the county reads the credit record; a public school has none
    appoint_inspector(world)
    client.force_login(world.inspector_a)
    assert client.get(reverse("checks:credit_record", args=[c.training.pk])).status_code == 200
    client.force_login(world.office_a)
    assert client.get(reverse("checks:credit_record", args=[world.schools_a[0].pk])).status_code == 404


def test_credit_record_summary_and_export(world, client):
    c = cases(world)
    _case(world, c, decided=True)
    today = timezone.localdate()
    CreditEntry.objects.create(school=c.training, region_code=c.training.region_id, kind="annual",
                               on=today.replace(year=today.year - 4), text="2022年度年检不合格", negative=True)
    CreditEntry.objects.create(school=c.training, region_code=c.training.region_id, kind="annual",
                               on=today - datetime.timedelta(days=30), text="年度年检合格", negative=False)
    client.force_login(c.training_user)  # the institution itself
    page = client.get(reverse("checks:credit_record", args=[c.training.pk])).content.decode()
    summary = page[page.index('id="credit-summary"'):]
    assert "失信记录 <strong class=\"text-danger\">1</strong> 条" in summary  # the 4-year-old entry is not recent
    assert "全部记录 3 条（失信 2 条，守信 1 条）" in summary
    assert "依决定记入诚信记录" in page and "系统" in page  # an entry written by nobody renders
    export = client.get(reverse("checks:credit_record", args=[c.training.pk]) + "?export=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["日期", "类别", "性质"] and len(rows) == 4
    assert client.get(reverse("checks:violation_list") + "?export=xlsx").status_code == 200


def test_records_made_by_nobody_render(world, client):
    c = cases(world)
    v = _case(world, c, decided=True)
    Violation.objects.filter(pk=v.pk).update(created_by=None, verified_by=None, decided_by=None)
    ViolationTransition.objects.filter(violation=v).update(actor=None)
    CreditEntry.objects.filter(violation=v).update(created_by=None)
    client.force_login(world.office_a)
    page = client.get(reverse("checks:violation_detail", args=[v.pk]))
    assert page.status_code == 200 and "系统" in page.content.decode()
    assert client.get(reverse("checks:credit_record", args=[c.training.pk])).status_code == 200
    assert client.get(reverse("checks:violation_list")).status_code == 200


def test_school_page_section(world, client):
    c = cases(world)
    _case(world, c, decided=True)
    client.force_login(world.office_a)
    page = client.get(reverse("dashboard:school_detail", args=[c.training.pk])).content.decode()
    assert "违规查处与诚信记录" in page and reverse("checks:credit_record", args=[c.training.pk]) in page
    assert f"{reverse('checks:violation_create')}?school={c.training.pk}" in page
    page = client.get(reverse("dashboard:school_detail", args=[world.schools_a[0].pk])).content.decode()
    assert "违规查处与诚信记录" not in page  # a public school


def test_list_filters(world, client):
    c = cases(world)
    v = _case(world, c)
    client.force_login(world.office_a)
    url = reverse("checks:violation_list")
    link = reverse("checks:violation_detail", args=[v.pk])
    assert link in client.get(url + "?status=verified&kind=subject_training&source=department").content.decode()
    assert link not in client.get(url + "?status=closed").content.decode()
    assert link not in client.get(url + "?kind=fees").content.decode()
    assert link in client.get(url + f"?school={c.training.pk}&town={v.region_code}&q=学科类").content.decode()
    assert link not in client.get(url + f"?school={c.private_kg.pk}").content.decode()
    assert client.get(url + "?school=abc&town=x%00").status_code in (200, 400)


def test_todos(world):
    c = cases(world)
    sources = todo_sources()
    today = timezone.localdate()
    v = services.violation_register(actor=world.office_a, school=c.training, source="other", kind="fees",
                                    description="收费违规", found_on=today)
    assert [t.key for t in sources["checks.violation_verify"].items(world.office_a, today)] == [f"checks.violation:{v.pk}:verify"]
    assert sources["checks.violation_verify"].items(world.office_b, today) == []
    services.violation_verify(actor=world.office_a, violation=v, verification="属实", responsible_unit=c.bureau)
    todos = sources["checks.violation_decide"].items(c.bureau_user, today)
    assert len(todos) == 1 and todos[0].due == today + datetime.timedelta(days=15)
    assert sources["checks.violation_decide"].items(c.market_user, today) == []
    v = services.violation_decide(actor=c.bureau_user, violation=Violation.objects.get(pk=v.pk), decision="责令整改",
                                  requirement="公示收费", penalties=[], decided_on=today)
    assert sources["checks.violation_close"].items(world.office_a, today) == []
    Finding.objects.filter(pk=v.finding_id).update(status=FindingStatus.CLOSED)
    assert len(sources["checks.violation_close"].items(world.office_a, today)) == 1


def test_the_institution_sees_its_case_only_once_decided(world, client):
    c = cases(world)
    v = _case(world, c)  # verified, not yet decided
    client.force_login(c.training_user)
    assert client.get(reverse("checks:violation_detail", args=[v.pk])).status_code == 404
    assert reverse("checks:violation_detail", args=[v.pk]) not in client.get(reverse("checks:violation_list")).content.decode()
    services.violation_decide(actor=c.bureau_user, violation=v, decision="责令整改", requirement="停止培训",
                              penalties=["self_check"], decided_on=timezone.localdate())
    page = client.get(reverse("checks:violation_detail", args=[v.pk]))
    assert page.status_code == 200 and "保存处理决定" not in page.content.decode()
    assert "整改完成，办结" not in page.content.decode()
