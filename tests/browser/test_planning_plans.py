"""The office imports last year's outline (.docx) as a new draft, tries to publish, reads the refusal list, gives
the task without an owner an owner and a due date, publishes, and reads the tree; screenshots for review."""


import docx
import pytest
from django.utils import timezone

from dudao.planning.models import Plan
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def outline(path, year: int) -> None:
    document = docx.Document()
    document.add_paragraph(f"{year - 1}年甲区教育督导工作要点", style="Title")
    lines = [
        ("扎实开展督政工作", "Heading 1"),
        (f"1.开展乡镇（街道）履行教育职责评价。（责任科室：督政科；完成时间：{year}年12月）", ""),
        (f"2.督促落实教师工资待遇“不低于”要求。（责任科室：督政科；完成时间：{year}年12月）", ""),
        ("规范开展督学工作", "Heading 1"),
        (f"1.落实责任督学挂牌督导，每校每月至少一次。（责任科室：督学科；完成时间：{year}年12月）", ""),
        ("2.开展秋季开学工作专项督查（9月）", ""),
        ("科学实施评估监测", "Heading 1"),
        (f"（1）组织区级义务教育质量监测。（责任科室：评估监测科；完成时间：{year}年12月）", ""),
    ]
    for text, style in lines:
        document.add_paragraph(text, style=style or None)
    document.save(path)


def test_office_imports_fixes_and_publishes(world, live_server, browser, shot, tmp_path):
    base = live_server.url
    world.office_a.first_name = "李主任"
    world.office_a.save(update_fields=["first_name"])
    year = timezone.localdate().year
    file = tmp_path / "去年工作要点.docx"
    outline(file, year)
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/planning/plans/")
    assert "还没有工作要点" in page.inner_text("main")
    shot(page, "planning-plans-empty-list-1024")
    follow(page, "a:has-text('导入大纲')")
    page.fill("#id_year", str(year))
    page.fill("#id_title", f"{year}年甲区教育督导工作要点")
    page.set_input_files("#id_file", str(file))
    shot(page, "planning-plans-import-form-1024")
    follow(page, "button:has-text('导入为草稿')")
    text = page.inner_text("main")
    assert "已导入大纲：3 个部分、5 项工作任务" in text
    assert "发布前需补全以下 1 项工作任务" in text and "未指定责任人、未填写完成期限" in text

    follow(page, "button:has-text('发布')")
    text = page.inner_text("main")
    assert "以下工作任务需先补全才能发布" in text and "草稿" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "planning-plans-publish-refused-1024")

    follow(page, "#publish-problems a")
    assert "开展秋季开学工作专项督查" in page.inner_text("main")
    page.select_option("#tedit-owner", label="李主任")
    page.fill("#tedit-due", f"{year}-09-30")
    follow(page, "form[action$='/edit/'] button:has-text('保存')")
    assert "已保存工作任务" in page.inner_text("main")
    shot(page, "planning-plans-task-1024")

    follow(page, "nav a:has-text('年甲区教育督导工作要点')")
    follow(page, "button:has-text('发布')")
    plan = Plan.objects.get()
    assert plan.status == "published" and plan.number == f"甲区督〔{year}〕1号"
    text = page.inner_text("main")
    assert f"已发布，文号：甲区督〔{year}〕1号" in text
    assert "发布前需补全" not in text
    assert "完成 0/5，0%" in text and text.count("未开始") >= 5  # badges carry their text, not colour only
    assert page.locator("section.card").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "planning-plans-tree-1024")

    # A progress note turns the task 进行中 in the tree.
    follow(page, "section.card >> nth=0 >> tbody a >> nth=0")
    page.select_option("#progress", "in_progress")
    page.fill("#note", "已印发考核方案。")
    follow(page, "button:has-text('保存进展')")
    assert "已记录进展" in page.inner_text("main")
    page.goto(f"{base}/planning/plans/{plan.pk}/")
    assert "进行中" in page.inner_text("section.card >> nth=0")
    shot(page, "planning-plans-tree-progress-1024")


def test_the_demo_plan_as_office_and_leader(demo_snapshot, live_server, browser, shot):
    """示范区's plan of this year: forty tasks in six sections, linked ones with their objects' states, late ones in
    red with their label; the leader reads it without any form."""
    from dudao.planning.models import Plan
    from tests.demo_snapshot import restore

    passwords = restore(demo_snapshot)
    base = live_server.url
    plan = Plan.objects.get(region__name="示范区", year=timezone.localdate().year)
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "demo_office", passwords["demo_office"])
    page.goto(f"{base}/planning/plans/")
    shot(page, "planning-plans-demo-list-1024")
    page.goto(f"{base}/planning/plans/{plan.pk}/")
    text = page.inner_text("main")
    assert page.locator("section.card").count() == 6
    assert page.locator("tr[id^=task-]").count() == plan.tasks.count() == 41  # 40 + one a meeting decision added
    assert "已逾期" in text and "已完成" in text and "已出具意见书" in text or "综合督导" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "planning-plans-demo-tree-1024")
    page.close()
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "demo_leader", passwords["demo_leader"])
    page.goto(f"{base}/planning/plans/{plan.pk}/")
    assert page.locator("form[method=post]").count() <= 1  # the account menu's logout form only
    shot(page, "planning-plans-demo-leader-1024")
