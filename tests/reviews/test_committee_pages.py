"""The committee pages as each persona sees them: the office creates the committee on its first visit and edits it
(rules text rendered escaped), adds members and duties through the pages (another county's unit refused); leaders
read; a member unit's users read their own entry (本单位职责) and get 404 for another's; another county's office
gets 404; coverage flags uncovered check points; the 职责清单 exports (.xlsx keeps a formula as text, .docx renders);
the unit's 督政 results (issued only, for the unit); the planning form preselects 督导委员会会议; POST-only URLs."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from dudao.inspections.models import Inspection, Target
from dudao.reviews.models import Committee, CommitteeMember
from dudao.reviews.services import committee as services
from tests.reviews.committee_fixtures import setup_fixture  # noqa: F401 -- fixture


@pytest.fixture
def filled(world, setup):
    committee = setup["committee"]
    finance = services.member_add(actor=world.office_a, committee=committee, unit=setup["finance"],
                                  representative="王伟", post="副局长", role="vice")
    town = services.member_add(actor=world.office_a, committee=committee, unit=world.unit_a, representative="李镇长")
    services.duty_add(actor=world.office_a, member=finance, text="=HYPERLINK(\"http://evil\",\"点我\")",
                      framework=setup["framework"], item_codes=["A1B1.1"])
    services.duty_add(actor=world.office_a, member=town, text="校园周边治安", framework=setup["framework"],
                      item_codes=["A2.1"])
    return {**setup, "finance_member": finance, "town_member": town}


def test_the_office_creates_the_committee_on_its_first_visit(world, login):
    leader = login(world.leader_a).get(reverse("reviews:committee")).content.decode()
    assert "尚未在平台上建立" in leader and "<button" not in leader.split("尚未在平台上建立")[1].split("</div>")[0]
    client = login(world.office_a)
    page = client.get(reverse("reviews:committee")).content.decode()
    assert "尚未在平台上建立" in page and "建立甲区人民政府教育督导委员会" in page
    response = client.post(reverse("reviews:committee_create"), {"region": world.county_a.code})
    assert response.status_code == 302 and Committee.objects.filter(region=world.county_a).exists()
    client.post(reverse("reviews:committee_create"), {"region": world.county_b.code})  # not theirs
    assert not Committee.objects.filter(region=world.county_b).exists()


def test_the_office_edits_the_rules_and_they_render_escaped(world, login, setup):
    client = login(world.office_a)
    response = client.post(reverse("reviews:committee_edit", args=[setup["committee"].pk]), {
        "name": "甲区人民政府教育督导委员会", "established_on": "2019-03-15",
        "rules": "<script>alert('x')</script>\n第一条　{{ settings.SECRET_KEY }}"})
    assert response.status_code == 302
    page = client.get(reverse("reviews:committee")).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>第一条" in page and "<script>alert" not in page
    assert "{{ settings.SECRET_KEY }}" in page and "2019年3月15日" in page


def test_members_are_added_through_the_page_and_another_countys_unit_is_refused(world, login, setup):
    client = login(world.office_a)
    url = reverse("reviews:member_add", args=[setup["committee"].pk])
    client.post(url, {"unit": setup["other"].pk, "representative": "张三", "role": "member"})
    assert not CommitteeMember.objects.exists()
    client.post(url, {"unit": setup["finance"].pk, "representative": "王伟", "role": "vice", "post": "副局长"})
    member = CommitteeMember.objects.get()
    page = client.get(reverse("reviews:committee")).content.decode()
    assert "甲区财政局" in page and "副主任" in page and "乙县财政局" not in page
    client.post(reverse("reviews:duty_add", args=[member.pk]), {
        "text": "落实经费", "framework": setup["framework"].pk, "codes": ["A1B1.1", "A2.2"]})
    assert member.duties.get().item_codes == ["A1B1.1", "A2.2"]
    client.post(reverse("reviews:duty_add", args=[member.pk]), {
        "text": "越权", "framework": setup["framework_b"].pk, "codes": ["A1B1.1"]})
    assert member.duties.count() == 1
    detail = client.get(reverse("reviews:member_detail", args=[member.pk])).content.decode()
    assert 'value="A2.1"' in detail and "A1B1.1 教育支出只增不减" in detail


def test_leaders_read_and_never_write(world, login, filled):
    client = login(world.leader_a)
    page = client.get(reverse("reviews:committee")).content.decode()
    assert "甲区财政局" in page and "添加成员单位" not in page and "修改基本情况" not in page
    detail = client.get(reverse("reviews:member_detail", args=[filled["finance_member"].pk])).content.decode()
    assert "添加职责" not in detail and "停用" not in detail
    assert client.post(reverse("reviews:member_delete", args=[filled["finance_member"].pk])).status_code == 404


def test_a_unit_reads_its_own_entry_only(world, login, filled):
    client = login(world.town_a)
    assert client.get(reverse("reviews:committee")).url == reverse("reviews:committee_mine")
    mine = client.get(reverse("reviews:committee_mine")).content.decode()
    assert "甲二镇人民政府" in mine and "校园周边治安" in mine and "A2.1 周边治安" in mine and "甲区财政局" not in mine
    assert client.get(reverse("reviews:member_detail", args=[filled["town_member"].pk])).status_code == 200
    assert client.get(reverse("reviews:member_detail", args=[filled["finance_member"].pk])).status_code == 404
    for name in ("reviews:committee_coverage", "reviews:committee_duties_xlsx", "reviews:committee_import"):
        assert client.get(reverse(name, args=[filled["committee"].pk])).status_code == 404
    assert client.post(reverse("reviews:duty_add", args=[filled["town_member"].pk]), {"text": "x"}).status_code == 404
    assert login(world.principal_a).get(reverse("reviews:committee_mine")).status_code == 404


def test_another_countys_office_sees_nothing(world, login, filled):
    client = login(world.office_b)
    for name, pk in (("reviews:member_detail", filled["finance_member"].pk),
                     ("reviews:committee_coverage", filled["committee"].pk),
                     ("reviews:committee_duties_docx", filled["committee"].pk)):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    duty = filled["finance_member"].duties.get()
    assert client.post(reverse("reviews:duty_delete", args=[duty.pk])).status_code == 404
    page = client.get(reverse("reviews:committee")).content.decode()
    assert "乙县" in page and "甲区财政局" not in page


def test_coverage_flags_uncovered_check_points(world, login, filled):
    client = login(world.office_a)
    url = reverse("reviews:committee_coverage", args=[filled["committee"].pk])
    page = client.get(url).content.decode()
    assert "共 4 个考查要点，已有成员单位职责覆盖 2 个（50%）" in page and page.count("无成员单位覆盖") >= 2
    only = client.get(url, {"only": "uncovered"}).content.decode()
    assert "A1B1.2" in only and "A2.1" not in only
    export = client.get(url, {"export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:2] == ["考查要点编码", "考查要点"] and rows[1][3] == "甲区财政局" and rows[2][4] == "无成员单位覆盖"
    services.member_set_active(actor=world.office_a, member=filled["finance_member"], active=False)
    assert "已有成员单位职责覆盖 1 个" in client.get(url).content.decode()  # a deactivated member covers nothing


def test_the_duty_list_exports_keep_formulas_as_text(world, login, filled):
    client = login(world.office_a)
    response = client.get(reverse("reviews:committee_duties_xlsx", args=[filled["committee"].pk]))
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no cell is a formula
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "甲区财政局" and rows[1][4].startswith("=HYPERLINK") and rows[1][6] == "A1B1.1 教育支出只增不减"
    docx = client.get(reverse("reviews:committee_duties_docx", args=[filled["committee"].pk]))
    assert docx.status_code == 200 and docx["Content-Type"].endswith("wordprocessingml.document")
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        body = archive.read("word/document.xml").decode()
    assert "甲区人民政府教育督导委员会成员单位职责清单" in body and "甲二镇人民政府" in body and "校园周边治安" in body


def test_the_member_list_filters_and_exports(world, login, filled):
    client = login(world.office_a)
    page = client.get(reverse("reviews:committee"), {"role": "vice"}).content.decode()
    assert "甲区财政局" in page and "甲二镇人民政府" not in page
    page = client.get(reverse("reviews:committee"), {"q": "李镇长"}).content.decode()
    assert "甲二镇人民政府" in page and "甲区财政局" not in page
    export = client.get(reverse("reviews:committee"), {"export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert [r[1] for r in rows[1:]] == ["甲区财政局", "甲二镇人民政府"]


def test_a_units_duzheng_results_show_on_its_entry(world, login, filled):
    inspection = Inspection.objects.create(
        county=world.county_a, name="甲区2026年乡镇履行教育职责考核", kind="duzheng", framework=filled["framework"],
        year=2026, starts_on=datetime.date(2026, 3, 1), ends_on=datetime.date(2026, 6, 30), stage="self",
        created_by=world.office_a)
    Target.objects.create(inspection=inspection, unit=world.unit_a, region_code=world.unit_a.region_id, score=87.5,
                          level="良好", computed_at=timezone.now())
    url = reverse("reviews:member_detail", args=[filled["town_member"].pk])
    assert "87.5" in login(world.office_a).get(url).content.decode()
    assert "87.5" not in login(world.town_a).get(url).content.decode()  # not issued yet: the unit does not see it
    Inspection.objects.filter(pk=inspection.pk).update(stage="issued")
    assert "87.5" in login(world.town_a).get(url).content.decode()


def test_committee_meetings_are_listed_and_the_planning_form_preselects_the_kind(world, login, setup):
    from dudao.planning.services.meetings import meeting_create

    meeting_create(actor=world.office_a, region=world.county_a, kind="committee", title="督导委员会第一次全体会议",
                   starts_at=timezone.now())
    meeting_create(actor=world.office_a, region=world.county_a, kind="annual", title="年度工作会议",
                   starts_at=timezone.now())
    client = login(world.office_a)
    page = client.get(reverse("reviews:committee")).content.decode()
    assert "督导委员会第一次全体会议" in page and "年度工作会议" not in page
    form = client.get(reverse("planning:meeting_create") + "?kind=committee").content.decode()
    assert '<option value="committee" selected>' in form
    form = client.get(reverse("planning:meeting_create") + "?kind=<script>").content.decode()
    assert '<option value="annual" selected>' in form


@pytest.mark.parametrize("name", ["committee_edit", "member_add", "member_edit", "member_deactivate",
                                  "member_activate", "member_delete", "duty_add", "duty_edit", "duty_delete",
                                  "duty_up", "duty_down"])
def test_actions_are_post_only(world, login, filled, name):
    assert login(world.office_a).get(reverse(f"reviews:{name}", args=[1])).status_code == 405


@pytest.mark.parametrize(("utc", "day"), [("2026-12-04 16:30", "2026年12月5日"),   # 00:30 in Beijing
                                          ("2026-12-05 15:30", "2026年12月5日")])  # 23:30 in Beijing
def test_the_word_list_is_dated_in_beijing_and_renders_template_tags_in_data_as_text(world, login, filled, utc, day):
    import time_machine

    services.duty_add(actor=world.office_a, member=filled["town_member"], text="{{ settings.SECRET_KEY }}{% for x in y %}")
    with time_machine.travel(datetime.datetime.fromisoformat(utc).replace(tzinfo=datetime.UTC), tick=False):
        docx = login(world.office_a).get(reverse("reviews:committee_duties_docx", args=[filled["committee"].pk]))
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        body = archive.read("word/document.xml").decode()
    assert day in body and "{{ settings.SECRET_KEY }}{% for x in y %}" in body
