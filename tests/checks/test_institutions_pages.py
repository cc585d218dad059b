"""The institutions list, its Excel, the edit page and the school-profile section: scope, masking, errors."""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.checks.selectors.institutions import institution_flags
from dudao.schools.models import InstitutionProfile
from tests.checks._institutions import (
    ACCOUNT,
    annual_results,
    institution_user,
    private_kindergarten,
    profile,
    training,
    violation,
)

pytestmark = pytest.mark.django_db
LIST = reverse("checks:institution_list")
BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def _two(world):
    first = training(world)
    profile(first)
    second = private_kindergarten(world)
    other = training(world, code="1990103901", name="乙县育才培训中心", town=world.schools_b[0].region)
    profile(other, licence_no="乙县许可001")
    return first, second, other


def test_the_office_lists_its_institutions_only_with_the_account_masked(world, login):
    first, second, other = _two(world)
    page = login(world.office_a).get(LIST)
    html = page.content.decode()
    assert page.status_code == 200
    assert first.name in html and second.name in html and other.name not in html
    assert ACCOUNT not in html and "教民1401020000001号" in html
    assert world.schools_a[0].name not in html  # public schools are not institutions
    assert "未登记办学许可证" in html  # the kindergarten has no profile


def test_office_b_sees_only_its_own_and_gets_404_for_ours(world, login):
    first, _second, other = _two(world)
    client = login(world.office_b)
    html = client.get(LIST).content.decode()
    assert other.name in html and first.name not in html
    assert client.get(reverse("checks:institution_edit", args=[first.pk])).status_code == 404
    assert client.post(reverse("checks:institution_edit", args=[first.pk]), {"licence_no": "HACK"}).status_code == 404
    assert InstitutionProfile.objects.get(school=first).licence_no != "HACK"


def test_an_institution_user_sees_only_itself_and_cannot_edit(world, login):
    first, second, _other = _two(world)
    user = institution_user(world, first)
    client = login(user)
    html = client.get(LIST).content.decode()
    assert first.name in html and second.name not in html
    assert client.get(reverse("checks:institution_edit", args=[first.pk])).status_code == 404
    detail = client.get(reverse("dashboard:school_detail", args=[first.pk])).content.decode()
    assert "办学许可与登记信息" in detail and "****3445" in detail and ACCOUNT not in detail
    assert "编辑登记信息" not in detail
    assert client.get(reverse("dashboard:school_detail", args=[second.pk])).status_code == 404


def test_an_institution_counts_only_its_decided_violations(world, login):
    first, _second, _other = _two(world)
    violation(first)  # registered: not shown to the institution yet
    violation(first, status="decided")
    own = login(institution_user(world, first)).get(f"/api/v1/institutions/{first.pk}").json()
    office = login(world.office_a).get(f"/api/v1/institutions/{first.pk}").json()
    assert (own["open_violations"], office["open_violations"]) == (1, 2)


def test_a_principal_of_a_public_school_sees_an_empty_list_that_says_so(world, login):
    _two(world)
    html = login(world.principal_a).get(LIST).content.decode()
    assert "您的范围内没有民办学校" in html


def test_filters_and_search(world, login):
    first, second, _other = _two(world)
    expired = training(world, code="1990102903", name="甲区过期培训学校")
    profile(expired, licence_no="过期001", licence_valid_until=datetime.date(2020, 1, 1),
            licence_issued_on=datetime.date(2017, 1, 1), whitelist="removed")
    twice = training(world, code="1990102904", name="甲区两次不合格培训学校")
    profile(twice, licence_no="不合格001")
    annual_results(world, twice, ["fail", "pass", "fail"])
    client = login(world.office_a)

    def names(query):
        html = client.get(LIST + query).content.decode()
        return {s.name for s in (first, second, expired, twice) if s.name in html}

    assert names("?kind=training") == {first.name, expired.name, twice.name}
    assert names("?kind=private_kindergarten") == {second.name}
    assert names("?flag=expired") == {expired.name}
    assert names("?flag=missing") == {second.name}
    assert names("?flag=fail_twice") == {twice.name}
    assert names("?flag=removed") == {expired.name}
    assert names("?flag=any") == {second.name, expired.name, twice.name}
    assert names("?whitelist=removed") == {expired.name}
    assert names("?whitelist=none") == {second.name}
    assert names("?q=过期001") == {expired.name}
    assert names(f"?town={second.region_id}") == {second.name}
    assert names("?flag=nonsense&kind=evil&whitelist=x") == {first.name, second.name, expired.name, twice.name}
    assert client.get(LIST + "?q=%00").status_code == 400  # core.input_guard
    html = client.get(LIST + "?q=两次").content.decode()
    assert "2025年 不合格" in html and "年检两次不合格" in html


def test_the_excel_export_masks_the_account(world, login):
    first, _second, _other = _two(world)
    violation(first)
    violation(first, status="closed")
    response = login(world.office_a).get(LIST + "?export=xlsx")
    assert response.status_code == 200
    table = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("机构名录").to_python()
    header = table[0]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in table[1:]}
    assert rows[first.name]["资金监管账户（脱敏）"] == "****3445"
    assert rows[first.name]["未办结违规（件）"] == 1
    assert all(ACCOUNT not in str(v) for row in rows.values() for v in row.values())


