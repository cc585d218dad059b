"""Every page of the project renders for every demo role: a crawler over the URL resolver.

The demo district is loaded once for this module, a complaint is filed from a school's public plaque page (the
real POST, as the public) and the daily deadline job is run a few weeks ahead, so the database holds records
made by the public and by the system (no actor) next to the staff's. Then every URL pattern of the project
(pages, documents, exports, public pages and the API) is requested with real ids, as each demo account and
anonymously, and no answer may be a 5xx. Patterns are read from the resolver, never typed here: a page added
later is crawled automatically, and a kwarg the crawler cannot fill fails the test until a sampler is added
below (or the pattern goes on the short SKIP list with its reason).
"""

import datetime
import re
import time
import traceback
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db.models import Q
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from dudao.core.models import ApiToken, AuditLog, Notification, RoleAssignment
from dudao.core.scope import scope_for
from dudao.core.services import token_issue
from dudao.documents.files import file_token
from dudao.documents.models import StoredFile
from dudao.documents.render import TEMPLATES as DOCUMENT_TEMPLATES
from dudao.frameworks.models import Framework
from dudao.inspections.models import BatchStatus, Inspection, OpinionBatch, Target, Transition
from dudao.monitoring.models import Campaign, CampaignTask
from dudao.people.models import Expert, Inspector, SchoolSupervisor
from dudao.planning.models import (
    ArchiveExport,
    ArchiveYear,
    Briefing,
    BriefingSection,
    ChronicleEntry,
    Meeting,
    MeetingDecision,
    Plan,
    PlanSection,
    PlanTask,
    Submission,
    TaskLink,
)
from dudao.planning.services.calendar import feed_key_issue
from dudao.quality.models import ExternalReport, Report, ReportBatch, Round
from dudao.quality.services.reports import reports_generate_now
from dudao.rectification.jobs import run_deadlines
from dudao.rectification.models import (
    AccountabilityCase,
    Finding,
    NoticeTransition,
    Publication,
    RecheckItem,
    RectificationNotice,
    SupervisionOrder,
    Talk,
)
from dudao.regions.models import GovUnit
from dudao.research.models import ProjectMember, ProjectMilestone, ResearchProject
from dudao.reviews.models import (
    Committee,
    CommitteeMember,
    MemberDuty,
    PackageStatus,
    Rater,
    RatingSession,
    Reporter,
    ResultUse,  # uses
    Review,
    ReviewPackage,
    SiteVisit,
)
from dudao.schools.models import Project, School
from dudao.surveys.models import Questionnaire, SurveyRound
from dudao.zones.models import Assignment, Complaint, ComplaintChannel, Visit, Zone
from tests.demo_snapshot import restore

User = get_user_model()

ROLES = ["demo_office", "demo_inspector", "demo_school", "demo_unit", "demo_leader", "demo_expert", "demo_admin",
         None]  # None: anonymous
ROLES_SPLIT = 4  # ROLES[:4] crawled here, ROLES[4:] in test_every_page_other_roles.py

