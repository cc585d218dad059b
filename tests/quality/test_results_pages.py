"""The county dashboard of a round (quality:results), its Excel exports and the school profile's section: scope
(district B 404, a school sees only its own school and nothing before publication), honest empty states,
value-added that cannot be computed, and a school name with markup escaped in the page and in the chart data."""

import datetime
import io
import json
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.quality.models import RoundStatus
from dudao.schools.models import School
from tests.quality.factories import make_round
from tests.quality.results_data import scored_round

pytestmark = pytest.mark.django_db


def _url(rnd, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("quality:results", args=[rnd.pk]) + (f"?{query}" if query else "")


def _chart_data(response) -> dict:
    match = re.search(r'<script id="quality-results-data" type="application/json">(.*?)</script>',
                      response.content.decode(), re.S)
    assert match, "chart data missing"
    return json.loads(match.group(1))


def test_office_sees_county_dashboard_with_value_added(world, login):
    rnd = scored_round(world)
    response = login(world.office_a).get(_url(rnd, subject="数学"))
    assert response.status_code == 200
    text = response.content.decode()
    for school in world.schools_a[:3]:
        assert school.name in text
    assert "全区平均分" in text and "合格率" in text and "增值评价" in text
    assert "简单残差法" in text and "收缩" in text
    data = _chart_data(response)
    assert len(data["va"]) == 3 and len(data["quadrant"]) == 3
    effects = [s["effect"] for s in data["va"]]
    assert effects == sorted(effects)  # the caterpillar is sorted
    assert all(s["low"] <= s["effect"] <= s["high"] for s in data["va"])
    assert sum(b["count"] for b in data["bands"]) == 90
    assert set(data["flags"]) <= {"above", "expected", "below"}


def test_ml_switch_and_bad_method(world, login):
    rnd = scored_round(world)
    client = login(world.office_a)
    assert 'value="ml" selected' in client.get(_url(rnd, subject="语文", method="ml")).content.decode()
    response = client.get(_url(rnd, subject="语文", method="bogus"))
    assert response.status_code == 200
    assert "估计方法只能是 REML 或 ML" in response.content.decode()


def test_other_district_gets_404(world, login):
    rnd = scored_round(world, status=RoundStatus.PUBLISHED)
    client = login(world.office_b)
    assert client.get(_url(rnd)).status_code == 404
    assert client.get(reverse("quality:results_export", args=[rnd.pk])).status_code == 404
    school = world.schools_a[0]
    assert client.get(reverse("quality:school_export", args=[rnd.pk]) + f"?school={school.code}").status_code == 404


def test_school_sees_nothing_before_publication(world, login):
    rnd = scored_round(world)
    client = login(world.principal_a)
    response = client.get(_url(rnd))
    assert response.status_code == 200
    text = response.content.decode()
    assert "结果未发布" in text and "尚未导入成绩" not in text
    assert "quality-results-data" not in text and "全区平均分" not in text
    export = client.get(reverse("quality:results_export", args=[rnd.pk]))
    assert export.status_code == 404
    own = world.schools_a[0]
    assert client.get(reverse("quality:school_export", args=[rnd.pk]) + f"?school={own.code}").status_code == 404
    # the school profile shows no quality section before publication
    profile = client.get(reverse("dashboard:school_detail", args=[own.pk])).content.decode()
    assert "学业质量监测" not in profile


def test_school_sees_only_its_own_school_after_publication(world, login):
    rnd = scored_round(world, status=RoundStatus.PUBLISHED)
    response = login(world.principal_a).get(_url(rnd, subject="数学"))
    text = response.content.decode()
    own, others = world.schools_a[0], world.schools_a[1:3]
    assert own.name in text
    for school in others:
        assert school.name not in text and school.code not in text
    data = _chart_data(response)
    assert [s["code"] for s in data["va"]] == [own.code]
    assert "本校监测结果" in text
    # the figure cards put the school's own figures beside the county's, never the county's as the school's
    cards = response.context["cards"]
    assert response.context["own"]["code"] == own.code
    assert cards[0]["own"] == response.context["own"]["n"] and cards[0]["county"] == response.context["county"]["n"]
    assert "本校平均分" in text and "全区参测学生" not in text
    # the estimation options are the office's
    assert 'id="va-options"' not in text and "重新计算" not in text


def test_office_cards_say_county_and_options_are_office_only(world, login):
    rnd = scored_round(world, status=RoundStatus.PUBLISHED)
    response = login(world.office_a).get(_url(rnd, subject="数学"))
    text = response.content.decode()
    assert response.context["own"] is None
    for label in ("全区参测学生", "全区平均分", "全区标准差", "全区合格率", "全区优秀率", "全区低分率"):
        assert label in text
    assert 'id="va-options"' in text and "纳入增值人数" in text and "组内相关系数" in text and "ICC =" not in text
    data = _chart_data(response)
    assert all(s["short"] and len(s["short"]) <= 8 for s in data["quadrant"])


def test_leader_waits_for_publication(world, login):
    rnd = scored_round(world)
    assert "结果未发布" in login(world.leader_a).get(_url(rnd)).content.decode()


def test_empty_states_tell_the_truth(world, login):
    planned = make_round(world, status=RoundStatus.PLANNED, title="未导入轮次")
    client = login(world.office_a)
    text = client.get(_url(planned)).content.decode()
    assert "尚未导入成绩" in text and "结果未发布" not in text
    scored = scored_round(world, title="部分导入")
    # 科学 (the drawn subject) has scores from score_rows too; a round whose subject has none says so
    scored.scores.filter(subject__name="科学").delete()
    assert "尚未导入成绩" in client.get(_url(scored, subject="科学")).content.decode()
    assert client.get(_url(scored, subject="不存在的学科")).status_code == 404


def test_value_added_that_cannot_be_computed_says_why(world, login):
    rnd = scored_round(world, schools=world.schools_a[:1], title="只有一所学校")
    text = login(world.office_a).get(_url(rnd, subject="数学")).content.decode()
    assert "无法计算增值评价" in text
    assert world.schools_a[0].name in text  # the level results are still shown
    assert re.search(r'<button[^>]*type="submit" disabled[^>]*>重新计算', text)


def test_value_added_without_priors_gives_the_next_step(world, login):
    rnd = scored_round(world, title="没有前测")
    rnd.scores.update(prior=None)
    text = login(world.office_a).get(_url(rnd, subject="数学")).content.decode()
    assert "无法计算增值评价" in text and "请在导入成绩时填写前测成绩" in text


def test_drawn_subject_hidden_from_school_before_test_date(world, login):
    future = datetime.date.today() + datetime.timedelta(days=30)
    rnd = scored_round(world, status=RoundStatus.PUBLISHED, test_date=future)
    client = login(world.principal_a)
    text = client.get(_url(rnd)).content.decode()
    assert "科学" not in text
    assert client.get(_url(rnd, subject="科学")).status_code == 404
    assert "科学" in login(world.office_a).get(_url(rnd)).content.decode()


def test_school_name_markup_is_escaped_in_page_and_chart_data(world, login):
    School.objects.filter(pk=world.schools_a[1].pk).update(name='<img src=x onerror=alert(1)>第二小学</script>')
    rnd = scored_round(world)
    response = login(world.office_a).get(_url(rnd, subject="数学"))
    text = response.content.decode()
    assert "<img src=x" not in text and "</script>第" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    raw = re.search(r'<script id="quality-results-data" type="application/json">(.*?)</script>', text, re.S).group(1)
    assert "<" not in raw and "\\u003Cimg" in raw
    assert any(s["name"].startswith("<img") for s in _chart_data(response)["va"])


def _workbook(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    return {"sheetnames": book.sheet_names,
            **{name: [tuple(r) for r in book.get_sheet_by_name(name).to_python()] for name in book.sheet_names}}


def test_export_every_table(world, login):
    rnd = scored_round(world)
    client = login(world.office_a)
    book = _workbook(client.get(reverse("quality:results_export", args=[rnd.pk]) + "?subject=数学"))
    assert book["sheetnames"] == ["全区", "学校", "分数段", "增值评价", "模型参数"]
    rows = book["学校"]
    assert rows[0][:3] == ("学校标识码", "学校", "人数") and len(rows) == 4
    va = book["增值评价"]
    assert "95%区间下限" in va[0] and len(va) == 4
    school = world.schools_a[0]
    book = _workbook(client.get(reverse("quality:school_export", args=[rnd.pk]) + f"?school={school.code}"))
    assert book["sheetnames"] == ["学校", "班级", "性别", "增值评价"]
    classes = book["班级"]
    assert {r[1] for r in classes[1:]} == {"1班", "2班"} and len(classes) == 1 + 2 * 3
    assert len(book["增值评价"]) == 1 + 3
    # a school outside the round, or unknown: 404
    outside = world.schools_a[4]
    assert client.get(reverse("quality:school_export", args=[rnd.pk]) + f"?school={outside.code}").status_code == 404
    assert client.get(reverse("quality:school_export", args=[rnd.pk]) + "?school=x").status_code == 404


def test_school_profile_section(world, login):
    rnd = scored_round(world, status=RoundStatus.PUBLISHED)
    own = world.schools_a[0]
    text = login(world.office_a).get(reverse("dashboard:school_detail", args=[own.pk])).content.decode()
    assert "学业质量监测" in text and rnd.title in text and "增值评价" in text
    assert "1班" in text and "女" in text
    text = login(world.principal_a).get(reverse("dashboard:school_detail", args=[own.pk])).content.decode()
    assert "学业质量监测" in text and "95% 置信区间" in text


def test_school_profile_withholds_small_groups_from_the_school(world, login):
    rnd = scored_round(world, status=RoundStatus.PUBLISHED, pupils=[12, 30, 30])  # classes of 6: under 10
    own = world.schools_a[0]
    school_view = login(world.principal_a).get(reverse("dashboard:school_detail", args=[own.pk])).content.decode()
    assert "人数不足，不公布" in school_view
    office_view = login(world.office_a).get(reverse("dashboard:school_detail", args=[own.pk])).content.decode()
    assert "人数不足，不公布" not in office_view and "人数不足" in office_view
    assert rnd.title in office_view


def test_school_profile_latest_round_in_full_earlier_linked_and_trend(world, login):
    earlier = scored_round(world, status=RoundStatus.PUBLISHED, year=2025, title="上一轮监测")
    latest = scored_round(world, status=RoundStatus.PUBLISHED, year=2026, title="本轮监测")
    scored_round(world, year=2027, title="未发布轮次")  # scored, not published: the school must not see it
    own = world.schools_a[0]
    text = login(world.principal_a).get(reverse("dashboard:school_detail", args=[own.pk])).content.decode()
    assert "本轮监测" in text and "往期监测" in text and "上一轮监测" in text
    assert reverse("quality:results", args=[earlier.pk]) in text
    assert "历次监测平均分与合格率（2 次）" in text and "quality-trend-data" in text
    assert "未发布轮次" not in text
    office = login(world.office_a).get(reverse("dashboard:school_detail", args=[own.pk])).content.decode()
    assert "未发布轮次" in office and "（3 次）" in office
    assert latest.title in office


def test_hostile_parameters(world, login):
    rnd = scored_round(world)
    client = login(world.office_a)
    export = reverse("quality:school_export", args=[rnd.pk])
    assert client.get(f"{export}?school={world.schools_b[0].code}").status_code == 404  # another district's school
    assert client.get(f"{export}?school=" + "9" * 5000).status_code == 404
    assert client.get(_url(rnd, subject="数" * 5000)).status_code == 404
    assert client.get(_url(rnd, subject="数学", method="<script>", gender="x")).status_code == 200
    assert client.get("/quality/rounds/99999999999999999999/results/").status_code == 404
    response = client.get(reverse("quality:results_export", args=[rnd.pk]) + "?subject=不存在")
    assert response.status_code == 404
