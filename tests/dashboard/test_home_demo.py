"""Every demo persona's 工作台: the to-do list grouped by urgency with counts, the next 14 days, the figures the
role owns, and an empty state that says what is done; the old "尚未分配" message is gone. The figures equal the
modules' own pages."""

import pytest
from django.contrib.auth import get_user_model

from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.dashboard.selectors.home import home_page
from dudao.demo.services import DEMO_ACCOUNTS
from dudao.rectification.selectors import dashboard as rect_dashboard
from dudao.rectification.selectors import order_list
from dudao.zones.selectors import frequency
from tests.demo_snapshot import restore

User = get_user_model()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("home-demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


EXPECTED_PART = {
    "demo_admin": "系统管理", "demo_office": "督导室：问题整改", "demo_inspector": "督学：走访频次",
    "demo_school": "本校整改", "demo_unit": "本单位督办", "demo_bureau": "本单位督办",
    "demo_expert": "评估专家：评分进度", "demo_leader": "分管领导：全区概况",
    "demo_training": "本校整改",  # a training institution's user (issue 23): the school home page
    "demo_supervisor": "本校整改",  # 学校督导管理员 (issue 24): the school role of demo_school's school
}


@pytest.mark.parametrize("username", [name for name, _label, _role in DEMO_ACCOUNTS])
def test_each_demo_role_gets_a_home_page_of_its_own(demo, db, client, username):
    user = User.objects.get(username=username)
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "尚未分配" not in html
    assert "待办（" in html and "已逾期" in html and "3 天内到期" in html and "其他待办" in html
    assert EXPECTED_PART[username] in html
    if username != "demo_admin" and not scope_for(user).is_empty:
        assert "近期（今天至" in html
    data = home_page(user)
    if not data["todos"].rows:
        assert "暂无待办" in html and data["done_texts"][0] in html
    # the navigation shows the same count as the page
    assert f'待办 <span class="badge text-bg-warning">{data["todos"].total}</span>' in html or data["todos"].total == 0


def test_the_office_figures_equal_the_rectification_pages(demo, db):
    office = User.objects.get(username="demo_office")
    part = next(p for p in home_page(office)["parts"] if p.role == Role.OFFICE)
    figures = {f.label: f.value for f in part.figures}
    total = rect_dashboard(office)["rows"][-1]
    assert figures["整改率"] == total["rate"] and figures["逾期未整改"] == total["overdue"]
    assert figures["按期整改率"] == total["on_time_rate"]


def test_the_inspector_figures_equal_the_frequency_page(demo, db):
    inspector = User.objects.get(username="demo_inspector")
    part = next(p for p in home_page(inspector)["parts"] if p.role == Role.INSPECTOR)
    figures = {f.label: f.value for f in part.figures}
    page = frequency(inspector)
    assert figures["负责学校"] == len(page["rows"]) > 0
    assert figures["本月应走访未走访"] == page["month_missing"]
    assert figures["本学期走访未达标"] == page["semester_short"]


def test_the_unit_figures_equal_the_order_list(demo, db):
    for username in ("demo_unit", "demo_bureau"):
        user = User.objects.get(username=username)
        part = next(p for p in home_page(user)["parts"] if p.role == Role.UNIT)
        figures = {f.label: f.value for f in part.figures}
        assert figures["未办结督办单"] == order_list(user).exclude(status="closed").count()


def test_the_demo_expert_has_scoring_to_dos_and_a_progress_figure(demo, db):
    expert = User.objects.get(username="demo_expert")
    data = home_page(expert)
    scoring = [r for r in data["todos"].rows if r.todo.kind == "inspections.score"]
    part = next(p for p in data["parts"] if p.role == Role.EXPERT)
    if scoring:
        figures = {f.label: f.value for f in part.figures}
        assert figures["正在评分的督导对象"] - figures["已评完"] == len(scoring)
    else:
        assert part.done_text