# One URL per action (issue 18): POST-only views, crawled like every page; a GET must be refused with 405.
POST_ONLY = {
    "inspections:advance", "inspections:number", "inspections:targets_add", "inspections:team",
    "inspections:batch_start", "inspections:batch_retry", "inspections:target_scores", "inspections:materials",
    "inspections:review", "inspections:appeal", "inspections:appeal_respond", "inspections:opinion",
    "rectification:notice_acknowledge", "rectification:notice_start", "rectification:notice_report",
    "rectification:notice_verify", "rectification:notice_file", "rectification:order_issue",
    "rectification:talk_hold", "rectification:talk_dismiss",
    "zones:complaint_assign", "zones:complaint_verify", "zones:complaint_reply", "zones:complaint_close",
    "quality:round_draw", "quality:round_publish",
    "surveys:round_close", "surveys:round_finding", "surveys:round_codes", "surveys:recognition_publish",
    "surveys:flagged_exclude", "surveys:response_exclude", "surveys:response_include", "surveys:question_add",
    "surveys:question_up", "surveys:question_down", "surveys:question_remove", "surveys:questionnaire_save",
    "surveys:questionnaire_publish", "surveys:questionnaire_new_version",
    "frameworks:from_template", "frameworks:import", "frameworks:save", "frameworks:freeze", "frameworks:new_version",
    "frameworks:settings", "frameworks:node_add", "frameworks:node_update", "frameworks:node_up",
    "frameworks:node_down", "frameworks:node_remove",
    "core:user_role_assign", "core:user_role_revoke", "core:user_activate", "core:user_deactivate",
    "core:user_unlock", "core:user_password_reset",
    "quality:reports_start", "quality:reports_retry", "quality:external_upload", "quality:round_findings",
    "quality:scores_confirm",
    # reviews: 迎检 (upward)
    "reviews:review_move", "reviews:indicators_confirm", "reviews:self_scores", "reviews:assignments_create",
    "reviews:assignment_edit", "reviews:assignment_delete", "reviews:evidence_submit", "reviews:evidence_accept",
    "reviews:evidence_return",
    # planning: 工作总结
    "planning:summary_request", "planning:summary_retry",
    # 工作要点 (issue 20)
    "planning:plan_publish", "planning:plan_delete", "planning:plan_copy_one", "planning:section_add",
    "planning:section_edit", "planning:section_delete", "planning:task_add", "planning:task_edit",
    "planning:task_delete", "planning:task_progress", "planning:task_link_add", "planning:task_link_remove",
    "planning:calendar_feed_issue",
    # 会议 (planning, issue 20)
    "planning:meeting_delete", "planning:meeting_minutes", "planning:decision_add", "planning:decision_edit",
    "planning:decision_delete", "planning:decision_task", "planning:decision_finding",
    # 大事记 (issue 20)
    "planning:chronicle_refresh", "planning:chronicle_create", "planning:chronicle_accept", "planning:chronicle_drop",
    "planning:chronicle_restore", "planning:chronicle_update", "planning:chronicle_delete",
    # planning: 简报 and 信息报送
    "planning:briefing_create", "planning:briefing_update", "planning:briefing_section_add",
    "planning:briefing_section_update", "planning:briefing_section_move", "planning:briefing_section_delete",
    "planning:briefing_issue", "planning:briefing_publish", "planning:submission_delete",
    # planning: 督导档案
    "planning:archive_export_start", "planning:archive_lock", "planning:archive_reopen",
    # reviews: 述职评议
    "reviews:session_open", "reviews:session_close", "reviews:session_reopen", "reviews:session_publish",
    "reviews:session_unpublish", "reviews:session_reporters_add", "reviews:session_reporters_default",
    "reviews:session_rater_add", "reviews:session_findings_raise", "reviews:reporter_remove", "reviews:reporter_up",
    "reviews:reporter_down", "reviews:reporter_report", "reviews:rater_remove", "reviews:rater_reissue",
    "reviews:rate_save", "reviews:rate_submit",
    # reviews: bulletin
    "reviews:bulletin_create", "reviews:bulletin_body", "reviews:bulletin_refresh", "reviews:bulletin_field_add",
    "reviews:bulletin_field_update", "reviews:bulletin_field_reset", "reviews:bulletin_field_required",
    "reviews:bulletin_field_delete", "reviews:bulletin_publish", "reviews:bulletin_withdraw",
    # reviews: outputs (issue 21)
    "reviews:report_save", "reviews:report_draft", "reviews:package_start", "reviews:visit_add", "reviews:visit_edit",
    "reviews:visit_delete", "reviews:problem_import", "reviews:recheck_create",
    # reviews: 督导委员会
    "reviews:committee_create", "reviews:committee_edit", "reviews:member_add", "reviews:member_edit",
    "reviews:member_deactivate", "reviews:member_activate", "reviews:member_delete", "reviews:duty_add",
    "reviews:duty_edit", "reviews:duty_delete", "reviews:duty_up", "reviews:duty_down",
    # checks: outputs (issue 23)
    "checks:bulletin_publish", "checks:summary_save",
    # checks: 因需督导 (issue 23, requests)
    "checks:request_accept", "checks:request_decline", "checks:request_link_visit", "checks:request_done",
    "checks:topic_deactivate", "checks:topic_activate", "checks:topic_up", "checks:topic_down",
    # workforce: allowances (issue 24)
    "workforce:allowance_compute", "workforce:allowance_recompute", "workforce:allowance_review",
    "workforce:allowance_return", "workforce:allowance_approve", "workforce:allowance_delete",
    "workforce:allowance_adjust", "workforce:allowance_adjust_remove",
    # people: 学校督导管理员 and training files of supervisors and experts (issue 24)
    "people:supervisor_end", "people:supervisor_training_add", "people:expert_training_add",
    # research: 课题 (issue 24, projects)
    "research:project_member_add", "research:project_member_remove", "research:project_milestone_add",
    "research:project_milestone_submit", "research:project_milestone_review", "research:project_conclude",
    "research:project_terminate",
    # audits: 内审 (issue 24, cases)
    "audits:plan_create", "audits:plan_approve", "audits:case_start", "audits:case_close", "audits:team_add",
    "audits:team_remove", "audits:request_add", "audits:request_remove", "audits:request_upload",
    "audits:finding_add", "audits:finding_remove", "audits:finding_raise", "audits:report_issue",
    "audits:report_publish", "audits:report_withdraw",
    # workforce: training (issue 24)
    "workforce:event_open", "workforce:event_close", "workforce:event_reopen", "workforce:session_add",
    "workforce:attendance_add", "workforce:enrol_self", "workforce:withdraw", "workforce:session_delete",
    # workforce: appointments (issue 24)
    "workforce:appointment_review", "workforce:appointment_publish", "workforce:appointment_appoint",
    "workforce:appointment_cancel", "workforce:candidate_except", "workforce:candidate_refuse",
    "workforce:candidate_withdraw", "workforce:objection_record", "workforce:objection_handle",
    # research: 征集评选 (issue 24, calls)
    "research:call_default_framework", "research:call_open", "research:call_close", "research:call_rate",
    "research:call_reopen", "research:call_publish", "research:call_expert_assign", "research:call_expert_remove",
    "research:call_award_adjust", "research:call_anthology", "research:call_entry_submit",
    "research:call_entry_withdraw",
}

