"""年检 services: the round and its checklist, submission with documents, review, result, findings once, credit
entries, publication, and every refusal of issue 23 (Bad input)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.checks.models import (
    AnnualDocument,
    AnnualReport,
    AnnualReportStatus,
    AnnualRoundStatus,
    CreditEntry,
    InstitutionKind,
)
from dudao.checks.selectors.annual import annual_fail_counts, missing_requirements
from dudao.checks.services import annual as services
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.frameworks.models import Framework
from dudao.rectification.models import Finding, FindingStatus, Publication
from tests.checks.annual_fixtures import annual_world, make_round, pdf_upload, png_upload, upload_all  # noqa: F401

pytestmark = pytest.mark.django_db
FUTURE = datetime.date.today() + datetime.timedelta(days=90)


def report_of(annual, school) -> AnnualReport:
    return AnnualReport.objects.get(round=annual, school=school)


def submitted(world, aw, annual, school=None, user=None):
    report = report_of(annual, school or aw.training)
    upload_all(report, user or aw.training_user)
    return services.annual_submit(actor=user or aw.training_user, report=report, self_report="本年度依法办学。")


# ---- the round ---------------------------------------------------------------------------------------------

def test_open_makes_one_report_per_institution_of_the_county(world, aw):
    annual = make_round(world)
    kinds = dict(AnnualReport.objects.filter(round=annual).values_list("school__name", "kind"))
    assert kinds == {"甲区启明培训学校": InstitutionKind.TRAINING, "甲区小太阳幼儿园": InstitutionKind.PRIVATE_KINDERGARTEN,
                     "甲区育才实验学校": InstitutionKind.PRIVATE_SCHOOL}  # no public school, nothing of county B
    titles = set(annual.requirements.filter(kind=InstitutionKind.PRIVATE_KINDERGARTEN).values_list("title", flat=True))
    assert {"卫生保健合格证", "食品经营许可证", "年度财务审计报告"} <= titles
    assert AuditLog.objects.filter(action="checks.annual_open").count() == 1
    with pytest.raises(ApplicationError, match="不能重复开始"):
        services.annual_round_open(actor=world.office_a, annual=annual)


def test_one_round_per_region_and_year(world, aw):
    make_round(world, open_it=False)
    with pytest.raises(ApplicationError, match="已经创建"):
        make_round(world, open_it=False)


def test_round_refusals(world, aw):
    with pytest.raises(PermissionDenied):
        services.annual_round_create(actor=world.office_b, region=world.county_a, year=2026, title="年检",
                                     submit_by=datetime.date(2026, 11, 30))
    with pytest.raises(ApplicationError, match="名称"):
        services.annual_round_create(actor=world.office_a, region=world.county_a, year=2026, title=" \x00 ",
                                     submit_by=datetime.date(2026, 11, 30))
    draft = Framework.objects.create(region=world.county_a, family="draft", name="草稿", kind="special", target="school",
                                     definition=aw.framework.definition, created_by=world.office_a)
    with pytest.raises(ApplicationError, match="已定版"):
        services.annual_round_create(actor=world.office_a, region=world.county_a, year=2026, title="年检",
                                     submit_by=datetime.date(2026, 11, 30), framework=draft)
    with pytest.raises(ApplicationError, match="相差太远"):
        services.annual_round_create(actor=world.office_a, region=world.county_a, year=2026, title="年检",
                                     submit_by=datetime.date(2030, 1, 1))


def test_checklist_edit_before_open_only(world, aw):
    annual = make_round(world, open_it=False)
    req = services.annual_requirement_add(actor=world.office_a, annual=annual, kind=InstitutionKind.TRAINING,
                                          title="消防演练记录", required=False)
    assert not req.required
    assert services.annual_requirement_toggle(actor=world.office_a, requirement=req).required
    with pytest.raises(ApplicationError, match="已在"):
        services.annual_requirement_add(actor=world.office_a, annual=annual, kind=InstitutionKind.TRAINING,
                                        title="消防演练记录")
    with pytest.raises(PermissionDenied):
        services.annual_requirement_remove(actor=world.office_b, requirement=req)
    services.annual_requirement_remove(actor=world.office_a, requirement=req)
    services.annual_round_open(actor=world.office_a, annual=annual)
    with pytest.raises(ApplicationError, match="不能再修改"):
        services.annual_requirement_add(actor=world.office_a, annual=annual, kind=InstitutionKind.TRAINING, title="x")


def test_open_refused_when_a_kind_has_no_checklist(world, aw):
    annual = make_round(world, open_it=False)
    for req in annual.requirements.filter(kind=InstitutionKind.TRAINING):
        services.annual_requirement_remove(actor=world.office_a, requirement=req)
    with pytest.raises(ApplicationError, match="校外培训机构的材料清单为空"):
        services.annual_round_open(actor=world.office_a, annual=annual)
    assert not AnnualReport.objects.filter(round=annual).exists()


# ---- submission --------------------------------------------------------------------------------------------

def test_submit_names_each_missing_required_document(world, aw):
    annual = make_round(world)
    report = report_of(annual, aw.training)
    first = report.round.requirements.get(kind=InstitutionKind.TRAINING, title="办学许可证")
    services.annual_document_upload(actor=aw.training_user, report=report, requirement=first, upload=pdf_upload())
    with pytest.raises(ApplicationError) as exc:
        services.annual_submit(actor=aw.training_user, report=report, self_report="自查")
    assert "营业执照或登记证书" in exc.value.message and "消防安全检查合格材料" in exc.value.message
    assert "办学许可证、" not in exc.value.message.split("：", 1)[1][:6]
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.PENDING and report.submitted_at is None
    assert [r.title for r in missing_requirements(report)][0] == "年度自查报告"


def test_optional_documents_are_not_required(world, aw):
    annual = make_round(world, open_it=False)
    req = annual.requirements.get(kind=InstitutionKind.TRAINING, title="资金监管协议")
    services.annual_requirement_toggle(actor=world.office_a, requirement=req)
    services.annual_round_open(actor=world.office_a, annual=annual)
    report = submitted(world, aw, annual)
    assert report.status == AnnualReportStatus.SUBMITTED
    assert not AnnualDocument.objects.filter(report=report, requirement=req).exists()


def test_wrong_file_type_refused_by_content(world, aw):
    annual = make_round(world)
    report = report_of(annual, aw.training)
    req = annual.requirements.filter(kind=InstitutionKind.TRAINING).first()
    fake = SimpleUploadedFile("许可证.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    with pytest.raises(ApplicationError, match="不是支持的文档"):
        services.annual_document_upload(actor=aw.training_user, report=report, requirement=req, upload=fake)
    html = SimpleUploadedFile("x.png", b"<html><script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ApplicationError, match="不是有效的图片"):
        services.annual_document_upload(actor=aw.training_user, report=report, requirement=req, upload=html)
    assert not AnnualDocument.objects.exists()


def test_nul_in_a_file_name_is_dropped(world, aw):
    annual = make_round(world)
    report = report_of(annual, aw.training)
    req = annual.requirements.filter(kind=InstitutionKind.TRAINING).first()
    doc = services.annual_document_upload(actor=aw.training_user, report=report, requirement=req,
                                          upload=pdf_upload("许可\x00证.pdf"))
    assert doc.file.original_name == "许可证.pdf"


def test_upload_is_a_new_row_with_sha256(world, aw):
    annual = make_round(world)
    report = report_of(annual, aw.training)
    req = annual.requirements.filter(kind=InstitutionKind.TRAINING).first()
    a = services.annual_document_upload(actor=aw.training_user, report=report, requirement=req, upload=pdf_upload())
    b = services.annual_document_upload(actor=aw.training_user, report=report, requirement=req, upload=png_upload())
    assert a.pk != b.pk and len(a.sha256) == 64 and a.sha256 != b.sha256
    assert AnnualDocument.objects.filter(report=report, requirement=req).count() == 2


def test_only_the_institution_uploads_and_submits(world, aw):
    annual = make_round(world)
    report = report_of(annual, aw.training)
    req = annual.requirements.filter(kind=InstitutionKind.TRAINING).first()
    for intruder in (aw.kindergarten_user, world.office_a, world.principal_a, world.office_b):
        with pytest.raises(PermissionDenied):
            services.annual_document_upload(actor=intruder, report=report, requirement=req, upload=pdf_upload())
        with pytest.raises(PermissionDenied):
            services.annual_submit(actor=intruder, report=report, self_report="x")
    other_kind = annual.requirements.filter(kind=InstitutionKind.PRIVATE_SCHOOL).first()
    with pytest.raises(ApplicationError, match="不在本机构"):
        services.annual_document_upload(actor=aw.training_user, report=report, requirement=other_kind,
                                        upload=pdf_upload())


def test_late_submission_is_accepted_and_marked(world, aw):
    annual = make_round(world, submit_by=datetime.date(2026, 1, 10), year=2026)
    report = submitted(world, aw, annual)
    assert report.status == AnnualReportStatus.SUBMITTED
    assert report.transitions.get(to_status=AnnualReportStatus.SUBMITTED).note == "逾期提交"


def test_submission_refused_after_the_round_is_closed(world, aw):
    annual = make_round(world)
    report = report_of(annual, aw.training)
    upload_all(report, aw.training_user)
    services.annual_round_close(actor=world.office_a, annual=annual)
    with pytest.raises(ApplicationError, match="已结束"):
        services.annual_submit(actor=aw.training_user, report=report, self_report="自查")


def test_nul_and_empty_self_report(world, aw):
    annual = make_round(world)
    report = report_of(annual, aw.training)
    upload_all(report, aw.training_user)
    with pytest.raises(ApplicationError, match="请填写自查报告"):
        services.annual_submit(actor=aw.training_user, report=report, self_report=" \x00 ")
    done = services.annual_submit(actor=aw.training_user, report=report, self_report="合规\x00办学")
    assert done.self_report == "合规办学"
    with pytest.raises(ApplicationError, match="不能再修改"):
        services.annual_submit(actor=aw.training_user, report=report, self_report="again")


# ---- review ------------------------------------------------------------------------------------------------

def test_review_before_submit_refused(world, aw):
    annual = make_round(world)
    report = report_of(annual, aw.training)
    with pytest.raises(ApplicationError, match="只有已提交"):
        services.annual_result(actor=world.office_a, report=report, result="pass")
    with pytest.raises(ApplicationError, match="待提交"):
        services.annual_return(actor=world.office_a, report=report, reason="补材料")


def test_reviewer_must_be_inspector_or_expert_and_only_they_review(world, aw):
    annual = make_round(world)
    report = submitted(world, aw, annual)
    with pytest.raises(ApplicationError, match="督学或评估专家"):
        services.annual_reviewer_assign(actor=world.office_a, report=report, reviewer=world.principal_a)
    with pytest.raises(PermissionDenied):
        services.annual_reviewer_assign(actor=world.expert, report=report, reviewer=world.expert)
    with pytest.raises(PermissionDenied):
        services.annual_result(actor=world.expert, report=report, result="pass")
    services.annual_reviewer_assign(actor=world.office_a, report=report, reviewer=world.expert)
    with pytest.raises(PermissionDenied):
        services.annual_result(actor=world.inspector_a, report=report, result="pass")
    with pytest.raises(PermissionDenied):
        services.annual_result(actor=world.office_b, report=report, result="pass")
    done = services.annual_result(actor=world.expert, report=report, result="pass")
    assert done.status == AnnualReportStatus.REVIEWED and done.reviewed_by == world.expert


def test_return_needs_reason_and_resubmission_works(world, aw):
    annual = make_round(world)
    report = submitted(world, aw, annual)
    with pytest.raises(ApplicationError, match="写明原因"):
        services.annual_return(actor=world.office_a, report=report, reason="  ")
    services.annual_return(actor=world.office_a, report=report, reason="财务审计报告缺少盖章页")
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.RETURNED
    again = services.annual_submit(actor=aw.training_user, report=report, self_report="已补正")
    assert again.status == AnnualReportStatus.SUBMITTED


def test_result_refusals(world, aw):
    annual = make_round(world)
    report = submitted(world, aw, annual)
    with pytest.raises(ApplicationError, match="须写明理由"):
        services.annual_result(actor=world.office_a, report=report, result="fail", reasons=" ")
    with pytest.raises(ApplicationError, match="须写明理由"):
        services.annual_result(actor=world.office_a, report=report, result="basic")
    with pytest.raises(ApplicationError, match="须填写整改期限"):
        services.annual_result(actor=world.office_a, report=report, result="rectify", reasons="1. 消防通道堵塞")
    with pytest.raises(ApplicationError, match="晚于今天"):
        services.annual_result(actor=world.office_a, report=report, result="rectify", reasons="消防通道堵塞",
                               rectify_due=datetime.date(2020, 1, 1))
    with pytest.raises(ApplicationError, match="不应超过两年"):
        services.annual_result(actor=world.office_a, report=report, result="rectify", reasons="消防通道堵塞",
                               rectify_due=datetime.date(2999, 1, 1))
    with pytest.raises(ApplicationError, match="请选择年检结论"):
        services.annual_result(actor=world.office_a, report=report, result="excellent")
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.SUBMITTED and not report.result
    assert not Finding.objects.exists() and not CreditEntry.objects.exists()


def test_rectify_raises_one_finding_per_line_once(world, aw):
    annual = make_round(world)
    report = submitted(world, aw, annual)
    reasons = "1. 消防通道堵塞\n2、收费未公示\n\n（三）教师资格证不全"
    done = services.annual_result(actor=world.office_a, report=report, result="rectify", reasons=reasons,
                                  rectify_due=FUTURE)
    findings = list(Finding.objects.filter(source="annual").order_by("source_id"))
    assert [f.description for f in findings] == ["消防通道堵塞", "收费未公示", "教师资格证不全"]
    assert {f.due_date for f in findings} == {FUTURE} and {f.school_id for f in findings} == {aw.training.pk}
    assert all(f.status == FindingStatus.OPEN for f in findings)
    assert [f.source_id for f in findings] == [f"{report.pk}:1", f"{report.pk}:2", f"{report.pk}:3"]
    # a second decision on the same report is refused, so nothing is raised twice
    with pytest.raises(ApplicationError):
        services.annual_result(actor=world.office_a, report=done, result="rectify", reasons=reasons, rectify_due=FUTURE)
    assert services._raise_findings(world.office_a, done) == 0
    assert Finding.objects.filter(source="annual").count() == 3
    entry = CreditEntry.objects.get(annual_report=report)
    assert entry.negative and entry.kind == "annual" and "限期整改" in entry.text


@pytest.mark.parametrize(("result", "negative"), [("pass", False), ("fail", True)])
def test_credit_entries(world, aw, result, negative):
    annual = make_round(world)
    report = submitted(world, aw, annual)
    services.annual_result(actor=world.office_a, report=report, result=result, reasons="问题较多" if negative else "")
    entry = CreditEntry.objects.get(annual_report=report)
    assert entry.negative is negative and entry.school == aw.training


def test_basic_writes_no_credit_entry(world, aw):
    annual = make_round(world)
    report = submitted(world, aw, annual)
    services.annual_result(actor=world.office_a, report=report, result="basic", reasons="个别材料不规范")
    assert not CreditEntry.objects.exists()


def test_scoring_with_the_framework(world, aw):
    annual = make_round(world, framework=aw.framework)
    report = submitted(world, aw, annual)
    with pytest.raises(ApplicationError, match="未评分"):
        services.annual_result(actor=world.office_a, report=report, result="pass")
    with pytest.raises(ApplicationError, match="超出"):
        services.annual_score(actor=world.office_a, report=report, values={"A1.2": "-3"})
    with pytest.raises(ApplicationError, match="不在本次年检"):
        services.annual_score(actor=world.office_a, report=report, values={"Z9": "1"})
    with pytest.raises(ApplicationError, match="不在本次年检"):
        services.annual_score(actor=world.office_a, report=report, values={"A1": "1"})  # not a check point
    services.annual_score(actor=world.office_a, report=report, values={"A1.1": "达标", "A1.2": "8", "A2.1": "B"})
    report.refresh_from_db()
    # A1 = (100 + 80) / 2 = 90, A2 = 80, total = 0.6 * 90 + 0.4 * 80 = 86
    assert float(report.score) == pytest.approx(86.0)
    services.annual_score(actor=world.office_a, report=report, values={"A2.1": "N/A"})
    report.refresh_from_db()
    assert float(report.score) == pytest.approx(90.0)
    done = services.annual_result(actor=world.office_a, report=report, result="pass")
    assert done.status == AnnualReportStatus.REVIEWED


def test_scoring_refused_without_a_framework_or_before_submit(world, aw):
    annual = make_round(world)
    report = submitted(world, aw, annual)
    with pytest.raises(ApplicationError, match="未使用评审指标体系"):
        services.annual_score(actor=world.office_a, report=report, values={"A1.1": "达标"})
    other = report_of(annual, aw.kindergarten)
    with pytest.raises(ApplicationError, match="只有已提交"):
        services.annual_score(actor=world.office_a, report=other, values={})


# ---- publication and flags ---------------------------------------------------------------------------------

def test_publication_lists_results_only(world, aw):
    annual = make_round(world, framework=aw.framework)
    with pytest.raises(ApplicationError, match="还没有评定"):
        services.annual_publish(actor=world.office_a, annual=annual)
    report = submitted(world, aw, annual)
    services.annual_score(actor=world.office_a, report=report, values={"A1.1": "不达标", "A1.2": "3", "A2.1": "D"})
    services.annual_result(actor=world.office_a, report=report, result="fail", reasons="机密理由：无证开展学科类培训")
    with pytest.raises(PermissionDenied):
        services.annual_publish(actor=world.office_b, annual=annual)
    item = services.annual_publish(actor=world.office_a, annual=annual)
    assert item.kind == "result" and item.region_code == world.county_a.code
    assert "甲区启明培训学校：不合格" in item.body and "另有 2 家机构年检尚未完成" in item.body
    assert "机密理由" not in item.body and "分" not in item.body.replace("部分", "")
    assert "小太阳" not in item.body
    annual.refresh_from_db()
    assert annual.publication == item and annual.published_at
    with pytest.raises(ApplicationError, match="没有变化"):
        services.annual_publish(actor=world.office_a, annual=annual)
    kg = submitted(world, aw, annual, aw.kindergarten, aw.kindergarten_user)
    services.annual_score(actor=world.office_a, report=kg, values={"A1.1": "达标", "A1.2": "10", "A2.1": "A"})
    services.annual_result(actor=world.office_a, report=kg, result="pass")
    newer = services.annual_publish(actor=world.office_a, annual=annual)
    item.refresh_from_db()
    assert item.withdrawn_at and not newer.withdrawn_at and "甲区小太阳幼儿园：合格" in newer.body
    assert Publication.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_public_results_page_shows_the_notice(world, aw, client):
    annual = make_round(world)
    report = submitted(world, aw, annual)
    services.annual_result(actor=world.office_a, report=report, result="rectify", reasons="内部理由甲\n内部理由乙",
                           rectify_due=FUTURE)
    item = services.annual_publish(actor=world.office_a, annual=annual)
    page = client.get("/public/results/").content.decode()
    assert item.title in page
    detail = client.get(f"/public/results/{item.pk}/").content.decode()
    assert "甲区启明培训学校：限期整改" in detail and "内部理由" not in detail
    feed = client.get("/public/results/feed.atom").content.decode()
    assert item.title in feed


def test_fail_counts(world, aw):
    for year in (2025, 2026):
        annual = make_round(world, year=year, submit_by=datetime.date(year, 11, 30))
        report = submitted(world, aw, annual)
        services.annual_result(actor=world.office_a, report=report, result="fail", reasons="不合格")
    assert annual_fail_counts([aw.training.pk, aw.kindergarten.pk]) == {aw.training.pk: 2}
    assert annual_fail_counts([]) == {}


def test_close_only_open_rounds(world, aw):
    annual = make_round(world, open_it=False)
    with pytest.raises(ApplicationError, match="只有填报与评审中"):
        services.annual_round_close(actor=world.office_a, annual=annual)
    services.annual_round_open(actor=world.office_a, annual=annual)
    assert services.annual_round_close(actor=world.office_a, annual=annual).status == AnnualRoundStatus.CLOSED
