"""述职评议 on a phone: a rater opens their personal link on a 390 px screen, is recused from their own town, scores
a reporter with large buttons (autosave, 已保存), moves to the next one, scores all and submits; the office closes
the session and reads the ranked results at 1024 px. Screenshots for review."""

import pytest
from playwright.sync_api import expect

from dudao.reviews.models import Rating, SessionStatus
from dudao.reviews.services import rating as services
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD
from tests.reviews.rating_fixtures import all_scores, fresh, rating_fixture  # noqa: F401 -- fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# The whole page fits the viewport: no horizontal scroll, the navigation bar included.
PAGE_WIDTH = "document.documentElement.scrollWidth"


def _page_width(page) -> float:
    return page.evaluate(PAGE_WIDTH)


def _tap_all(page, section: str, value: str) -> None:
    for group in page.locator(f"{section} fieldset.leaf").all():
        group.locator(f"label:text-is('{value}')").click()


def test_rater_scores_on_a_phone_and_office_reads_results(world, rating, live_server, browser, shot):
    base = live_server.url
    session = rating.session
    services.session_open(actor=world.office_a, session=session)
    for rater in rating.raters[1:]:
        for reporter in session.reporters.all():
            services.rating_save(rater=rater, reporter=reporter, scores=all_scores(session, 7 + rater.pk % 3))
        services.rating_submit(rater=fresh(rater))
    rater = rating.raters[0]  # of 甲二镇人民政府: recused from it
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                locale="zh-CN").new_page()
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{base}/reviews/rate/{rater.key}/")
    text = phone.inner_text("main")
    assert "按回避规定不评议本单位（甲二镇人民政府）" in text
    options = phone.locator("#pick option").all_inner_texts()
    assert len(options) == 3 and not any("甲二镇" in o for o in options)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "reviews-rating-sheet-empty-390")
    first = phone.locator("section.reporter:not([hidden])")
    box = first.locator("fieldset.leaf label").first.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # touch targets
    _tap_all(phone, "section.reporter:not([hidden])", "8")
    expect(phone.locator("section.reporter:not([hidden]) .status")).to_contain_text("6/6")
    assert "已保存" in first.locator(".status").inner_text()
    assert "已评完" in phone.locator("#pick option").first.inner_text()
    shot(phone, "reviews-rating-sheet-scored-390")
    assert Rating.objects.get(rater=rater, reporter__unit=rating.units[1]).scores == all_scores(session, 8)
    for _ in range(2):
        phone.locator("section.reporter:not([hidden]) button:has-text('下一个')").click()
        _tap_all(phone, "section.reporter:not([hidden])", "9")
        expect(phone.locator("section.reporter:not([hidden]) .status")).to_contain_text("6/6")
    shot(phone, "reviews-rating-sheet-last-390")
    follow(phone, "button:has-text('提交全部评分')")
    assert "评分已锁定" in phone.inner_text("main")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "reviews-rating-sheet-submitted-390")

    office = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    office.on("dialog", lambda dialog: dialog.accept())
    sign_in(office, base, "office_a", PASSWORD)
    office.goto(f"{base}/reviews/ratings/{session.pk}/")
    assert _page_width(office) <= 1024
    shot(office, "reviews-rating-session-1024")
    follow(office, "button:has-text('结束评议并汇总')")
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    text = office.inner_text("main")
    assert "评议结果" in text and "评议人数不足" in text  # 甲二镇: 4 raters < 5
    assert not any(r.name in text for r in rating.raters)
    assert _page_width(office) <= 1024
    shot(office, "reviews-rating-results-1024")
    office.goto(f"{base}/reviews/ratings/{session.pk}/links/")
    shot(office, "reviews-rating-links-1024")
