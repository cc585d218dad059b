"""内审 in the browser at 1024 px: the office opens a case in progress (team, a document request, two findings),
issues the 审计报告 with its 文号 (a 文号 already used first: refused, what was typed kept out of the record),
publishes its summary and turns a finding into a 整改 finding; the audited school's user then sees the case.
Screenshots for review."""

import datetime

import pytest
from django.utils import timezone

from dudao.audits.models import AuditCase, AuditCaseStatus
from dudao.audits.services import cases as services
from dudao.rectification.models import Publication
from tests.audits.cases_data import inspector, make_case, plan, started
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_page_report_and_publication(world, live_server, browser, shot):
    base = live_server.url
    today = timezone.localdate()
    case = started(world, make_case(world, plan(world), auditee_user=world.principal_a),
                   member=inspector(world, home=world.schools_a[1], name="张督学"))
    services.team_add(actor=world.office_a, case=case, role="member", name="陈会计", organisation="示范会计师事务所（外聘）")
    services.request_add(actor=world.office_a, case=case, title="2023—2025 年度财务报表及会计凭证",
                         note="电子版或扫描件，按年度分册。", due_on=today + datetime.timedelta(days=7))
    services.finding_add(actor=world.office_a, case=case, category="finance", severity=2, amount="12800.00",
                         text="2024 年度部分办公用品报销凭证未附验收单，涉及金额 12,800 元。")
    services.finding_add(actor=world.office_a, case=case, category="assets",
                         text="固定资产账实不符：3 台教学一体机已报废未及时办理核销手续。")

    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/audits/")
    assert "王建国" in page.inner_text("main") and "计划审计 1 名" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "audits-list-1024")
    page.goto(f"{base}/audits/{case.pk}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "audits-case-in-progress-1024")
    page.fill("input[name=number]", "甲督审〔2026〕3号")
    page.fill("textarea[name=summary]", "审计认为，王建国同志任职期间学校财务收支总体真实、合法。")
    page.fill("textarea[name=conclusion]", "经济责任履行情况总体较好，存在的问题须限期整改。")
    follow(page, "button:has-text('出具审计报告')")
    case = AuditCase.objects.get(pk=case.pk)
    assert case.status == AuditCaseStatus.REPORTED and case.report_number == "甲督审〔2026〕3号"
    assert "审计事项内容已锁定" in page.inner_text("main")
    follow(page, "button:has-text('公开报告摘要')")
    assert AuditCase.objects.get(pk=case.pk).status == AuditCaseStatus.PUBLISHED
    assert Publication.objects.filter(kind="audit", withdrawn_at__isnull=True).count() == 1
    page.locator("#findings form.raise-form").first.locator("input[name=due_date]").fill(
        (today + datetime.timedelta(days=30)).isoformat())
    follow(page, "#findings form.raise-form >> nth=0 >> button:has-text('转入整改台账')")
    assert "已转入整改台账" in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "audits-case-published-1024")

    page.context.clear_cookies()
    sign_in(page, base, "principal_a", PASSWORD)
    page.goto(f"{base}/audits/{case.pk}/")
    text = page.inner_text("main")
    assert "甲督审〔2026〕3号" in text and "出具审计报告" not in text and "公开报告摘要" not in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "audits-case-school-view-1024")
    page.goto(f"{base}/public/results/")
    assert "王建国" in page.inner_text("main")
