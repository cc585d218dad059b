"""Round pages: list (filters, search, export, scope), create form (rows, selections, list import, errors), the
round page (draw record, drawn subject hidden from schools before the test date, Beijing day), POST actions."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.quality.models import Round, RoundStatus, SubjectKind
from dudao.quality.services import rounds as services
from tests.quality.factories import school_year, service_round


def _form(**extra) -> dict:
    year = school_year()
    data = {"region": "990102", "title": "甲区八年级监测", "year": year, "term": "autumn", "grade": 8,
            "test_date": f"{year}-11-20", "selection": "type", "school_types": ["junior", "nine_year"],
            "town": "", "sample_size": "", "seed": "", "codes": "",
            "s_name_0": "语文", "s_full_0": "100", "s_name_1": "数学", "s_full_1": "120", "s_pass_1": "70",
            "p_name_0": "英语", "p_full_0": "100", "p_name_1": "物理", "p_full_1": "100"}
    data.update(extra)
    return data


def test_list_scope_filters_search_export(world, login):
    mine = service_round(world, title="甲区秋季八年级")
    service_round(world, title="甲区七年级", grade=7, selection_params={"school_types": ["junior"]})
    client = login(world.office_a)
    page = client.get(reverse("quality:round_list"))
    assert page.status_code == 200 and "甲区秋季八年级" in page.text and "新建监测轮次" in page.text
    assert "甲区七年级" not in client.get(reverse("quality:round_list"), {"grade": 8}).text
    assert "甲区七年级" in client.get(reverse("quality:round_list"), {"q": "七年"}).text
    assert "没有符合条件" in client.get(reverse("quality:round_list"), {"status": "published"}).text
    assert client.get(reverse("quality:round_list"), {"year": "abc", "grade": "-1"}).status_code == 200
    export = client.get(reverse("quality:round_list"), {"export": "xlsx", "grade": 8})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[0][1] == "名称" and [r[1] for r in rows[1:]] == ["甲区秋季八年级"]
    # district B sees nothing of A; its detail pages are 404
    client = login(world.office_b)
    assert "甲区" not in client.get(reverse("quality:round_list")).text.split("没有符合条件")[0].split("<tbody>")[-1]
    assert client.get(reverse("quality:round_detail", args=[mine.pk])).status_code == 404
    for name in ("quality:round_draw", "quality:round_publish"):
        assert client.post(reverse(name, args=[mine.pk])).status_code == 404


def test_school_users_see_only_rounds_they_are_in(world, login):
    theirs = service_round(world, title="含第一小学", grade=4, selection_params={"school_types": ["primary"]})
    other = service_round(world, title="初中轮次")
    client = login(world.principal_a)  # principal of 甲区第一小学
    page = client.get(reverse("quality:round_list"))
    assert "含第一小学" in page.text and "初中轮次" not in page.text
    assert client.get(reverse("quality:round_detail", args=[theirs.pk])).status_code == 200
    assert client.get(reverse("quality:round_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("quality:round_create")).status_code == 404
    assert client.post(reverse("quality:round_draw", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("quality:round_schools", args=[theirs.pk])).status_code == 404


def test_nav_entry(world, login):
    for user in (world.office_a, world.leader_a, world.principal_a):
        assert reverse("quality:round_list") in login(user).get(reverse("quality:round_list")).text
    assert login(world.town_a).get(reverse("quality:round_list")).status_code == 404


def test_create_form_by_type(world, login):
    client = login(world.office_a)
    assert client.get(reverse("quality:round_create")).status_code == 200
    response = client.post(reverse("quality:round_create"), _form())
    round_ = Round.objects.get()
    assert response.status_code == 302 and response.url == reverse("quality:round_detail", args=[round_.pk])
    assert [(s.name, s.full_marks, s.pass_line) for s in round_.subjects.all()] == [("语文", 100, 60), ("数学", 120, 70)]
    assert [p["name"] for p in round_.draw_pool] == ["英语", "物理"]
    assert round_.round_schools.count() == 2


def test_create_form_errors_keep_rows(world, login):
    client = login(world.office_a)
    response = client.post(reverse("quality:round_create"), _form(s_full_1="-5", grade="8"))
    assert response.status_code == 400 and "满分应大于 0" in response.text and 'value="-5"' in response.text
    response = client.post(reverse("quality:round_create"), _form(grade="abc"))
    assert response.status_code == 400 and "输入有误" in response.text
    response = client.post(reverse("quality:round_create"), _form(region="990103"))
    assert response.status_code == 400
    assert Round.objects.count() == 0


def test_create_form_sample_town_and_list(world, login):
    client = login(world.office_a)
    client.post(reverse("quality:round_create"), _form(selection="sample", school_types=["junior", "nine_year"],
                                                       sample_size="1", seed="99"))
    sampled = Round.objects.get()
    assert sampled.sample_seed == 99 and sampled.population_size == 2 and sampled.round_schools.count() == 1
    client.post(reverse("quality:round_create"), _form(selection="town", town="990102002", title="按乡镇"))
    assert Round.objects.get(title="按乡镇").round_schools.get().school.code == "1990102003"
    client.post(reverse("quality:round_create"), _form(selection="list", codes="1990102005\n1990102003", title="名单"))
    assert Round.objects.get(title="名单").round_schools.count() == 2
    upload = SimpleUploadedFile("样本学校.csv", "学校标识码\n1990102005\n1990103002\n".encode())
    response = client.post(reverse("quality:round_create"), _form(selection="list", title="导入", list_file=upload))
    assert response.status_code == 400 and "不是甲区的学校" in response.text and "样本学校" in response.text
    assert not Round.objects.filter(title="导入").exists()


def test_xss_in_title_and_subject_is_escaped(world, login):
    evil = '<script>alert("x")</script>'
    round_ = service_round(world, title=evil, subjects=[{"name": "<b>语文</b>", "full_marks": 100}])
    for user in (world.office_a, world.inspector_a):
        text = login(user).get(reverse("quality:round_detail", args=[round_.pk])).text
        assert evil not in text and "&lt;script&gt;" in text and "<b>语文</b>" not in text
    assert evil not in login(world.office_a).get(reverse("quality:round_list")).text


def test_detail_draw_publish_buttons(world, login):
    round_ = service_round(world)
    client = login(world.office_a)
    page = client.get(reverse("quality:round_detail", args=[round_.pk]))
    assert "抽取随机学科" in page.text and "发布结果" not in page.text and "英语、物理、道德与法治" in page.text
    assert client.get(reverse("quality:round_draw", args=[round_.pk])).status_code == 405
    response = client.post(reverse("quality:round_draw", args=[round_.pk]), {"seed": "12345"}, follow=True)
    drawn = round_.subjects.get(kind=SubjectKind.DRAWN)
    assert drawn.name == services.draw_subject(round_.draw_pool, 12345)["name"]
    assert f"已抽取随机学科“{drawn.name}”（随机种子 12345）" in response.text
    assert "random.Random(12345).randrange(3)" in response.text and "复现" in response.text and "如何复核" in response.text
    response = client.post(reverse("quality:round_draw", args=[round_.pk]), {"seed": "1"}, follow=True)
    assert "不能重复抽取" in response.text
    response = client.post(reverse("quality:round_draw", args=[service_round(world).pk]), {"seed": "-4"}, follow=True)
    assert "非负整数" in response.text
    response = client.post(reverse("quality:round_publish", args=[round_.pk]), follow=True)
    assert "尚未导入成绩" in response.text
    services.round_mark_scored(round_, world.office_a)
    assert "发布结果" in client.get(reverse("quality:round_detail", args=[round_.pk])).text
    assert login(world.leader_a).post(reverse("quality:round_publish", args=[round_.pk])).status_code == 404
    client = login(world.office_a)
    response = client.post(reverse("quality:round_publish", args=[round_.pk]), follow=True)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED and "结果已发布" in response.text


def _junior_principal(world):
    from dudao.core.models import Role
    from dudao.core.services import role_assign, user_create

    user = user_create(actor=world.admin, username="principal_j", full_name="初中校长", password="Test-pass-2026")
    role_assign(actor=world.admin, user=user, role=Role.SCHOOL, school=world.schools_a[4])
    return user


@pytest.mark.parametrize(("moment", "visible"), [
    (datetime.datetime(2026, 11, 19, 15, 30, tzinfo=datetime.UTC), False),  # 23:30 Beijing, the day before
    (datetime.datetime(2026, 11, 19, 16, 30, tzinfo=datetime.UTC), True),   # 00:30 Beijing on the test date
])
def test_drawn_subject_hidden_from_schools_before_test_date(world, login, moment, visible):
    with time_machine.travel(datetime.datetime(2026, 10, 1, 2, tzinfo=datetime.UTC), tick=False):
        round_ = service_round(world, year=2026, test_date=datetime.date(2026, 11, 20))
        drawn = services.round_draw(actor=world.office_a, round=round_, seed=3).name
    principal = _junior_principal(world)
    with time_machine.travel(moment, tick=False):
        school_page = login(principal).get(reverse("quality:round_detail", args=[round_.pk])).text
        assert (drawn in school_page) is visible
        assert ("将于测试当天" in school_page) is not visible
        assert "random.Random" not in school_page  # the pool and the recipe are the office's
        round_.refresh_from_db()
        # The seed with the pool would give the subject: a school sees it only from the test date on.
        assert (f"随机种子 {round_.draw_seed}" in school_page) is visible
        assert f"随机种子 {round_.draw_seed}" in login(world.office_a).get(
            reverse("quality:round_detail", args=[round_.pk])).text
        office_page = login(world.office_a).get(reverse("quality:round_detail", args=[round_.pk])).text
        assert drawn in office_page
        api = login(principal).get(f"/api/v1/quality/rounds/{round_.pk}").json()
        assert (drawn in [s["name"] for s in api["subjects"]]) is visible
        assert (api["draw"] is not None) is visible


def test_school_list_import_page(world, login):
    round_ = service_round(world)
    client = login(world.office_a)
    assert client.get(reverse("quality:round_schools", args=[round_.pk])).status_code == 200
    bad = SimpleUploadedFile("样本学校.csv", "学校标识码\n1990102005\n1990102005\n9999999999\n".encode())
    response = client.post(reverse("quality:round_schools", args=[round_.pk]), {"file": bad})
    assert response.status_code == 400 and "与第 2 行重复" in response.text and "9999999999 不存在" in response.text
    assert round_.round_schools.count() == 2
    good = SimpleUploadedFile("样本学校.csv", "学校标识码,学校名称\n1990102005,甲区第一中学\n".encode())
    response = client.post(reverse("quality:round_schools", args=[round_.pk]), {"file": good})
    assert response.status_code == 302
    assert list(round_.round_schools.values_list("school__code", flat=True)) == ["1990102005"]
    response = client.post(reverse("quality:round_schools", args=[round_.pk]), {"codes": "1990102003"})
    assert list(round_.round_schools.values_list("school__code", flat=True)) == ["1990102003"]
    template = client.get(reverse("quality:school_list_template"))
    assert template.status_code == 200 and "样本学校" in CalamineWorkbook.from_filelike(
        io.BytesIO(template.content)).sheet_names
