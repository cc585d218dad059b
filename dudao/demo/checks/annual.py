"""Demo: 年检 (issue 23). Last year's round finished and published — every institution reviewed, mostly 合格, two
基本合格, one 不合格 and one 限期整改 with its findings — and this year's round open: the institution that failed last
year fails again (the registry's "不合格 twice" flag), a few reports wait for a reviewer, for review or for a
correction, and demo_training's institution has not submitted yet (the 390 px browser test submits it).

Everything goes through the services; afterwards last year's dates are moved back to last year (the services
stamp "now"), as other demo parts do."""

import datetime
import secrets

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.checks.models import (
    AnnualDocument,
    AnnualReport,
    AnnualReportStatus,
    AnnualReportTransition,
    AnnualRound,
    CreditEntry,
)
from dudao.checks.services import annual as services
from dudao.core.models import Role, RoleAssignment
from dudao.core.services import role_assign, user_create
from dudao.rectification.models import Finding, Publication

User = get_user_model()
PDF = b"%PDF-1.4\n% demo annual document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SELF_REPORT = ("本年度本机构坚持依法办学，证照齐全有效，收费项目和标准按规定公示，资金纳入监管账户；"
               "教职工均持证上岗并参加社会保险；校舍和消防设施经检查合格。存在的不足：安全演练记录不够完整，"
               "下一年度将按月开展并留存记录。")
FAIL_REASONS = "超出许可范围开展学科类培训\n未按规定将预收费纳入资金监管账户\n部分从业人员无教师资格证"
RECTIFY_REASONS = "1. 消防安全检查合格材料已过期，需重新检查\n2. 收费公示内容与实际收费标准不一致"


