"""兼职督学劳务补贴 pages: scope (office, leader, inspector, school, another county), the moves by POST, the
finance sheet, hostile form input."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.workforce.models import AllowanceLine, AllowanceMonth
from dudao.workforce.services import allowances as services
from tests.workforce.allowances_fixtures import HAND_TOTAL, MONTH, YEAR, month_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def computed(world):
    return services.allowance_compute(actor=world.office_a, region=world.county_a, year=YEAR, month=MONTH)


def test_office_computes_reviews_approves_by_post(world, month, login):
    client = login(world.office_a)
    page = client.get(reverse("workforce:allowance_list"))
    assert page.status_code == 200 and "计算该月劳务补贴" in page.content.decode()
    response = client.post(reverse("workforce:allowance_compute"), {"region": world.county_a.code, "month": "2025-03"})
    result = AllowanceMonth.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("workforce:allowance_detail", args=[result.pk])
    body = client.get(response["Location"]).content.decode()
    assert "兼职甲" in body and "730.00" in body and "督导纪实：甲区第一小学" in body and "专项检查" in body
    assert "专职乙" not in body and "兼职丙" not in body
    client.post(reverse("workforce:allowance_review", args=[result.pk]))
    client.post(reverse("workforce:allowance_approve", args=[result.pk]))
    result.refresh_from_db()
    assert result.status == "approved"
    # after approval: recompute, adjust, delete refused with the reason shown
    for name, data in [("allowance_recompute", {}), ("allowance_adjust", {"inspector": month.part_time.pk,
                                                                          "amount": "5", "reason": "x"}),
                       ("allowance_delete", {})]:
        page = client.post(reverse(f"workforce:{name}", args=[result.pk]), data, follow=True)
        assert "已批准，不能再" in page.content.decode()
    result.refresh_from_db()
    assert result.status == "approved" and result.total == Decimal(HAND_TOTAL)


def test_hostile_compute_form(world, month, login):
    client = login(world.office_a)
    for data in [{"region": world.county_b.code, "month": "2025-03"}, {"region": "x" * 500, "month": "2025-03"},
                 {"region": world.county_a.code, "month": "2025-13"}, {"region": world.county_a.code, "month": "abc"},
                 {"region": world.county_a.code, "month": "2025-03-01"}, {"region": "990102001", "month": "2025-03"},
                 {}]:
        response = client.post(reverse("workforce:allowance_compute"), data, follow=True)
        assert response.status_code == 200
        assert "alert-danger" in response.content.decode() or "error" in response.content.decode()
    assert not AllowanceMonth.objects.exists()


def test_hostile_adjust_form(world, month, login):
    result = computed(world)
    client = login(world.office_a)
    url = reverse("workforce:allowance_adjust", args=[result.pk])
    for data in [{"inspector": month.other_county.pk, "amount": "5", "reason": "x"},
                 {"inspector": "99999999999999999999", "amount": "5", "reason": "x"},
                 {"inspector": month.part_time.pk, "amount": "1e9", "reason": "x"},
                 {"inspector": month.part_time.pk, "amount": "5", "reason": ""}]:
        client.post(url, data)
    assert AllowanceLine.objects.count() == 1
    client.post(url, {"inspector": month.part_time.pk, "amount": "-30", "reason": "交通重复"})
    assert AllowanceLine.objects.count() == 2
    line = AllowanceLine.objects.get(kind="adjustment")
    other = computed(world)  # same month: recomputed, adjustment kept
    assert other.pk == result.pk and AllowanceLine.objects.filter(kind="adjustment").count() == 1
    response = client.post(reverse("workforce:allowance_adjust_remove", args=[result.pk, line.pk + 1000]))
    assert response.status_code == 404


def test_scope(world, month, login):
    result = computed(world)
    detail = reverse("workforce:allowance_detail", args=[result.pk])
    # leader reads, cannot act
    client = login(world.leader_a)
    assert client.get(detail).status_code == 200
    assert "复核通过" not in client.get(detail).content.decode()
    assert client.post(reverse("workforce:allowance_review", args=[result.pk])).status_code == 404
    assert client.get(reverse("workforce:allowance_export", args=[result.pk])).status_code == 200
    # another county's office: nothing
    client = login(world.office_b)
    assert client.get(detail).status_code == 404
    assert client.post(reverse("workforce:allowance_approve", args=[result.pk])).status_code == 404
    assert "甲区" not in client.get(reverse("workforce:allowance_list")).content.decode()
    # a school: nothing
    client = login(world.principal_a)
    for url in (reverse("workforce:allowance_list"), detail, reverse("workforce:allowance_mine")):
        assert client.get(url).status_code == 404
    # the inspector: their own lines only
    client = login(world.inspector_a)
    assert client.get(detail).status_code == 404
    mine = client.get(reverse("workforce:allowance_mine")).content.decode()
    assert "730.00" in mine and "2025年3月" in mine
    result.refresh_from_db()
    assert result.status == "draft"


def test_inspector_sees_no_other_lines(world, month, login):
    from tests.workforce.allowances_fixtures import make_visit, set_rates

    make_visit(world, month.other_county, world.schools_b[0], month.visits[0].started_at, 60, user=world.office_b)
    set_rates(world.admin, world.county_b.code, visit=77)
    services.allowance_compute(actor=world.office_b, region=world.county_b, year=YEAR, month=MONTH)
    mine = login(world.inspector_a).get(reverse("workforce:allowance_mine")).content.decode()
    assert "77.00" not in mine and "154.00" not in mine


def test_finance_sheet(world, month, login):
    result = computed(world)
    services.allowance_adjust(actor=world.office_a, month=result, inspector=month.part_time, amount="-30",
                              reason="交通重复")
    response = login(world.office_a).get(reverse("workforce:allowance_export", args=[result.pk]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "甲区兼职督学劳务补贴发放表（2025年3月）"
    head = rows[2]
    assert head[:4] == ["序号", "姓名", "身份", "工作单位"] and head[-3:] == ["开户行", "账号", "签领"]
    assert "标准 50 元" in head[4]
    person = rows[3]
    assert person[1] == "兼职甲" and person[3] == "甲区第二小学" and person[4] == 2 and person[5] == 100
    assert person[15] == -30 and person[16] == 700 and person[17:] == ["", "", ""]
    total = rows[4]
    assert total[0].startswith("合计（1 人）") and total[16] == 700


def test_list_export_and_filters(world, month, login):
    computed(world)
    client = login(world.office_a)
    response = client.get(reverse("workforce:allowance_list") + "?export=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[1][:3] == ["甲区", "2025年3月", "草稿"]
    assert "2025年3月" not in client.get(reverse("workforce:allowance_list") + "?status=approved").content.decode()
    assert client.get(reverse("workforce:allowance_list") + "?status=<x>&year=abc&q=" + "长" * 300).status_code == 200
