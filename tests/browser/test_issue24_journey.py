"""Issue 24's browser journey on the demo, as its users walk it: the office (1024 px tablet) opens the training
list, the finished event and a trainee's file with the hours, and the 学时达标 view; the appointment batch in 公示,
then a passer-by on a 390 px phone reads the 公示 on the public results page and verifies a 督学证 by its QR address;
the office opens last month's allowances and downloads the Excel; the finished 典型案例 call with its ranking and
the anthology; the 课题 in progress; the published 内审 case, and demo_school sees its own case (tablet and phone).
Every page must fit its viewport (scrollWidth) and wait for htmx to settle. Screenshots:
tests/browser/artifacts/issue24-journey-*.png (looked at)."""

import zipfile

import pytest
from docx import Document

from dudao.audits.models import AuditCase
from dudao.demo.research.calls import TITLE as CALL_TITLE
from dudao.demo.research.projects import TITLE as PROJECT_TITLE
from dudao.demo.workforce.training import FINISHED_TITLE
from dudao.people.models import Inspector
from dudao.rectification.models import Publication
from dudao.research.models import ResearchCall, ResearchProject
from dudao.workforce.models import AllowanceMonth, AppointmentBatch, InspectorCertificate, TrainingEvent
from tests.browser.conftest import follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page) -> None:
    """Wait until the page has loaded and no htmx request is in flight (htmx marks the requesting element)."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=15_000)


WIDEST = """(width) => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > width && !e.closest('.table-responsive'))
  .slice(0, 3).map(e => e.tagName + '.' + e.className + ': ' + (e.innerText || '').slice(0, 60))"""


def fits(page, width: int) -> None:
    settle(page)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: {scroll} px wide on a {width} px screen: {page.evaluate(WIDEST, width)}"


def tables_fit(page) -> None:
    """No table scrolls sideways inside its .table-responsive box: the list is read whole on the tablet."""
    wide = page.evaluate("""() => [...document.querySelectorAll('.table-responsive')]
      .filter(b => b.scrollWidth > b.clientWidth + 1).map(b => b.innerText.slice(0, 40))""")
    assert wide == [], f"{page.url}: tables scroll sideways: {wide}"


def visit(page, url: str, width: int, shot=None, name: str = "") -> str:
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: {response and response.status}"
    settle(page)
    if shot is not None:
        shot(page, f"issue24-journey-{name}-{width}")
    fits(page, width)
    return page.inner_text("main")


def test_issue24_journey(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    base = live_server.url
    errors: list[str] = []
    finished = TrainingEvent.objects.get(title__endswith=FINISHED_TITLE)
    trainee = Inspector.objects.get(user__username="demo_inspector")

    # 1. the office on a tablet: training list → the finished event → the trainee's file → 学时达标
    office = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN",
                                 accept_downloads=True).new_page()
    office.on("pageerror", lambda e: errors.append(f"office: {e}"))
    sign_in(office, base, "demo_office", passwords["demo_office"])
    links = office.evaluate("[...document.querySelectorAll('nav a')].map(a => a.getAttribute('href'))")
    for entry in ("/workforce/training/", "/workforce/appointments/", "/workforce/allowances/", "/research/calls/",
                  "/research/projects/", "/audits/"):
        assert entry in links, links
    main = visit(office, f"{base}/workforce/training/", 1024, shot, "training-list")
    tables_fit(office)
    assert FINISHED_TITLE in main
    follow(office, f"a[href='/workforce/training/{finished.pk}/']")
    fits(office, 1024)
    assert "已结束" in office.inner_text("main") or "结业" in office.inner_text("main")
    shot(office, "issue24-journey-training-event-1024")
    # the trainee's row leads to the file the completion wrote into
    with office.expect_event("load"):
        office.locator("tr", has_text=trainee.name).get_by_role("link", name="已写入，查看档案").click()
    assert f"/workforce/training/file/inspector/{trainee.pk}/" in office.url
    fits(office, 1024)
    main = office.inner_text("main")
    shot(office, "issue24-journey-training-file-1024")
    assert FINISHED_TITLE in main and "学时" in main
    main = visit(office, f"{base}/workforce/training/hours/", 1024, shot, "training-hours")
    assert "40" in main

    # 2. the appointment batch in 公示, the public page and a 督学证 on a phone
    batch = AppointmentBatch.objects.filter(status="publicity").get()
    main = visit(office, f"{base}/workforce/appointments/{batch.pk}/", 1024, shot, "appointment")
    assert "公示" in main
    publicity = Publication.objects.filter(kind="publicity", withdrawn_at__isnull=True).first()
    assert publicity is not None
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                is_mobile=True).new_page()
    phone.on("pageerror", lambda e: errors.append(f"phone: {e}"))
    body = visit(phone, f"{base}/public/results/", 390, shot, "public-results")
    assert publicity.title in body
    body = visit(phone, f"{base}/public/results/{publicity.pk}/", 390, shot, "public-publicity")
    certificate = InspectorCertificate.objects.select_related("inspector").order_by("pk").first()
    assert certificate is not None
    body = visit(phone, f"{base}/public/card/{certificate.key}/", 390, shot, "card-verify")
    assert certificate.inspector.name in body
    for private in (certificate.inspector.phone, certificate.inspector.employer):
        if private:
            assert private not in phone.content()

    # 3. allowances: last month, its Excel in the finance layout
    month = AllowanceMonth.objects.order_by("-year", "-month").first()
    assert month is not None
    main = visit(office, f"{base}/workforce/allowances/", 1024, shot, "allowance-list")
    main = visit(office, f"{base}/workforce/allowances/{month.pk}/", 1024, shot, "allowance-month")
    tables_fit(office)  # every count column and the amount are read whole on the tablet
    assert "元" in main
    with office.expect_download() as download:
        office.click(f"a[href='/workforce/allowances/{month.pk}/export/']")
    assert download.value.suggested_filename.endswith(".xlsx")
    with zipfile.ZipFile(download.value.path()) as workbook:
        strings = workbook.read("xl/sharedStrings.xml").decode()
    assert "合计" in strings or "金额" in strings, strings[:300]

    # 4. the finished case-study call: ranking with awards, and the anthology
    call = ResearchCall.objects.get(title__endswith=CALL_TITLE)
    main = visit(office, f"{base}/research/calls/", 1024, shot, "call-list")
    main = visit(office, f"{base}/research/calls/{call.pk}/", 1024, shot, "call")
    tables_fit(office)  # the ranking with its 奖项 column is read whole on the tablet
    assert "等奖" in main or "获奖" in main
    with office.expect_download() as download:
        office.click(f"a[href='/research/calls/{call.pk}/anthology.docx']")
    document = Document(download.value.path())
    assert any(p.text.strip() for p in document.paragraphs)

    # 5. the 课题 in progress
    project = ResearchProject.objects.get(title=PROJECT_TITLE)
    visit(office, f"{base}/research/projects/", 1024, shot, "project-list")
    main = visit(office, f"{base}/research/projects/{project.pk}/", 1024, shot, "project")
    tables_fit(office)  # the member table keeps its 移出 button whole
    assert "开题" in main

    # 6. 内审: the published case for the office, then the auditee school's own view on tablet and phone
    case = AuditCase.objects.filter(status="published").get()
    visit(office, f"{base}/audits/", 1024, shot, "audit-list")
    main = visit(office, f"{base}/audits/{case.pk}/", 1024, shot, "audit-case")
    assert case.school.name in main
    school = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    school.on("pageerror", lambda e: errors.append(f"school: {e}"))
    sign_in(school, base, "demo_school", passwords["demo_school"])
    links = school.evaluate("[...document.querySelectorAll('nav a')].map(a => a.getAttribute('href'))")
    assert "/workforce/allowances/" not in links and "/workforce/appointments/" not in links, links
    main = visit(school, f"{base}/audits/", 1024, shot, "audit-school-list")
    others = AuditCase.objects.exclude(pk=case.pk)
    for other in others:
        assert other.auditee_name not in main
    main = visit(school, f"{base}/audits/{case.pk}/", 1024, shot, "audit-school-case")
    assert case.auditee_name in main
    school.set_viewport_size({"width": 390, "height": 844})
    visit(school, f"{base}/audits/{case.pk}/", 390, shot, "audit-school-case")

    assert not errors, errors
