"""The office's 大事记: refresh the platform's proposals, accept one with an edited title, drop another, add a
manual entry, read the year by month and download the Word file; the leader reads the same page without buttons.
Screenshots (1024 px wide) for review."""

import io

import pytest
from docx import Document

from dudao.planning.models import ChronicleEntry, ChronicleStatus
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD
from tests.planning.chronicle_data import key_events

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_keeps_the_chronicle(world, live_server, browser, shot):
    base = live_server.url
    key_events(world)
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/planning/chronicle/?year=2026")
    assert "2026年还没有采用的大事记" in page.inner_text("main")
    shot(page, "planning-chronicle-empty-1024")
    follow(page, "button:has-text('刷新建议')")
    assert "已刷新建议：新增" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "planning-chronicle-proposals-1024")
    plan = ChronicleEntry.objects.get(source="planning.plan")
    form = page.locator(f"#accept-{plan.pk}")
    form.locator("input[name=title]").fill("印发《甲区2026年教育督导工作要点》")
    with page.expect_event("load"):
        form.locator("button:has-text('采用')").click()
    assert "已采用，列入大事记。" in page.inner_text("main")
    meeting = ChronicleEntry.objects.get(source="planning.meeting")
    with page.expect_event("load"):
        page.locator(f"#accept-{meeting.pk} button:has-text('舍弃')").click()
    assert ChronicleEntry.objects.get(pk=meeting.pk).status == ChronicleStatus.DROPPED
    page.goto(f"{base}/planning/chronicle/?year=2026&tab=accepted")
    page.click("summary:has-text('添加大事记')")
    page.fill("#new-day", "2026-09-10")
    page.fill("#new-title", "甲区表彰优秀责任督学")
    page.select_option("#new-importance", "important")
    follow(page, "button:has-text('添加')")
    text = page.inner_text("main")
    assert "已添加大事记。" in text and "2月" in text and "9月" in text
    assert text.index("印发《甲区2026年教育督导工作要点》") < text.index("甲区表彰优秀责任督学")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "planning-chronicle-accepted-1024")
    with page.expect_download() as download:
        page.click("a:has-text('导出 Word')")
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    dates = [row.cells[0].text for row in document.tables[0].rows[1:]]
    assert dates == ["2026年2月20日", "2026年9月10日"]
    page.goto(f"{base}/planning/chronicle/?year=2026&tab=dropped")
    assert "召开甲区2026年教育督导工作会议" in page.inner_text("main")
    shot(page, "planning-chronicle-dropped-1024")

    leader = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(leader, base, "leader_a", PASSWORD)
    leader.goto(f"{base}/planning/chronicle/?year=2026&tab=accepted")
    text = leader.inner_text("main")
    assert "甲区表彰优秀责任督学" in text and "刷新建议" not in text and "添加大事记" not in text
    shot(leader, "planning-chronicle-leader-1024")
