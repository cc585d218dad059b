"""迎检 journey: the office registers a review, imports the indicator list (a weight warning confirmed), assigns
indicators to a town; the town's user hands in evidence on a 1024×768 tablet (and looks at 768 px); the office
accepts it and reads the board. Screenshots for review."""

import pytest

from dudao.reviews.models import Assignment, Evidence, Review
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD
from tests.reviews.upward_helpers import ROWS, due, workbook

# The whole page fits the viewport (no horizontal scroll), the top navigation bar included.
PAGE_WIDTH = "document.documentElement.scrollWidth"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_imports_assigns_town_hands_in_office_accepts(world, live_server, browser, shot, tmp_path):
    base = live_server.url
    world.office_a.first_name = "李主任"
    world.office_a.save(update_fields=["first_name"])
    page = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/reviews/")
    shot(page, "reviews-upward-list-empty-1024")
    follow(page, "a:has-text('登记迎检')")
    page.fill("#id_title", "2026年市政府对甲区履行教育职责评价")
    page.select_option("#id_level", "city")
    page.select_option("#id_kind", "duties")
    page.fill("#id_body", "市人民政府教育督导室")
    page.fill("#id_materials_due", due(20).isoformat())
    follow(page, "button:has-text('保存')")
    review = Review.objects.get()
    follow(page, "a:has-text('导入指标')")
    rows = [r[:] for r in ROWS]
    rows[3][3] = 50  # top level totals 90: a warning to confirm
    path = tmp_path / "指标.xlsx"
    path.write_bytes(workbook(rows))
    page.set_input_files("#id_file", str(path))
    follow(page, "button:has-text('上传并检查')")
    assert "一级指标分值合计为 90" in page.inner_text("main")
    shot(page, "reviews-upward-import-warning-1024")
    follow(page, "button:has-text('确认导入')")
    assert review.indicators.count() == 6
    codes = page.locator("tr:has(input[name=indicators]) td:nth-child(2)").all_inner_texts()
    assert [c.strip() for c in codes] == ["1", "1.1", "1.2", "2", "2.1", "2.2"]  # read as a tree
    for code in ("1.1", "1.2"):
        page.check(f"input[name=indicators][value='{review.indicators.get(code=code).pk}']")
    page.select_option("#assign-units", [str(world.unit_a.pk)])
    page.fill("#assign-request", "近三年财政决算表及说明")
    page.fill("#assign-due", due(10).isoformat())
    assert page.evaluate(PAGE_WIDTH) <= 1024
    shot(page, "reviews-upward-detail-assign-1024")
    follow(page, "button:has-text('分配所选指标')")
    assert Assignment.objects.count() == 2
    assert "已新增 2 项分工" in page.inner_text("main")
    shot(page, "reviews-upward-detail-assigned-1024")

    town = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN").new_page()
    sign_in(town, base, "town_a", PASSWORD)
    town.goto(f"{base}/reviews/tasks/")
    assert "财政教育经费" in town.inner_text("main")
    shot(town, "reviews-upward-tasks-town-1024")
    follow(town, "a:has-text('1.1')")
    town.fill("#statement", "2023—2025年一般公共预算教育支出分别为 3.1、3.4、3.6 亿元，逐年只增不减。")
    pdf = tmp_path / "决算表.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    town.set_input_files("#files", str(pdf))
    assert town.evaluate(PAGE_WIDTH) <= 1024
    shot(town, "reviews-upward-hand-in-town-1024")
    follow(town, "button:has-text('提交材料')")
    assert "材料已提交" in town.inner_text("main")
    town.set_viewport_size({"width": 768, "height": 1024})
    assert town.evaluate(PAGE_WIDTH) <= 768
    shot(town, "reviews-upward-handed-in-town-768")
    evidence = Evidence.objects.get()

    page.goto(f"{base}/reviews/assignments/{evidence.assignment_id}/")
    follow(page, "button:has-text('采纳')")
    assert "已采纳第 1 版材料" in page.inner_text("main")
    shot(page, "reviews-upward-accepted-1024")
    evidence.refresh_from_db()
    assert evidence.decision == "accepted"
    page.goto(f"{base}/reviews/{review.pk}/board/")
    assert "甲二镇人民政府" in page.inner_text("main")
    assert page.evaluate(PAGE_WIDTH) <= 1024
    shot(page, "reviews-upward-board-1024")
