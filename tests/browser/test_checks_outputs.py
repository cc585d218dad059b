"""专项检查 outputs in the browser on a 1024×768 tablet (area outputs, issue 23): the office opens the round's 检查通报
page (the round page itself belongs to the rounds area and includes the same panel after the merge), downloads the
检查报告 as Word and as PDF, edits and saves the leader summary, edits the generated 通报 and publishes it; the leader
sees the summary read-only. Screenshots under tests/browser/artifacts/checks-outputs-*.png, for a person to look at."""

import pytest
from docx import Document

from tests.browser.conftest import follow, sign_in
from tests.checks.outputs_data import finished_round
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_office_downloads_the_report_and_publishes_the_bulletin(live_server, browser, shot, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    done = finished_round(world)
    base = live_server.url
    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/checks/{done.pk}/bulletin/")
    text = page.inner_text("main")
    assert "检查报告与通报" in text and "按检查结果自动生成" in text
    assert "覆盖：检查对象 5 所，已检查 3 所（完成率 60.0%）。" in page.input_value("textarea[name=summary]")
    assert "甲区第二小学（2 项）" in page.input_value("#bulletin-body")
    fits(page)
    shot(page, "checks-outputs-bulletin-draft-1024")

    with page.expect_download() as download:
        page.click("#report-docx")
    assert download.value.suggested_filename == "2026年岁末年初节前安全稳定专项检查报告.docx"
    document = Document(download.value.path())
    body = "\n".join(p.text for p in document.paragraphs)
    assert "检查对象 5 所，已检查 3 所，未检查 2 所，完成率 60.0%" in body and len(document.inline_shapes) == 2
    with page.expect_download() as download:
        page.click("#report-pdf")
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    page.fill("textarea[name=summary]", "节前检查覆盖六成学校，消防通道问题已当场整改。")
    follow(page, "button:has-text('保存摘要')")
    assert "领导摘要已保存" in page.inner_text(".alert-success")
    assert page.input_value("textarea[name=summary]") == "节前检查覆盖六成学校，消防通道问题已当场整改。"

    page.fill("#bulletin-title", "关于节前安全稳定专项检查情况的通报")
    follow(page, "button:has-text('发布通报')")
    assert "检查通报已发布" in page.inner_text(".alert-success")
    assert "已发布的通报" in page.inner_text("main") and page.locator("#bulletin-body").count() == 0
    fits(page)
    shot(page, "checks-outputs-bulletin-published-1024")
    assert errors == []

    leader = browser.new_page(viewport={"width": WIDTH, "height": 768}, locale="zh-CN")
    sign_in(leader, base, "leader_a", PASSWORD)
    leader.goto(f"{base}/checks/{done.pk}/bulletin/")
    text = leader.inner_text("main")
    assert "节前检查覆盖六成学校" in text and "发布通报" not in text and "已于2026年" in text
    fits(leader)
    shot(leader, "checks-outputs-leader-1024")
    context.close()
