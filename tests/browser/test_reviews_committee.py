"""The office builds its 督导委员会 in the browser: creates it on the first visit, writes the 工作规程 (a script tag
stays text), adds a member unit and two duties linked to check points of the county's 督政 framework, reorders
them, and reads the coverage (one check point flagged); the member unit's user reads 本单位职责 on a tablet.
Screenshots for review (1024 px: tables must fit)."""

import pytest

from dudao.frameworks.services import framework_create
from dudao.regions.models import GovUnit
from dudao.reviews.models import Committee, CommitteeMember
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD
from tests.reviews.committee_fixtures import DEFINITION

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page, width: int) -> bool:
    """The whole page fits the viewport: no horizontal scroll, the navigation bar included."""
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_office_builds_the_committee(world, live_server, browser, shot):
    base = live_server.url
    world.office_a.first_name = "李主任"
    world.office_a.save(update_fields=["first_name"])
    GovUnit.objects.create(code="UA-D01", name="甲区财政局", kind="department", region=world.county_a)
    GovUnit.objects.create(code="UA-D02", name="甲区公安分局", kind="department", region=world.county_a)
    GovUnit.objects.create(code="UB-D01", name="乙县财政局", kind="department", region=world.county_b)
    framework_create(actor=world.office_a, region=world.county_a, name="甲区人民政府履行教育职责评价", kind="duzheng",
                     target="unit", definition=DEFINITION)
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/reviews/committee/")
    assert "尚未在平台上建立" in page.inner_text("main")
    shot(page, "reviews-committee-new-1024")
    follow(page, "button:has-text('建立甲区人民政府教育督导委员会')")
    committee = Committee.objects.get()

    page.click("summary:has-text('修改基本情况和工作规程')")
    page.fill("#id_established_on", "2019-03-15")
    page.fill("#id_rules", "第一章　总则\n第一条　<script>alert(1)</script>为规范督导委员会工作，制定本规程。\n"
                          "第二条　各成员单位按照职责清单履行教育职责。")
    follow(page, "button:has-text('保存')")
    assert "督导委员会信息已保存" in page.inner_text("main")
    assert "<script>alert(1)</script>为规范" in page.inner_text(".rules-text")  # shown as text

    assert "乙县财政局" not in page.inner_text("#id_unit")
    page.select_option("#id_unit", label="甲区财政局（督导委员会成员单位）")
    page.fill("#id_representative", "王伟")
    page.fill("#id_post", "区财政局副局长")
    page.select_option("#id_role", "vice")
    follow(page, "button:has-text('添加')")
    assert "已添加成员单位" in page.inner_text("main")
    assert fits(page, 1024)
    shot(page, "reviews-committee-page-1024")

    follow(page, "td a:has-text('甲区财政局')")
    page.fill("textarea[name=text][required]", "落实教育经费“两个只增不减”。")
    page.check("input[name=codes][value='A1B1.1']")
    follow(page, "button:has-text('添加职责')")
    page.fill("textarea[name=text][required]", "按时足额拨付生均公用经费。")
    page.locator("form:has(button:has-text('添加职责')) input[name=codes][value='A1B1.2']").check()
    follow(page, "button:has-text('添加职责')")
    member = CommitteeMember.objects.get()
    assert [d.item_codes for d in member.duties.order_by("position")] == [["A1B1.1"], ["A1B1.2"]]
    follow(page, "#duties li:nth-child(2) button[aria-label='上移']")
    assert member.duties.order_by("position").first().text.startswith("按时足额")
    assert fits(page, 1024)
    shot(page, "reviews-committee-member-1024")

    page.goto(f"{base}/reviews/committee/{committee.pk}/coverage/")
    text = page.inner_text("main")
    assert "共 4 个考查要点，已有成员单位职责覆盖 2 个（50%）" in text and "无成员单位覆盖" in text
    assert fits(page, 1024)
    shot(page, "reviews-committee-coverage-1024")

    tablet = browser.new_context(viewport={"width": 768, "height": 1024}, locale="zh-CN").new_page()
    # the town's user reads 本单位职责: the office adds the town as a member first
    page.goto(f"{base}/reviews/committee/")
    page.click("summary:has-text('添加成员单位')")
    page.select_option("#id_unit", label="甲二镇人民政府（乡镇人民政府）")
    page.fill("#id_representative", "李镇长")
    follow(page, "button:has-text('添加')")
    town = CommitteeMember.objects.get(unit=world.unit_a)
    page.goto(f"{base}/reviews/committee/members/{town.pk}/")
    page.fill("textarea[name=text][required]", "开展校园周边治安和交通安全综合治理。")
    page.locator("form:has(button:has-text('添加职责')) input[name=codes][value='A2.1']").check()
    follow(page, "button:has-text('添加职责')")
    sign_in(tablet, base, "town_a", PASSWORD)
    tablet.goto(f"{base}/reviews/committee/")
    text = tablet.inner_text("main")
    assert "本单位职责" in text and "甲二镇人民政府" in text and "A2.1 周边治安" in text and "甲区财政局" not in text
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 768
    shot(tablet, "reviews-committee-mine-768")
