"""Who sees a 内审 case, on the pages, in the API and in file downloads (out of scope = 404): the office and
leaders of the county; the team; the auditee and the school's users only once the report is issued (before: only
the document requests addressed to the school); another school, another district, an inspector not on the team:
nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.audits.models import AuditDocRequest
from dudao.audits.services import cases as services
from dudao.core.models import Role
from tests.audits.cases_data import inspector, issued, make_case, pdf, person, started

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    auditee = person(world, "auditee")  # the auditee's own account (no role: sees the case by it alone)
    member_user = person(world, "member_a")
    case = started(world, make_case(world, auditee_user=auditee), member=inspector(world, user=member_user,
                                                                                     home=world.schools_a[1]))
    item = services.request_add(actor=world.office_a, case=case, title="财务报表",
                                due_on=timezone.localdate() + datetime.timedelta(days=5))
    services.request_upload(actor=world.principal_a, item=item, upload=pdf())
    services.finding_add(actor=world.office_a, case=case, text="凭证不全的秘密细节", category="finance")
    other_school = person(world, "other_school", Role.SCHOOL, school=world.schools_a[1])
    # an inspector assigned to the audited school (责任督学) but not on the team
    outsider = person(world, "outsider", Role.INSPECTOR, school=world.schools_a[0])
    return {"case": case, "item": AuditDocRequest.objects.get(pk=item.pk), "auditee": auditee, "member": member_user,
            "other_school": other_school, "outsider": outsider}


def _pages(case, item):
    return [reverse("audits:case_detail", args=[case.pk]), reverse("audits:report_download", args=[case.pk]),
            f"/api/v1/audits/{case.pk}"]


def _sees(client, case) -> bool:
    return client.get(reverse("audits:case_detail", args=[case.pk])).status_code == 200


def _api_ids(client) -> list[int]:
    return [row["id"] for row in client.get("/api/v1/audits").json()["items"]]


def test_before_the_report(world, login, setup):
    case, item = setup["case"], setup["item"]
    for user in (world.office_a, world.leader_a, setup["member"], world.admin):
        client = login(user)
        assert _sees(client, case), user.username
        assert _api_ids(client) == [case.pk]
        assert client.get(reverse("audits:request_file", args=[item.pk])).status_code == 200
    for user in (world.principal_a, setup["auditee"], setup["other_school"], setup["outsider"], world.office_b,
                 world.inspector_a, world.town_a, world.expert):
        client = login(user)
        for url in _pages(case, item):
            assert client.get(url).status_code == 404, (user.username, url)
        assert _api_ids(client) == [], user.username
        assert case.auditee_name not in client.get(reverse("audits:case_list")).content.decode() \
            or user == world.principal_a
    # the audited school sees the request addressed to it, and may download what it handed in, nothing more
    school = login(world.principal_a)
    page = school.get(reverse("audits:case_list")).content.decode()
    assert "财务报表" in page and "秘密细节" not in page and "报送" in page
    assert school.get(reverse("audits:request_file", args=[item.pk])).status_code == 200
    for user in (setup["other_school"], setup["outsider"], world.office_b, setup["auditee"]):
        client = login(user)
        assert client.get(reverse("audits:request_file", args=[item.pk])).status_code == 404
        assert "财务报表" not in client.get(reverse("audits:case_list")).content.decode()


def test_after_the_report(world, login, setup):
    case, item = setup["case"], setup["item"]
    issued(world, case)
    for user in (world.principal_a, setup["auditee"]):
        client = login(user)
        assert _sees(client, case)
        assert _api_ids(client) == [case.pk]
        detail = client.get(f"/api/v1/audits/{case.pk}").json()
        assert detail["report_number"] == "甲督审〔2026〕1号" and detail["requests"] == []
        assert detail["findings"][0]["text"] == "凭证不全的秘密细节"
        download = client.get(reverse("audits:report_download", args=[case.pk]))
        assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
        html = client.get(reverse("audits:case_detail", args=[case.pk])).content.decode()
        assert 'action="' + reverse("audits:finding_add", args=[case.pk]) not in html
        assert reverse("audits:report_publish", args=[case.pk]) not in html
    for user in (setup["other_school"], setup["outsider"], world.office_b, world.inspector_a):
        client = login(user)
        for url in _pages(case, item):
            assert client.get(url).status_code == 404, (user.username, url)
        assert _api_ids(client) == []
    # the leader reads, does not act
    html = login(world.leader_a).get(reverse("audits:case_detail", args=[case.pk])).content.decode()
    assert reverse("audits:report_publish", args=[case.pk]) not in html


def test_posts_out_of_scope_are_404_and_change_nothing(world, login, setup):
    case = setup["case"]
    for user in (world.office_b, setup["outsider"], world.principal_a):
        client = login(user)
        response = client.post(reverse("audits:finding_add", args=[case.pk]), {"text": "伪造", "category": "finance"})
        assert response.status_code == 404
        assert client.post(reverse("audits:report_issue", args=[case.pk]), {
            "number": "伪", "issued_on": timezone.localdate().isoformat(), "summary": "s", "conclusion": "c"}
        ).status_code == 404
    assert case.findings.count() == 1
    # a leader sees the case but may not write: refused with the reason
    response = login(world.leader_a).post(reverse("audits:finding_add", args=[case.pk]),
                                          {"text": "领导登记", "category": "finance"}, follow=True)
    assert "只有督导室或本审计组成员" in response.content.decode() and case.findings.count() == 1


def test_api_filters(world, login, setup):
    client = login(world.office_a)
    case = setup["case"]
    assert _api_ids(client) == [case.pk]
    assert client.get("/api/v1/audits?status=reported").json()["items"] == []
    assert client.get("/api/v1/audits?status=bogus").status_code == 422
    assert [r["id"] for r in client.get("/api/v1/audits?q=王建").json()["items"]] == [case.pk]
    detail = client.get(f"/api/v1/audits/{case.pk}").json()
    assert detail["requests"][0]["submitted"] is True and detail["status_label"] == "实施中"
    assert client.get("/api/v1/audits/999999").status_code == 404
