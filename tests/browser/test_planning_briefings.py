"""督导简报 in the browser on a 1024 px tablet: the office creates a 简报, picks a visit highlight and an inspection's
results from the picker (htmx), writes a free-text section, moves it up, issues the 简报 (第1期) and downloads it as
Word and PDF; then registers its 信息报送. Screenshots for a person to look at."""

import io

import pytest
from django.utils import timezone
from docx import Document

from dudao.planning.models import Briefing, Submission
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD
from tests.planning.briefings_fixtures import materials_fixture  # noqa: F401 -- fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024


def test_office_composes_issues_and_downloads_a_briefing(live_server, browser, shot, world, materials, settings,
                                                        tmp_path):
    settings.MEDIA_ROOT = tmp_path
    base, year = live_server.url, timezone.localdate().year
    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/planning/briefings/")
    assert "还没有督导简报" in page.inner_text("body")
    shot(page, "planning-briefings-empty-1024")
    page.fill("input[name=title]", "甲区督导工作动态")
    follow(page, "button:has-text('新建')")
    briefing = Briefing.objects.get(title="甲区督导工作动态")
    assert page.url.endswith(f"/planning/briefings/{briefing.pk}/")
    page.wait_for_selector("#materials button:has-text('选用')")  # the picker loaded by htmx
    assert "甲区第一小学督导亮点" in page.inner_text("#materials")
    follow(page, "#materials button:has-text('选用')")
    # The reloaded page fetches its list by htmx on load: wait for it, or its late answer would replace the list
    # the source change below asks for.
    page.wait_for_selector("#materials :text('已选用')")
    page.select_option("#material-source", "inspections.results")  # htmx reloads the list on change
    page.wait_for_selector("#materials :text('甲区2026年综合督导结果')")
    follow(page, "#materials button:has-text('选用')")
    page.fill("form:has(input[value=text]) input[name=heading]", "下一步工作")
    page.fill("form:has(input[value=text]) textarea[name=text]", "各责任督学要围绕“双减”落实情况开展专项督导。")
    follow(page, "button:has-text('加入简报')")
    assert "已加入栏目“下一步工作”" in page.inner_text(".alert-success")
    third = briefing.sections.get(heading="下一步工作")
    follow(page, f"#section-{third.pk} button[aria-label=上移]")
    assert [s.heading for s in briefing.sections.order_by("order")] == [
        "甲区第一小学督导亮点", "下一步工作", "甲区2026年综合督导结果"]
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "planning-briefing-editor-1024")

    follow(page, "button:text-is('印发')")
    assert f"已印发：{year}年第1期" in page.inner_text(".alert-success")
    assert "栏目已固定" in page.inner_text("body") and page.locator("textarea").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "planning-briefing-issued-1024")
    with page.expect_download() as download:
        page.click("a:has-text('下载 Word')")
    assert download.value.suggested_filename == f"督导简报{year}年第1期.docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(open(download.value.path(), "rb").read())).paragraphs)
    assert "督导简报" in text and f"{year}年第1期" in text and "下一步工作" in text and "甲区人民政府教育督导室" in text
    with page.expect_download() as download:
        page.click("a:has-text('下载 PDF')")
    assert open(download.value.path(), "rb").read().startswith(b"%PDF")

    follow(page, "a:has-text('登记报送')")
    page.fill("#id_title", f"报送督导简报{year}年第1期")
    page.fill("#id_recipient", "市教育督导室")
    shot(page, "planning-submission-form-1024")
    follow(page, "button:text-is('登记')")
    assert "已登记报送" in page.inner_text(".alert-success")
    item = Submission.objects.get()
    assert item.briefing == Briefing.objects.get(pk=briefing.pk) and item.file is None
    assert "市教育督导室" in page.inner_text("table")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "planning-submissions-1024")