def test_the_list_runs_the_same_queries_for_1_and_20_institutions(world, login):
    client = login(world.office_a)

    def make(start, n):
        for k in range(start, start + n):
            school = training(world, code=f"19901029{k:02d}", name=f"培训学校{k}")
            profile(school)
            annual_results(world, school, ["fail"])
            violation(school)

    make(10, 1)
    client.get(LIST)  # warm-up: session, to-do count cache
    with CaptureQueriesContext(connection) as one:
        assert client.get(LIST).status_code == 200
    make(20, 19)
    with CaptureQueriesContext(connection) as twenty:
        html = client.get(LIST).content.decode()
    assert "培训学校38" in html
    assert len(twenty) == len(one), [q["sql"][:120] for q in twenty.captured_queries]


def test_the_edit_page_saves_and_keeps_values_on_error(world, login):
    first, _second, _other = _two(world)
    client = login(world.office_a)
    url = reverse("checks:institution_edit", args=[first.pk])
    page = client.get(url).content.decode()
    assert ACCOUNT not in page and "****3445" in page  # the form never holds the stored account
    bad = {"licence_no": "新证号001", "licence_issued_on": "2025-03-01", "licence_valid_until": "2025-01-01",
           "scope_kind": "non_subject", "subjects": "美术、舞蹈", "legal_representative": "孙<i>立</i>",
           "fund_bank": "农业银行"}
    response = client.post(url, bad)
    html = response.content.decode()
    assert response.status_code == 400 and "不能早于发证日期" in html
    assert "新证号001" in html and "美术、舞蹈" in html and "孙&lt;i&gt;立&lt;/i&gt;" in html
    assert InstitutionProfile.objects.get(school=first).licence_no == "教民1401020000001号"
    good = {**bad, "licence_valid_until": "2028-02-28", "premises_owned": "no", "premises_area": "88"}
    assert client.post(url, good).status_code == 302
    saved = InstitutionProfile.objects.get(school=first)
    assert saved.licence_no == "新证号001" and saved.fund_account == ACCOUNT  # blank account: kept
    assert saved.premises_owned is False and saved.fund_bank == "农业银行"
    assert client.post(url, {**good, "fund_account": "12a"}).status_code == 400
    assert client.post(url, {**good, "fund_account_clear": "on", "fund_bank": ""}).status_code == 302
    assert InstitutionProfile.objects.get(school=first).fund_account == ""


def test_the_edit_page_of_a_public_school_is_404(world, login):
    client = login(world.office_a)
    assert client.get(reverse("checks:institution_edit", args=[world.schools_a[0].pk])).status_code == 404


def test_the_profile_of_a_training_institution(world, login):
    first, second, _other = _two(world)
    client = login(world.office_a)
    html = client.get(reverse("dashboard:school_detail", args=[first.pk])).content.decode()
    assert "办学许可与登记信息（校外培训机构）" in html and "编辑登记信息" in html
    assert reverse("checks:credit_record", args=[first.pk]) in html
    assert ACCOUNT not in html and "****3445" in html
    # school-only cards make no sense for a training institution
    assert "挂牌督导计数" not in html and "学生与班级" not in html and "未加入教育集团或学区" not in html
    kindergarten = client.get(reverse("dashboard:school_detail", args=[second.pk])).content.decode()
    assert "尚未登记办学许可证" in kindergarten and "学生与班级" in kindergarten
    public = client.get(reverse("dashboard:school_detail", args=[world.schools_a[0].pk])).content.decode()
    assert "办学许可与登记信息" not in public and "挂牌督导计数" in public


@pytest.mark.parametrize("hour_minute", [(0, 30), (23, 30)])
def test_a_licence_expires_the_day_after_its_last_valid_day_in_beijing(world, login, hour_minute):
    school = training(world)
    profile(school, licence_valid_until=datetime.date(2026, 6, 1))
    on_last_day = datetime.datetime(2026, 6, 1, *hour_minute, tzinfo=BEIJING)
    with time_machine.travel(on_last_day, tick=False):
        client = login(world.office_a)
        assert school.name not in client.get(LIST + "?flag=expired").content.decode()
        assert school.name in client.get(LIST + "?flag=expiring").content.decode()
        assert "badge text-bg-warning\">即将到期" in client.get(LIST).content.decode()
        assert institution_flags([school.pk]) == {school.pk: []}
    with time_machine.travel(on_last_day + datetime.timedelta(days=1), tick=False):
        client = login(world.office_a)
        html = client.get(LIST + "?flag=expired").content.decode()
        assert school.name in html and "badge text-bg-danger\">已过期" in html
        assert institution_flags([school.pk]) == {school.pk: ["expired"]}


def test_leader_and_inspector_read_but_do_not_edit(world, login):
    first, _second, _other = _two(world)
    html = login(world.leader_a).get(reverse("dashboard:school_detail", args=[first.pk])).content.decode()
    assert "办学许可与登记信息" in html and "编辑登记信息" not in html
    assert login(world.leader_a).get(reverse("checks:institution_edit", args=[first.pk])).status_code == 404
    assert login(world.expert).get(LIST).status_code == 404  # an expert has no institution list