# Patterns not crawled, each with its reason. Keep it short: every entry is a page nobody checks.
SKIP: dict[str, str] = {
    "core:logout": "ends the session; the crawler would go on as anonymous (anonymous is crawled anyway)",
}


def _walk(patterns, prefix="", namespace=""):
    """(route, name, regex) of every URL pattern, included resolvers (the API among them) walked through; the
    regex's named groups are the pattern's kwargs."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (
                entry.namespace or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or str(entry.pattern))
            yield prefix + str(entry.pattern), name.lstrip(":"), entry.pattern.regex


def _noun(route: str, kwarg: str) -> str:
    """What a kwarg names, from the literal path segments before it: `zones/visits/<int:pk>/` -> `zones/visits`,
    `inspections/<int:pk>/report.pdf` -> `inspections`, `rectification/rechecks/<int:pk>/items/<int:item_pk>/`
    -> `rectification/items` for item_pk, `api/v1/inspections/targets/<pk>/sheet` -> `api/inspections/targets`."""
    api = route.startswith("api/v1/")
    route = route.removeprefix("api/v1/")
    head = route[:re.search(rf"<(?:\w+:)?{kwarg}>", route).start()]
    literal = [part for part in head.split("/") if part and "<" not in part]
    first, last = (literal[0], literal[-1]) if literal else ("", "")
    noun = first if first == last else f"{first}/{last}"
    return f"api/{noun}" if api else noun


def _sample(queryset, user, prefer: Q | None = None):
    """One real object, preferably one the user may see (so the page renders rather than 404s) and one that
    `prefer` picks out (a record made by the public or the system)."""
    visible = queryset.visible_to(user) if hasattr(queryset, "visible_to") else queryset
    for candidate in ([visible.filter(prefer)] if prefer is not None else []) + [visible, queryset]:
        found = candidate.order_by("pk").first()
        if found is not None:
            return found
    return None


def _summary_report():
    """A finished 工作总结 draft of the demo district (built now if the demo holds none)."""
    from dudao.planning.models import JobStatus, SummaryReport
    from dudao.planning.services.summary import summary_build

    found = SummaryReport.objects.filter(status=JobStatus.DONE).order_by("pk").first()
    if found is None:
        office = User.objects.get(username="demo_office")
        found = SummaryReport.objects.create(region_id="990102", year=timezone.localdate().year, requested_by=office)
        summary_build(found.pk)
    return found.pk


def _quality_round():
    """A monitoring round of the demo district (one is made, its "2+1" subject drawn, if the demo holds none)."""
    from dudao.quality.models import Round
    from dudao.quality.services import rounds as quality_rounds
    from dudao.regions.models import Region

    found = Round.objects.order_by("pk").first()
    if found is None:
        office = User.objects.get(username="demo_office")
        county = Region.objects.visible_to(office).filter(level="county").order_by("code").first()
        today = timezone.localdate()
        year = today.year if today.month >= 9 else today.year - 1
        found = quality_rounds.round_create(
            actor=office, region=county, title="<b>质量监测</b>", year=year, term="autumn", grade=8,
            test_date=datetime.date(year, 11, 20), subjects=[{"name": "语文", "full_marks": 100}],
            draw_pool=[{"name": "英语", "full_marks": 100}, {"name": "物理", "full_marks": 100}], selection="type",
            selection_params={"school_types": quality_rounds.stage_types("junior")})
        quality_rounds.round_draw(actor=office, round=found, seed=1)
    return found.pk


def _upward_models():
    from dudao.reviews.models import upward

    return upward
def _bulletin_sample(kwarg: str):  # reviews: bulletin
    from dudao.reviews.models import Bulletin, BulletinField  # noqa: PLC0415 -- this block's own import

    bulletin = Bulletin.objects.order_by("-status", "pk").first()
    if kwarg == "pk":
        return getattr(bulletin, "pk", None)
    return BulletinField.objects.filter(bulletin=bulletin).order_by("pk").values_list("pk", flat=True).first()
def _review_package() -> int | None:
    """A 印证材料 package of the demo's first review, as a failed one (its page and progress render; its download is
    a 404) when the demo made none."""
    found = ReviewPackage.objects.order_by("pk").first()
    review = Review.objects.order_by("pk").first()
    if found is None and review is not None:
        found = ReviewPackage.objects.create(review=review, requested_by=User.objects.get(username="demo_office"),
                                             status=PackageStatus.FAILED, error="演示：未生成")
    return getattr(found, "pk", None)


def _appointments_sample(model: str, user, field: str = "pk"):
    """A workforce appointments record (issue 24), one the user may see first."""
    from dudao.workforce import models as workforce_models  # noqa: PLC0415 -- this block's own import

    return getattr(_sample(getattr(workforce_models, model).objects, user), field, None)


def _checks_pk(model: str, user):
    """A checks record (issue 23), one the user may see first."""
    from dudao.checks import models as checks_models  # noqa: PLC0415 -- this block's own import

    return getattr(_sample(getattr(checks_models, model).objects, user), "pk", None)


def _allowance_pk(model: str, user):
    """A 劳务补贴 record (issue 24), one the user may see first."""
    from dudao.workforce import models as workforce_models  # noqa: PLC0415 -- this block's own import

    return getattr(_sample(getattr(workforce_models, model).objects, user), "pk", None)
def _audits_pk(model: str, user):
    """An audits record (issue 24), one the user may see first (team, requests and findings: of such a case)."""
    from dudao.audits import models as audits_models  # noqa: PLC0415 -- this block's own import

    queryset = getattr(audits_models, model).objects
    if model in ("AuditTeamMember", "AuditFinding"):
        visible = queryset.filter(case__in=audits_models.AuditCase.objects.visible_to(user))
        return getattr(visible.order_by("pk").first() or queryset.order_by("pk").first(), "pk", None)
    return getattr(_sample(queryset, user), "pk", None)
def _workforce_pk(model: str, user):
    """A workforce record (issue 24), one the user may see first."""
    from dudao.workforce import models as workforce_models  # noqa: PLC0415 -- this block's own import

    return getattr(_sample(getattr(workforce_models, model).objects, user), "pk", None)
def _calls_pk(model: str, user):
    """A 征集评选 record (issue 24, research calls), one the user may see first."""
    from dudao.research import models as research_models  # noqa: PLC0415 -- this block's own import

    return getattr(_sample(getattr(research_models, model).objects, user), "pk", None)


def _samplers(state):
    """(noun, kwarg) -> function(user) giving the values to try; a kwarg name alone as a fallback."""
    def pk(queryset, prefer=None):
        return lambda user: [getattr(_sample(queryset, user, prefer), "pk", None)]

    system_notice = Q(pk__in=NoticeTransition.objects.filter(actor=None).values("notice"))
    school = pk(School.objects)
    return {
        ("inbox", "pk"): lambda user: [getattr(Notification.objects.filter(
            user=user if user.is_authenticated else None).order_by("pk").first() or Notification.objects.first(),
            "pk", None)],
        ("users", "pk"): lambda user: [User.objects.get(username="demo_school").pk],
        ("tokens", "pk"): lambda user: [getattr(ApiToken.objects.filter(
            user=user if user.is_authenticated else None).first() or ApiToken.objects.first(), "pk", None)],
        ("regions/units", "pk"): pk(GovUnit.objects),
        ("schools", "pk"): school,
        ("people/inspectors", "pk"): pk(Inspector.objects),
        ("people/experts", "pk"): pk(Expert.objects),
        ("zones", "pk"): pk(Zone.objects),
        ("zones/assignments", "pk"): pk(Assignment.objects),
        ("zones/visits", "pk"): pk(Visit.objects, Q(signed_by__isnull=False)),
        ("zones/complaints", "pk"): pk(Complaint.objects, Q(pk=state["complaint"])),
        ("rectification/findings", "pk"): pk(Finding.objects, Q(raised_by=None) | Q(
            notice__in=RectificationNotice.objects.filter(system_notice))),
        ("rectification/notices", "pk"): pk(RectificationNotice.objects, system_notice),
        ("rectification/orders", "pk"): pk(SupervisionOrder.objects),
        ("rectification/talks", "pk"): pk(Talk.objects),
        ("rectification/cases", "pk"): pk(AccountabilityCase.objects),
        ("rectification/record", "kind"): lambda user: ["school", "unit"],
        ("rectification/record", "pk"): school,  # kind is tried as school and unit; a unit id in place is a 404
        ("rectification/rechecks", "pk"): lambda user: [getattr(RecheckItem.objects.order_by("pk").first(),
                                                                "round_id", None)],
        ("rectification/items", "item_pk"): lambda user: [getattr(RecheckItem.objects.order_by("pk").first(),
                                                                  "pk", None)],
        ("rectification/publications", "pk"): pk(Publication.objects),
        ("monitoring/campaigns", "pk"): pk(Campaign.objects),
        ("monitoring/tasks", "pk"): pk(CampaignTask.objects),
        ("surveys", "pk"): pk(SurveyRound.objects),
        ("surveys/questionnaires", "pk"): pk(Questionnaire.objects),
        ("frameworks", "pk"): pk(Framework.objects),
        ("inspections", "pk"): pk(Inspection.objects, Q(pk__in=Transition.objects.filter(actor=None).values(
            "inspection"))),
        ("inspections/batches", "pk"): pk(OpinionBatch.objects),
        ("inspections/targets", "pk"): pk(Target.objects),
        ("public/results", "pk"): lambda user: [getattr(Publication.objects.filter(withdrawn_at=None).order_by("pk").first()
                                            or Publication.objects.first(), "pk", None)],
        ("documents/f", "token"): lambda user: [file_token(f.pk) for f in [
            StoredFile.objects.exclude(thumb_path="").order_by("pk").first() or StoredFile.objects.first()] if f],
        ("documents/templates", "key"): lambda user: [next(iter(DOCUMENT_TEMPLATES))],
        ("public/survey", "token"): lambda user: [SurveyRound.objects.order_by("pk").first().token],
        ("api/public/surveys", "token"): lambda user: [SurveyRound.objects.order_by("pk").first().token],
        ("api/inspectors", "pk"): pk(Inspector.objects),
        ("api/zones", "pk"): pk(Zone.objects),
        ("api/visits", "pk"): pk(Visit.objects),
        ("api/surveys/questionnaires", "pk"): pk(Questionnaire.objects),
        ("api/surveys/rounds", "pk"): pk(SurveyRound.objects),
        ("api/frameworks", "pk"): pk(Framework.objects),
        ("quality/schools", "school"): lambda user: [getattr(_sample(School.objects.filter(
            quality_rounds__isnull=False).distinct(), user), "pk", None)],
        ("quality/report-batches", "pk"): pk(ReportBatch.objects),
        ("quality/reports", "pk"): pk(Report.objects),
        ("quality/external", "pk"): pk(ExternalReport.objects),
        ("api/inspections", "pk"): pk(Inspection.objects),
        ("api/inspections/targets", "pk"): pk(Target.objects),
        ("api/findings", "pk"): pk(Finding.objects, Q(raised_by=None) | Q(
            notice__in=RectificationNotice.objects.filter(system_notice))),
        ("api/notices", "pk"): pk(RectificationNotice.objects, system_notice),
        ("api/orders", "pk"): pk(SupervisionOrder.objects),
        ("api/talks", "pk"): pk(Talk.objects),
        ("api/cases", "pk"): pk(AccountabilityCase.objects),
        # the demo's rounds (issue 19), one the user may see first; one is made if the demo holds none
        ("quality/rounds", "pk"): lambda user: [_quality_round() and getattr(_sample(Round.objects, user), "pk", None)],
        ("api/quality/rounds", "pk"): lambda user: [_quality_round() and getattr(_sample(Round.objects, user), "pk",
                                                                                   None)],
        # planning: 工作总结 (a draft of the demo's year is built if the demo holds none)
        ("planning/summaries", "pk"): lambda user: [_summary_report()],
        # 工作要点 (issue 20): the demo's plans, their sections, tasks and links
        ("planning/plans", "pk"): pk(Plan.objects),
        ("planning/sections", "pk"): pk(PlanSection.objects),
        ("planning/tasks", "pk"): pk(PlanTask.objects, Q(links__isnull=False)),
        ("planning/links", "pk"): pk(TaskLink.objects),
        ("api/plans", "pk"): pk(Plan.objects),
        # 会议 (planning, issue 20): the demo's meetings and their decisions
        ("planning/meetings", "pk"): pk(Meeting.objects),
        ("reviews/uses", "pk"): pk(ResultUse.objects),  # uses: the demo's 结果运用
        ("planning/decisions", "pk"): lambda user: [getattr(MeetingDecision.objects.filter(
            meeting__in=Meeting.objects.visible_to(user)).order_by("pk").first() or MeetingDecision.objects.order_by(
            "pk").first(), "pk", None)],
        # 大事记 (issue 20): a proposal the platform made (no actor) first
        ("planning/chronicle", "pk"): pk(ChronicleEntry.objects, Q(created_by=None)),
        # planning: 简报 and 信息报送
        ("planning/briefings", "pk"): pk(Briefing.objects),
        ("planning/sections", "section_pk"): lambda user: [BriefingSection.objects.order_by("pk").values_list(
            "pk", flat=True).first()],
        ("planning/submissions", "pk"): pk(Submission.objects),
        # planning: 督导档案 (the demo archives last year: load_archive)
        ("planning/exports", "pk"): pk(ArchiveExport.objects),
        ("planning/archive", "code"): lambda user: [getattr(ArchiveYear.objects.order_by("pk").first(), "region_id", None)],
        ("planning/archive", "year"): lambda user: [getattr(ArchiveYear.objects.order_by("pk").first(), "year", None)],
        # reviews: 迎检 (upward): the demo's review, one of its assignments, a returned evidence version first
        ("reviews", "pk"): pk(_upward_models().Review.objects),
        ("reviews/assignments", "pk"): pk(_upward_models().Assignment.objects),
        ("reviews/evidence", "pk"): lambda user: [_upward_models().Evidence.objects.order_by("decision", "pk").values_list(
            "pk", flat=True).first()],
        ("api/reviews", "pk"): pk(_upward_models().Review.objects),
        ("api/reviews/assignments", "pk"): pk(_upward_models().Assignment.objects),
        # reviews: 述职评议 (the demo's published session), its reporters and raters; a rater's key and a wrong one
        ("reviews/ratings", "pk"): pk(RatingSession.objects),
        ("reviews/reporters", "pk"): lambda user: [Reporter.objects.order_by("pk").values_list("pk", flat=True).first()],
        ("reviews/raters", "pk"): lambda user: [Rater.objects.order_by("pk").values_list("pk", flat=True).first()],
        ("reviews/rate", "key"): lambda user: [Rater.objects.order_by("pk").values_list("key", flat=True).first(),
                                               "no-such-key-000000000000000"],
        # reviews: bulletin (the demo's published 公报 first, and a line of it)
        ("reviews/bulletins", "pk"): lambda user: [_bulletin_sample("pk")],
        ("reviews/fields", "field_pk"): lambda user: [_bulletin_sample("field_pk")],
        # reviews: outputs (issue 21): a package (one is made if the demo holds none), visits
        ("reviews/package", "package_pk"): lambda user: [_review_package()],
        ("reviews/visits", "visit_pk"): lambda user: [SiteVisit.objects.order_by("pk").values_list("pk", flat=True).first()],
        # targets (issue 21): the demo's 强校工程 project
        ("reviews/projects", "pk"): pk(Project.objects),
        ("api/projects", "pk"): pk(Project.objects),
        # reviews: 督导委员会 (the demo's committee, its members and duties)
        ("reviews/committee", "pk"): pk(Committee.objects),
        ("reviews/members", "pk"): pk(CommitteeMember.objects),
        ("reviews/duties", "pk"): pk(MemberDuty.objects),
        # checks (issue 23): the demo's rounds, targets, 年检, violations and requests (one block per area below)
        ("checks", "pk"): lambda user: [_checks_pk("CheckRound", user)],
        ("checks/targets", "target_pk"): lambda user: [_checks_pk("CheckTarget", user)],
        # fill: the submission API (round, target) and a stored submission
        ("api/checks", "pk"): lambda user: [_checks_pk("CheckRound", user)],
        ("api/checks/targets", "target_id"): lambda user: [_checks_pk("CheckTarget", user)],
        ("api/checks/submissions", "pk"): lambda user: [_checks_pk("CheckSubmission", user)],
        ("checks/annual", "pk"): lambda user: [_checks_pk("AnnualRound", user)],
        ("checks/reports", "pk"): lambda user: [_checks_pk("AnnualReport", user)],
        ("checks/violations", "pk"): lambda user: [_checks_pk("Violation", user)],
        ("checks/requests", "pk"): lambda user: [_checks_pk("SupervisionRequest", user)],
        # institutions: a training institution (the edit page, the credit record, the API's detail)
        ("checks/institutions", "school_pk"): lambda user: [getattr(_sample(School.objects.filter(school_type="training"), user), "pk", None)],
        ("api/institutions", "school_id"): lambda user: [getattr(_sample(School.objects.filter(school_type="training"), user), "pk", None)],
        ("checks/menu", "pk"): lambda user: [_checks_pk("MenuTopic", user)],  # requests: 督导菜单
        ("checks/library", "pk"): lambda user: [_checks_pk("ChecklistTemplate", user)],  # rounds: office templates
        # workforce: allowances (issue 24): the demo's approved month and one of its lines
        ("workforce/allowances", "pk"): lambda user: [_allowance_pk("AllowanceMonth", user)],
        ("workforce/adjust", "line"): lambda user: [_allowance_pk("AllowanceLine", user)],
        # people: 学校督导管理员 (issue 24)
        ("people/supervisors", "pk"): pk(SchoolSupervisor.objects),
        # research: 课题 (issue 24, projects): the demo's project, its members and milestones
        ("research/projects", "pk"): pk(ResearchProject.objects),
        ("research/members", "member_pk"): lambda user: [ProjectMember.objects.order_by("pk").values_list(
            "pk", flat=True).first()],
        ("research/milestones", "milestone_pk"): lambda user: [ProjectMilestone.objects.order_by("pk").values_list(
            "pk", flat=True).first()],
        # audits (issue 24, cases): the demo's 内审 cases (one the user may see first), plan, team, requests, findings
        ("audits", "pk"): lambda user: [_audits_pk("AuditCase", user)],
        ("api/audits", "pk"): lambda user: [_audits_pk("AuditCase", user)],
        ("audits/plans", "pk"): lambda user: [_audits_pk("AuditPlan", user)],
        ("audits/plans", "plan_pk"): lambda user: [_audits_pk("AuditPlan", user)],
        ("audits/team", "member_pk"): lambda user: [_audits_pk("AuditTeamMember", user)],
        ("audits/requests", "item_pk"): lambda user: [_audits_pk("AuditDocRequest", user)],
        ("audits/findings", "finding_pk"): lambda user: [_audits_pk("AuditFinding", user)],
        # workforce: training (issue 24): the demo's events (finished and open), their sessions and enrolments
        ("workforce/training", "pk"): lambda user: [_workforce_pk("TrainingEvent", user)],
        ("workforce/sessions", "pk"): lambda user: [_workforce_pk("TrainingSession", user)],
        ("workforce/enrolments", "pk"): lambda user: [_workforce_pk("TrainingEnrolment", user)],
        ("workforce/file", "audience"): lambda user: ["inspector", "expert", "supervisor", "nobody"],
        ("workforce/file", "pk"): lambda user: [Inspector.objects.filter(user__username="demo_inspector")
                                                .values_list("pk", flat=True).first()],
        ("api/trainings", "pk"): lambda user: [_workforce_pk("TrainingEvent", user)],
        # workforce: appointments (issue 24): the demo's batches, candidates, certificates; objections (the demo has
        # none) are POST-only, refused before any lookup
        ("workforce/appointments", "pk"): lambda user: [_appointments_sample("AppointmentBatch", user)],
        ("workforce/candidates", "pk"): lambda user: [_appointments_sample("AppointmentCandidate", user)],
        ("workforce/objections", "pk"): lambda user: [_appointments_sample("AppointmentObjection", user) or 1],
        ("workforce/certificates", "pk"): lambda user: [_appointments_sample("InspectorCertificate", user)],
        ("workforce/certificates", "kind"): lambda user: ["letter", "card", "other"],
        ("public/card", "key"): lambda user: [_appointments_sample("InspectorCertificate", user, "key"), "forged-key"],
        # research: 征集评选 (issue 24, calls): the demo's call, its entries and expert assignments
        ("research/calls", "pk"): lambda user: [_calls_pk("ResearchCall", user)],
        ("api/calls", "pk"): lambda user: [_calls_pk("ResearchCall", user)],
        ("research/entries", "pk"): lambda user: [_calls_pk("CallEntry", user)],
        ("research/entries", "entry"): lambda user: [_calls_pk("CallEntry", user)],
        ("research/score", "pk"): lambda user: [_calls_pk("CallEntry", user)],
        ("research/experts", "assignment"): lambda user: [_calls_pk("CallExpert", user)],
        # By kwarg name alone, wherever it appears:
        "school_pk": school,
        "school_id": school,
        "code": lambda user: [getattr(_sample(School.objects, user), "code", None)],
        "school_code": lambda user: [getattr(_sample(School.objects, user), "code", None)],
        "fmt": lambda user: ["docx", "pdf"],
        "assignment_pk": lambda user: [RoleAssignment.objects.filter(
            user__username="demo_school").values_list("pk", flat=True).first()],
        "rest": lambda user: ["", "1/", "feed.atom"],  # the old gs/ gk/ dc/ prefixes redirect
        # a 行事历 feed: an unknown key (404) and the demo office's own (issued once for the crawl)
        ("cockpit/metrics", "key"): lambda user: ["rectification.rate", "no-such-metric"],
        ("planning/feed", "key"): lambda user: ["no-such-key", state["calendar_feed_key"]],
        # area: map — a region's boundary page: the demo county, one of its towns, an unknown code
        ("regions", "code"): lambda user: ["990102", "990102001", "000000"],
    }


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo (what `make demo`'s `load_demo` writes, copied in from the process's snapshot), a public complaint
    and the deadline job's records, loaded once and flushed afterwards."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            started = time.monotonic()
            restore(demo_snapshot)  # what `load_demo` (`make demo`) wrote, see tests/demo_snapshot.py
            # The demo principal's school: also in the demo inspector's care, so the complaint lands with them.
            school = School.objects.get(pk=min(scope_for(User.objects.get(username="demo_school")).school_ids))
            public = Client(REMOTE_ADDR="203.0.113.7")
            assert public.get(f"/public/plaque/{school.code}/").status_code == 200
            response = public.post(f"/public/plaque/{school.code}/", {
                "kind": "complaint", "content": "学校门口上下学时段交通拥堵，存在安全隐患，请督学核实。",
                "complainant_name": "", "complainant_phone": "", "website": ""})
            assert response.status_code == 200, response.content.decode()[:500]
            complaint = Complaint.objects.get(school=school, channel=ComplaintChannel.PUBLIC_PAGE,
                                              content__startswith="学校门口上下学")
            # The daily job, today and five weeks on: reminders, 督办单 and 约谈 proposals with no actor.
            run_deadlines()
            run_deadlines(now=timezone.now() + datetime.timedelta(days=35))
            # A batch of 意见书 whose worker died (the demo starts none): its progress page must still render.
            # An API token of the principal's (the demo issues none): "我的接口令牌" and its revoke view.
            token_issue(user=User.objects.get(username="demo_school"), ip="203.0.113.8")
            OpinionBatch.objects.create(inspection=Inspection.objects.order_by("pk").first(), total=3, done=1,
                                        status=BatchStatus.FAILED, error="工作进程已退出",
                                        created_by=User.objects.get(username="demo_office"))
            # The 监测报告 of the published quality round, unless the demo made them: the reports pages and downloads.
            published = Round.objects.filter(status="published").order_by("pk").first()
            if published is not None and not Report.objects.exists():
                reports_generate_now(published, actor=User.objects.get(username="demo_office"))
            # The demo office's 行事历 feed address (the demo issues none): the public .ics by its secret key.
            feed_key = feed_key_issue(user=User.objects.get(username="demo_office"))
            yield {"complaint": complaint.pk, "school": school.pk, "calendar_feed_key": feed_key,
                   "load_seconds": time.monotonic() - started}
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_public_complaint_opens_for_the_office(demo, db):
    complaint = Complaint.objects.get(pk=demo["complaint"])
    assert complaint.received_by is None and complaint.transitions.filter(actor=None).exists()
    client = Client()
    client.force_login(User.objects.get(username="demo_office"))
    response = client.get(f"/zones/complaints/{complaint.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert complaint.number in page and "公众：已受理" in page
    assert NoticeTransition.objects.filter(actor=None).exists() and AuditLog.objects.filter(actor=None).exists()


def test_every_url_pattern_answers_every_role_without_a_server_error(demo, db):
    crawl(demo, ROLES[:ROLES_SPLIT])


def crawl(demo, roles: list[str | None]) -> None:
    """Every pattern as each of `roles`. The roles are crawled in two modules (this one and
    test_every_page_other_roles.py, each with the demo of its own) so pytest-xdist's `--dist loadfile` can run the
    two halves of the ~3,000 requests on two workers."""
    started = time.monotonic()
    patterns = [entry for entry in _walk(get_resolver().url_patterns) if entry[1] not in SKIP]
    samplers = _samplers(demo)
    users = {username: User.objects.get(username=username) if username else AnonymousUser() for username in roles}
    clients = {username: Client() for username in roles}
    unfillable, failures, statuses, refused_get = [], [], Counter(), {}
    complaint_page = f"/zones/complaints/{demo['complaint']}/"
    for route, name, regex in patterns:
        for username in roles:
            choices = _choices(samplers, route, list(regex.groupindex), users[username])
            if isinstance(choices, str):
                unfillable.append(f"{name} ({route}): {choices}")
                break  # one line per pattern is enough
            for kwargs in choices:
                path = "/" + _fill(route, kwargs)
                if username:
                    clients[username].force_login(users[username])
                status = _get(clients[username], path)
                statuses[status if isinstance(status, int) else 500] += 1
                statuses[path] += path == complaint_page and status == 200
                if username and name in POST_ONLY:
                    refused_get.setdefault(name, set()).add(status)
                if not isinstance(status, int) or status >= 500:
                    failures.append(f"{username or 'anonymous'} GET {path} ({name}): {status}")
    requests = sum(v for k, v in statuses.items() if isinstance(k, int))
    print(f"\ncrawled {len(patterns)} patterns ({len(SKIP)} skipped), {requests} requests, "
          f"{time.monotonic() - started:.1f} s (demo load {demo['load_seconds']:.1f} s); statuses "
          f"{dict(sorted((k, v) for k, v in statuses.items() if isinstance(k, int)))}")
    assert not (unfillable or failures), (
        "URL kwargs the crawler cannot fill (add a sampler or a SKIP entry):\n" + "\n".join(unfillable)
        + f"\n{len(failures)} server errors:\n" + "\n".join(failures))
    assert set(refused_get) == POST_ONLY and all(seen == {405} for seen in refused_get.values()), (
        f"POST-only action URLs must answer a signed-in GET with 405: {refused_get}")
    if "demo_office" in roles:
        assert statuses[complaint_page] >= 1, "the public complaint's own page was not crawled as the office"
    assert len(patterns) > 100 and requests > len(roles) * len(patterns)


def _choices(samplers, route: str, names: list[str], user) -> list[dict] | str:
    """Every combination of the kwargs' sample values for this user, or the name of a kwarg nothing fills."""
    combos = [{}]
    for kwarg in names:
        sampler = samplers.get((_noun(route, kwarg), kwarg)) or samplers.get(kwarg)
        values = [v for v in sampler(user) if v is not None] if sampler else []
        if not values:
            return f"{kwarg} [{_noun(route, kwarg)}]"
        combos = [{**c, kwarg: v} for c in combos for v in values]
    return combos


