"""年检 pages: scope (an institution sees only itself, a reviewer only what was given, district B nothing),
refusals re-rendered with what was typed (status 400), exports, bounded queries, to-dos, the calendar item and
the school profile's section."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dudao.checks.models import AnnualReport, AnnualReportStatus, AnnualRound
from dudao.checks.services import annual as services
from dudao.checks.todo_annual import to_assign, to_review, to_submit
from dudao.checks.year_annual import calendar_annual_deadlines
from tests.checks.annual_fixtures import annual_world, make_round, pdf_upload, upload_all  # noqa: F401

pytestmark = pytest.mark.django_db


def report_url(annual, school, name="checks:annual_report"):
    return reverse(name, args=[AnnualReport.objects.get(round=annual, school=school).pk])


def test_create_round_through_the_page(world, aw, login):
    client = login(world.office_a)
    assert client.get(reverse("checks:annual_create")).status_code == 200
    response = client.post(reverse("checks:annual_create"), {
        "region": world.county_a.code, "year": "2026", "title": "2026年度年检", "submit_by": "2026-11-30",
        "framework": str(aw.framework.pk)})
    annual = AnnualRound.objects.get()
    assert response.status_code == 302 and annual.framework == aw.framework
    again = client.post(reverse("checks:annual_create"), {
        "region": world.county_a.code, "year": "2026", "title": "重复的年检名称", "submit_by": "2026-11-30"})
    assert again.status_code == 400 and "已经创建" in again.content.decode()
    assert "重复的年检名称" in again.content.decode()  # nothing typed is lost
    bad_date = client.post(reverse("checks:annual_create"), {
        "region": world.county_a.code, "year": "2027", "title": "年检", "submit_by": "2027-13-45"})
    assert bad_date.status_code == 400 and "截止日期" in bad_date.content.decode()
    # another district's county cannot be chosen
    other = client.post(reverse("checks:annual_create"), {
        "region": world.county_b.code, "year": "2027", "title": "年检", "submit_by": "2027-11-30"})
    assert other.status_code == 400 and AnnualRound.objects.count() == 1


def test_school_user_cannot_create(world, aw, login):
    assert login(aw.training_user).get(reverse("checks:annual_create")).status_code == 404


def test_scope_of_reports(world, aw, login, client):
    annual = make_round(world)
    own, other = report_url(annual, aw.training), report_url(annual, aw.kindergarten)
    c = login(aw.training_user)
    assert c.get(own).status_code == 200
    assert c.get(other).status_code == 404  # another institution's report
    assert c.get(reverse("checks:annual_detail", args=[annual.pk])).status_code == 404
    listing = c.get(reverse("checks:annual_list")).content.decode()
    assert "甲区启明培训学校" in listing and "小太阳" not in listing
    client.force_login(world.office_b)
    assert client.get(own).status_code == 404
    assert client.get(reverse("checks:annual_detail", args=[annual.pk])).status_code == 404
    assert "启明" not in client.get(reverse("checks:annual_list")).content.decode()
    client.force_login(world.leader_a)
    assert client.get(own).status_code == 200 and client.get(reverse("checks:annual_detail", args=[annual.pk])).status_code == 200
    # the expert sees only the report given to them
    client.force_login(world.expert)
    assert client.get(own).status_code == 404
    report = AnnualReport.objects.get(round=annual, school=aw.training)
    upload_all(report, aw.training_user)
    services.annual_submit(actor=aw.training_user, report=report, self_report="自查")
    services.annual_reviewer_assign(actor=world.office_a, report=report, reviewer=world.expert)
    assert client.get(own).status_code == 200 and client.get(other).status_code == 404
    assert "甲区启明培训学校" in client.get(reverse("checks:annual_list")).content.decode()


def test_institution_posts_on_another_report_are_404(world, aw, login):
    annual = make_round(world)
    other = AnnualReport.objects.get(round=annual, school=aw.kindergarten)
    c = login(aw.training_user)
    req = annual.requirements.filter(kind=other.kind).first()
    assert c.post(reverse("checks:annual_upload", args=[other.pk]), {"requirement": req.pk,
                                                                     "file": pdf_upload()}).status_code == 404
    assert c.post(reverse("checks:annual_submit", args=[other.pk]), {"self_report": "x"}).status_code == 404
    assert not other.documents.exists()


def test_submit_missing_document_keeps_the_text(world, aw, login):
    annual = make_round(world)
    c = login(aw.training_user)
    response = c.post(report_url(annual, aw.training, "checks:annual_submit"), {"self_report": "我的<b>自查</b>报告"})
    page = response.content.decode()
    assert response.status_code == 400 and "营业执照或登记证书" in page
    assert "我的&lt;b&gt;自查&lt;/b&gt;报告" in page  # kept, escaped
    assert AnnualReport.objects.get(round=annual, school=aw.training).status == AnnualReportStatus.PENDING


def test_upload_wrong_type_is_400_and_good_upload_then_submit(world, aw, login):
    annual = make_round(world)
    report = AnnualReport.objects.get(round=annual, school=aw.training)
    c = login(aw.training_user)
    reqs = list(annual.requirements.filter(kind=report.kind))
    from django.core.files.uploadedfile import SimpleUploadedFile
    bad = c.post(reverse("checks:annual_upload", args=[report.pk]), {
        "requirement": reqs[0].pk, "file": SimpleUploadedFile("a.pdf", b"#!/bin/sh\nrm -rf /", "application/pdf")})
    assert bad.status_code == 400 and "不是支持的文档" in bad.content.decode()
    wrong_req = c.post(reverse("checks:annual_upload", args=[report.pk]), {"requirement": "abc", "file": pdf_upload()})
    assert wrong_req.status_code == 400
    for req in reqs:
        assert c.post(reverse("checks:annual_upload", args=[report.pk]),
                      {"requirement": req.pk, "file": pdf_upload()}).status_code == 302
    assert c.post(reverse("checks:annual_save", args=[report.pk]), {"self_report": "草稿"}).status_code == 302
    report.refresh_from_db()
    assert report.self_report == "草稿" and report.status == AnnualReportStatus.PENDING
    assert c.post(reverse("checks:annual_submit", args=[report.pk]), {"self_report": "正式"}).status_code == 302
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.SUBMITTED


def _submitted(world, aw, annual):
    report = AnnualReport.objects.get(round=annual, school=aw.training)
    upload_all(report, aw.training_user)
    return services.annual_submit(actor=aw.training_user, report=report, self_report="自查")


def test_review_pages(world, aw, login):
    annual = make_round(world, framework=aw.framework)
    report = _submitted(world, aw, annual)
    c = login(world.office_a)
    page = c.get(reverse("checks:annual_report", args=[report.pk])).content.decode()
    assert "安排评审" in page and "记录结论" in page and "A1.1" in page
    # a school user posting office actions: 404, as a role without the page (security review)
    s = login(aw.training_user)
    assert s.post(reverse("checks:annual_result", args=[report.pk]), {"result": "pass"}).status_code == 404
    assert s.post(reverse("checks:annual_assign", args=[report.pk]), {"reviewer": world.expert.pk}).status_code == 404
    c = login(world.office_a)
    no_reason = c.post(reverse("checks:annual_result", args=[report.pk]), {"result": "fail", "reasons": ""})
    assert no_reason.status_code == 400 and "须写明理由" in no_reason.content.decode()
    no_date = c.post(reverse("checks:annual_result", args=[report.pk]),
                     {"result": "rectify", "reasons": "消防通道堵塞", "rectify_due": ""})
    text = no_date.content.decode()
    assert no_date.status_code == 400 and "整改期限" in text and "消防通道堵塞" in text
    bad_date = c.post(reverse("checks:annual_result", args=[report.pk]),
                      {"result": "rectify", "reasons": "x", "rectify_due": "2099-02-30"})
    assert bad_date.status_code == 400 and "不是有效日期" in bad_date.content.decode()
    bad_score = c.post(reverse("checks:annual_score", args=[report.pk]), {"v_A1.2": "99", "v_A1.1": "达标"})
    assert bad_score.status_code == 400 and 'value="99"' in bad_score.content.decode()
    assert c.post(reverse("checks:annual_score", args=[report.pk]),
                  {"v_A1.1": "达标", "v_A1.2": "9", "v_A2.1": "A"}).status_code == 302
    assert c.post(reverse("checks:annual_assign", args=[report.pk]), {"reviewer": world.expert.pk}).status_code == 302
    assert c.post(reverse("checks:annual_return", args=[report.pk]), {"reason": ""}).status_code == 400
    done = c.post(reverse("checks:annual_result", args=[report.pk]), {"result": "pass", "reasons": ""})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.result == "pass" and float(report.score) > 90
    # the institution sees its result, not the score
    own = login(aw.training_user).get(reverse("checks:annual_report", args=[report.pk])).content.decode()
    assert "年检结论：合格" in own and "评审得分" not in own


def test_round_page_checklist_and_publish(world, aw, login):
    annual = make_round(world, open_it=False)
    c = login(world.office_a)
    req = annual.requirements.filter(kind="training").first()
    assert c.post(reverse("checks:annual_requirement_toggle", args=[annual.pk]), {"requirement": req.pk}).status_code == 302
    req.refresh_from_db()
    assert not req.required
    assert c.post(reverse("checks:annual_requirement_add", args=[annual.pk]),
                  {"kind": "training", "title": "消防演练记录", "required": "on"}).status_code == 302
    # a requirement of another round through this round's URL
    other = make_round(world, year=2025, submit_by=datetime.date(2025, 11, 30), open_it=False)
    stray = other.requirements.first()
    assert c.post(reverse("checks:annual_requirement_remove", args=[annual.pk]), {"requirement": stray.pk}).status_code == 404
    assert c.post(reverse("checks:annual_requirement_remove", args=[annual.pk]), {"requirement": req.pk}).status_code == 302
    assert c.post(reverse("checks:annual_open", args=[annual.pk])).status_code == 302
    report = _submitted(world, aw, annual)
    services.annual_result(actor=world.office_a, report=report, result="pass")
    assert c.post(reverse("checks:annual_publish", args=[annual.pk])).status_code == 302
    annual.refresh_from_db()
    assert annual.publication_id
    page = c.get(reverse("checks:annual_detail", args=[annual.pk])).content.decode()
    assert "另有 2 家尚未评定" in page
    x = c.get(reverse("checks:annual_detail", args=[annual.pk]) + "?export=xlsx")
    assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxml")
    assert login(world.office_b).post(reverse("checks:annual_publish", args=[annual.pk])).status_code == 404


def test_round_page_queries_are_bounded(world, aw, login):
    from dudao.regions.models import Region
    from dudao.schools.models import School
    town = Region.objects.get(code="990102002")
    annual = make_round(world, open_it=False)
    c = login(world.office_a)
    url = reverse("checks:annual_detail", args=[annual.pk])

    def count():
        c.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert c.get(url).status_code == 200
        return len(queries)

    School.objects.bulk_create([School(code=f"19901029{i:02d}", name=f"培训机构{i}", school_type="training",
                                       ownership="private", urban_rural="urban", region=town) for i in range(3)])
    services.annual_round_open(actor=world.office_a, annual=annual)
    few = count()
    new = [School(code=f"19901027{i:02d}", name=f"新培训机构{i}", school_type="training", ownership="private",
                  urban_rural="urban", region=town) for i in range(30)]
    School.objects.bulk_create(new)
    AnnualReport.objects.bulk_create([AnnualReport(round=annual, school=s, region_code=s.region_id, kind="training")
                                      for s in School.objects.filter(name__startswith="新培训机构")])
    assert count() == few <= 20


def test_todos_and_calendar(world, aw):
    annual = make_round(world)
    today = datetime.date(2026, 11, 1)
    assert [t.kind for t in to_submit(aw.training_user, today)] == ["checks.annual_submit"]
    assert to_submit(world.principal_a, today) == []
    report = _submitted(world, aw, annual)
    assert to_submit(aw.training_user, today) == []
    assert [t.url for t in to_assign(world.office_a, today)] == [reverse("checks:annual_report", args=[report.pk])]
    assert to_assign(world.office_b, today) == []
    services.annual_reviewer_assign(actor=world.office_a, report=report, reviewer=world.expert)
    assert to_assign(world.office_a, today) == [] and len(to_review(world.expert, today)) == 1
    services.annual_return(actor=world.expert, report=report, reason="补盖章页")
    assert to_submit(aw.training_user, today)[0].title == "按退回意见补正年检材料"
    items = calendar_annual_deadlines(world.office_a, datetime.date(2026, 11, 1), datetime.date(2026, 12, 31))
    assert [(i.start, i.source) for i in items] == [(datetime.date(2026, 11, 30), "checks.annual")]
    assert calendar_annual_deadlines(world.office_b, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)) == []


def test_school_profile_section(world, aw, login):
    make_round(world)
    page = login(world.office_a).get(reverse("dashboard:school_detail", args=[aw.training.pk])).content.decode()
    assert "年检记录" in page and "2026年度民办学校和校外培训机构年检" in page
    public = login(world.office_a).get(reverse("dashboard:school_detail", args=[world.schools_a[0].pk])).content.decode()
    assert "年检记录" not in public
    own = login(aw.training_user).get(reverse("dashboard:school_detail", args=[aw.training.pk]))
    assert own.status_code == 200 and "年检记录" in own.content.decode()


def test_late_mark_shown(world, aw, login):
    annual = make_round(world, submit_by=datetime.date(2026, 1, 5))
    report = _submitted(world, aw, annual)
    assert "逾期提交" in login(world.office_a).get(reverse("checks:annual_report", args=[report.pk])).content.decode()
    assert "逾期提交" in login(world.office_a).get(reverse("checks:annual_detail", args=[annual.pk])).content.decode()


def test_late_is_judged_on_the_beijing_date(world, aw):
    annual = make_round(world, submit_by=datetime.date(2026, 11, 30))
    report = AnnualReport.objects.select_related("round").get(round=annual, school=aw.training)
    from dudao.checks.selectors.annual import is_late
    utc = datetime.UTC
    report.submitted_at = datetime.datetime(2026, 11, 30, 15, 30, tzinfo=utc)  # 23:30 Beijing, the last day
    assert not is_late(report)
    report.submitted_at = datetime.datetime(2026, 11, 30, 16, 30, tzinfo=utc)  # 00:30 Beijing, the day after
    assert is_late(report)
