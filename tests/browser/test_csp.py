"""Under the Content-Security-Policy: the header is sent, htmx still swaps (the 意见书 batch progress polls and
replaces itself), ECharts draws, and the API docs (Swagger UI from ninja's own static files) load. The `browser`
fixture fails the test on any CSP violation."""

import pytest
from django.contrib.auth import get_user_model

from dudao.inspections.models import Inspection, InspectionStage, OpinionBatch
from tests.browser.conftest import sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_htmx_echarts_and_api_docs_work_under_the_policy(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    base = live_server.url
    office_user = get_user_model().objects.get(username="demo_office")
    project = Inspection.objects.get(stage=InspectionStage.RECTIFYING, county_id="990102")
    page = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    sign_in(page, base, "demo_office", passwords["demo_office"])

    batch = OpinionBatch.objects.create(inspection=project, status="running", total=10, done=3, created_by=office_user)
    response = page.goto(f"{base}/inspections/{project.pk}/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-eval" not in policy and "object-src 'none'" in policy
    page.evaluate("""document.body.addEventListener("htmx:afterSwap", () => { window.dudaoSwaps = (window.dudaoSwaps || 0) + 1; })""")
    # polled from here: wait_for_function evaluates a string in the page, which this very policy forbids
    for _ in range(50):
        if page.evaluate("window.dudaoSwaps || 0") >= 1:
            break
        page.wait_for_timeout(200)
    assert page.evaluate("window.dudaoSwaps || 0") >= 1  # the progress polled and swapped
    OpinionBatch.objects.filter(pk=batch.pk).update(status="done", done=10)
    page.wait_for_selector(f"#batch-{batch.pk} >> text=下载 zip", timeout=10_000)
    assert "10/10" in page.inner_text(f"#batch-{batch.pk}")

    page.goto(f"{base}/inspections/{project.pk}/report/")
    page.wait_for_selector("#chart-ranked canvas")
    shot(page, "csp-inspection-report-1366")

    admin = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN").new_page()
    sign_in(admin, base, "demo_admin", passwords["demo_admin"])
    docs = admin.goto(f"{base}/api/v1/docs")
    assert docs.status == 200 and "cdn.jsdelivr" not in admin.content()
    admin.wait_for_selector(".swagger-ui .info .title", timeout=15_000)
    shot(admin, "csp-api-docs-1366")