def _get(client: Client, path: str) -> int | str:
    """The status of a GET, a streamed body read to the end (a download can fail half-way; the test client
    closes the response when it is exhausted); an exception the view raised comes back as text. No explicit
    close(): it would send request_finished, whose close_old_connections closes the test's connection inside
    its transaction on PostgreSQL."""
    try:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
        return response.status_code
    except Exception as exc:  # noqa: BLE001 - every failure is listed, not just the first
        return f"{type(exc).__name__}: {exc} @ {traceback.extract_tb(exc.__traceback__)[-1]}"


def _fill(route: str, kwargs: dict) -> str:
    """The route with its <converter:name> / <name> parts replaced by the values."""
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route).lstrip("^").rstrip("$")


def test_a_new_kwarg_the_crawler_cannot_fill_is_reported_not_skipped():
    assert _noun("rectification/rechecks/<int:pk>/items/<int:item_pk>/", "item_pk") == "rectification/items"
    assert _noun("api/v1/inspections/targets/<pk>/sheet", "pk") == "api/inspections/targets"
    assert _choices({}, "gadgets/<int:gadget_pk>/", ["gadget_pk"], AnonymousUser()) == "gadget_pk [gadgets]"
    assert _choices({"fmt": lambda user: ["docx", "pdf"]}, "x/<int:pk>.<str:fmt>", ["fmt"], AnonymousUser()) == [
        {"fmt": "docx"}, {"fmt": "pdf"}]
