"""The all-or-nothing Excel import of institution registry fields, keyed by 学校标识码."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dudao.core.errors import ApplicationError
from dudao.core.tabular import write_template_workbook
from dudao.schools.institution_import import SPEC, institutions_import
from dudao.schools.models import InstitutionProfile
from tests.checks._institutions import ACCOUNT, private_kindergarten, profile, training

pytestmark = pytest.mark.django_db
HEAD = [c.header for c in SPEC.columns]


def _file(rows, headers=HEAD) -> bytes:
    spec = type(SPEC)(SPEC.name, [c for c in SPEC.columns if c.header in headers])
    return write_template_workbook([spec], {SPEC.name: rows}, with_notes=False)


def _row(code, **values):
    cells = {"学校标识码": code, **values}
    return [cells.get(h, "") for h in HEAD]


def test_it_imports_every_row_or_none(world):
    first, kindergarten = training(world), private_kindergarten(world)
    profile(first)
    good = _file([
        _row(first.code, 办学许可证号="新证001", 白名单状态="已移出白名单", 资金监管银行="工商银行"),
        _row(kindergarten.code, 办学许可证号="幼证001", 发证日期="2020-01-01", 有效期至="2025-12-31",
             场所面积="300", 场所产权="租赁"),
    ])
    summary = institutions_import(actor=world.office_a, data=good, filename="机构.xlsx")
    assert summary["机构登记信息"] == {"created": 1, "updated": 1, "unchanged": 0}
    saved = InstitutionProfile.objects.get(school=first)
    assert saved.licence_no == "新证001" and saved.whitelist == "removed" and saved.fund_account == ACCOUNT
    assert InstitutionProfile.objects.get(school=kindergarten).premises_owned is False

    bad = _file([_row(first.code, 办学许可证号="不应保存", 资金监管银行="工商银行"),
                 _row(kindergarten.code, 发证日期="2025-03-01", 有效期至="2025-01-01")])
    with pytest.raises(ApplicationError) as caught:
        institutions_import(actor=world.office_a, data=bad, filename="机构.xlsx")
    assert "未导入任何数据" in caught.value.message
    assert [e.row for e in caught.value.errors] == [3] and "不能早于发证日期" in caught.value.errors[0].message
    assert InstitutionProfile.objects.get(school=first).licence_no == "新证001"
    # a row is the whole profile: a blank cell clears the field, except the fund account (kept when blank)
    with pytest.raises(ApplicationError) as caught:
        institutions_import(actor=world.office_a, data=_file([_row(first.code, 办学许可证号="X")]), filename="a.xlsx")
    assert "开户银行" in caught.value.errors[0].message
    partial = _file([[first.code, "只改证号"]], headers=["学校标识码", "办学许可证号"])
    institutions_import(actor=world.office_a, data=partial, filename="a.xlsx")  # columns left out: unchanged
    saved = InstitutionProfile.objects.get(school=first)
    assert saved.licence_no == "只改证号" and saved.whitelist == "removed" and saved.fund_bank == "工商银行"


def test_it_refuses_unknown_foreign_public_and_duplicate_codes(world):
    first = training(world)
    other = training(world, code="1990103901", name="乙县培训", town=world.schools_b[0].region)
    data = _file([_row("1234567890"), _row(other.code), _row(world.schools_a[0].code), _row(first.code),
                  _row(first.code), _row("12ab")])
    with pytest.raises(ApplicationError) as caught:
        institutions_import(actor=world.office_a, data=data, filename="机构.xlsx")
    messages = [e.message for e in caught.value.errors]
    assert sum("不在学校名录中（或不在您的管辖范围内）" in m for m in messages) >= 2 and not any("乙县培训" in m for m in messages)
    assert any("不是民办学校" in m for m in messages) and any("重复" in m for m in messages)
    assert any("10 位数字" in m for m in messages)
    assert not InstitutionProfile.objects.exists()


def test_the_page_is_for_the_office_only(world, login):
    first = training(world)
    url = reverse("checks:institution_import")
    assert login(world.principal_a).get(url).status_code == 404
    assert login(world.leader_a).get(reverse("checks:institution_import_template")).status_code == 404
    client = login(world.office_a)
    assert client.get(reverse("checks:institution_import_template")).status_code == 200
    upload = SimpleUploadedFile("机构.xlsx", _file([_row(first.code, 办学许可证号="页面导入001")]))
    assert client.post(url, {"file": upload}).status_code == 200
    assert InstitutionProfile.objects.get(school=first).licence_no == "页面导入001"
    response = client.post(url, {"file": SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not a workbook")})
    assert response.status_code == 400 and "alert-danger" in response.content.decode()