def _pdf(title: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{title}.pdf", PDF, content_type="application/pdf")


def _hand_in(report: AnnualReport, user) -> AnnualReport:
    for requirement in report.round.requirements.filter(kind=report.kind, required=True).order_by("order"):
        services.annual_document_upload(actor=user, report=report, requirement=requirement, upload=_pdf(requirement.title))
    return services.annual_submit(actor=user, report=report, self_report=SELF_REPORT)


def _school_user(admin, school, cache: dict):
    """The institution's own account (demo_training for its institution); others get one for the demo, as the
    rectification demo does for schools."""
    existing = RoleAssignment.objects.filter(role=Role.SCHOOL, school=school).select_related("user").first()
    if existing:
        user = existing.user
    else:
        user = user_create(actor=admin, username=f"school_{school.code}", full_name=f"{school.name}负责人",
                           password=secrets.token_urlsafe(12))
        role_assign(actor=admin, user=user, role=Role.SCHOOL, school=school)
    cache[school.pk] = user
    return user


def load(*, admin, office_user, county) -> None:
    if AnnualRound.objects.filter(region=county).exists():
        return
    today = timezone.localdate()
    schools = list(services.institutions_of(county.code))
    if not schools:
        return
    training_user = User.objects.filter(username="demo_training").first()
    if training_user is not None and not training_user.role_assignments.exists():
        first_training = next((s for s in schools if s.school_type == "training"), None)
        if first_training is not None:
            role_assign(actor=admin, user=training_user, role=Role.SCHOOL, school=first_training)
    demo_school_id = (training_user.role_assignments.filter(role=Role.SCHOOL).values_list("school_id", flat=True)
                      .first() if training_user else None)
    expert = User.objects.get(username="demo_expert")
    inspector = User.objects.get(username="demo_inspector")
    users: dict[int, object] = {}

    # ---- last year: finished and published ----------------------------------------------------------------
    last = today.year - 1
    done_round = services.annual_round_create(actor=office_user, region=county, year=last,
                                              title=f"{last}年度民办学校和校外培训机构年检",
                                              submit_by=datetime.date(last, 11, 30))
    services.annual_round_open(actor=office_user, annual=done_round)
    reports = list(AnnualReport.objects.filter(round=done_round).select_related("round", "school")
                   .order_by("kind", "school__code"))
    # the one that fails twice: the first training institution that is not demo_training's
    twice = next((r for r in reports if r.kind == "training" and r.school_id != demo_school_id), reports[0])
    rectify = next((r for r in reports if r.pk != twice.pk and r.kind == "training" and r.school_id != demo_school_id),
                   reports[-1])
    basics = [r for r in reports if r.pk not in (twice.pk, rectify.pk)][:2]
    review_day = datetime.date(last, 12, 10)
    for n, report in enumerate(reports):
        _hand_in(report, _school_user(admin, report.school, users))
        reviewer = expert if n % 2 == 0 else inspector
        services.annual_reviewer_assign(actor=office_user, report=report, reviewer=reviewer)
        if report.pk == twice.pk:
            services.annual_result(actor=reviewer, report=report, result="fail", reasons=FAIL_REASONS,
                                   today=review_day)
        elif report.pk == rectify.pk:
            services.annual_result(actor=reviewer, report=report, result="rectify", reasons=RECTIFY_REASONS,
                                   rectify_due=datetime.date(last + 1, 3, 31), today=review_day)
        elif report in basics:
            services.annual_result(actor=reviewer, report=report, result="basic", reasons="个别材料未盖章，已当场说明。",
                                   today=review_day)
        else:
            services.annual_result(actor=reviewer, report=report, result="pass", today=review_day)
    publication = services.annual_publish(actor=office_user, annual=done_round)
    services.annual_round_close(actor=office_user, annual=done_round)
    _backdate(done_round, publication, datetime.date(last, 11, 20), review_day)

    # ---- this year: open ----------------------------------------------------------------------------------
    open_round = services.annual_round_create(actor=office_user, region=county, year=today.year,
                                              title=f"{today.year}年度民办学校和校外培训机构年检",
                                              submit_by=max(datetime.date(today.year, 11, 30),
                                                            today + datetime.timedelta(days=21)))
    services.annual_round_open(actor=office_user, annual=open_round)
    current = {r.school_id: r for r in AnnualReport.objects.filter(round=open_round).select_related("round", "school")}
    again = current[twice.school_id]
    _hand_in(again, users[twice.school_id])
    services.annual_reviewer_assign(actor=office_user, report=again, reviewer=expert)
    services.annual_result(actor=expert, report=again, result="fail",
                           reasons="上年度年检指出的超范围培训问题仍未整改\n预收费仍未纳入资金监管")
    others = [r for r in sorted(current.values(), key=lambda r: (r.kind, r.school.code))
              if r.school_id not in (twice.school_id, demo_school_id)]
    if len(others) >= 3:
        waiting, to_review, to_correct = others[:3]
        _hand_in(waiting, users[waiting.school_id])  # 已提交, no reviewer yet: the office's to-do
        _hand_in(to_review, users[to_review.school_id])
        services.annual_reviewer_assign(actor=office_user, report=to_review, reviewer=expert)  # the expert's to-do
        _hand_in(to_correct, users[to_correct.school_id])
        services.annual_reviewer_assign(actor=office_user, report=to_correct, reviewer=inspector)
        services.annual_return(actor=inspector, report=to_correct, reason="年度财务审计报告缺少审计机构盖章页，请补正后重新提交。")


def _backdate(annual: AnnualRound, publication, submitted_on: datetime.date, reviewed_on: datetime.date) -> None:
    """Move last year's stamps to last year (the services stamp now)."""
    tz = timezone.get_current_timezone()
    submitted = datetime.datetime.combine(submitted_on, datetime.time(10, 0), tz)
    reviewed = datetime.datetime.combine(reviewed_on, datetime.time(15, 0), tz)
    published = reviewed + datetime.timedelta(days=10)
    reports = AnnualReport.objects.filter(round=annual)
    reports.update(submitted_at=submitted, reviewed_at=reviewed)
    AnnualReportTransition.objects.filter(report__round=annual, to_status=AnnualReportStatus.PENDING).update(
        at=submitted - datetime.timedelta(days=40))
    AnnualReportTransition.objects.filter(report__round=annual, to_status=AnnualReportStatus.SUBMITTED).update(
        at=submitted, note="")
    AnnualReportTransition.objects.filter(report__round=annual, to_status=AnnualReportStatus.REVIEWED).update(at=reviewed)
    AnnualDocument.objects.filter(report__round=annual).update(uploaded_at=submitted - datetime.timedelta(hours=1))
    Finding.objects.filter(source="annual", source_type="checks.annualreport",
                           source_id__regex=r"^(" + "|".join(str(pk) for pk in reports.values_list("pk", flat=True))
                           + r"):").update(raised_at=reviewed)
    CreditEntry.objects.filter(annual_report__round=annual).update(on=reviewed_on)
    Publication.objects.filter(pk=publication.pk).update(published_at=published)
    AnnualRound.objects.filter(pk=annual.pk).update(published_at=published)

