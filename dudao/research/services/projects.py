"""Writes of area projects: 课题：成员、开题、中期、结题. Keyword-only, atomic, audited.

The office of the project's county registers (立项), adds milestones, reviews submissions, concludes (结题) and
terminates. The owner (and members with accounts) submit a milestone's documents and manage the members. Every
refusal says why in Chinese and changes nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import cn_date, local_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import RoleAssignment
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import region_prefix, require_office_for
from dudao.core.services import Message, notify
from dudao.documents.models import FileKind
from dudao.documents.services import file_store
from dudao.people.models import Inspector, InspectorStatus
from dudao.regions.models import Region
from dudao.research.models import (
    PROJECT_WORKFLOW,
    ProjectDocument,
    ProjectLevel,
    ProjectMember,
    ProjectMemberRole,
    ProjectMilestone,
    ProjectMilestoneKind,
    ProjectMilestoneStatus,
    ProjectResult,
    ProjectStatus,
    ProjectTransition,
    ResearchProject,
)
from dudao.schools.models import School

User = get_user_model()
TITLE_MAX = 200
TEXT_MAX = 4000
FILES_MAX = 10  # documents per submission
PROJECT_FIELDS = ["title", "level", "number", "owner_id", "school_id", "started_on", "planned_end", "status",
                  "result", "concluded_on"]
# the milestone whose passing moves the project, and where to
PASS_MOVES = {ProjectMilestoneKind.OPENING: ProjectStatus.OPENED, ProjectMilestoneKind.MIDTERM: ProjectStatus.MIDTERM}
# a milestone may be submitted only after the one before it has passed
PREREQUISITE = {ProjectMilestoneKind.MIDTERM: ProjectMilestoneKind.OPENING,
                ProjectMilestoneKind.FINAL: ProjectMilestoneKind.MIDTERM}


def _text(value, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def _require_office(actor, project_or_region) -> None:
    code = project_or_region.region_id if isinstance(project_or_region, ResearchProject) else project_or_region.code
    require_office_for(actor, code, "只有课题所在区县的督导室可以办理此事项。")


def is_participant(user, project: ResearchProject) -> bool:
    """The owner, or a member with this account."""
    if not getattr(user, "is_authenticated", False):
        return False
    return project.owner_id == user.pk or project.members.filter(user_id=user.pk).exists()


def _require_participant_or_office(actor, project: ResearchProject, what: str) -> None:
    if is_participant(actor, project):
        return
    try:
        _require_office(actor, project)
    except PermissionDenied:
        raise PermissionDenied(f"只有课题负责人、有账号的成员或督导室可以{what}。") from None


def _require_open(project: ResearchProject) -> None:
    if not project.is_open:
        raise ApplicationError(f"课题已{project.get_status_display()}，不能再修改。")


def owner_problem(owner, region: Region, school: School | None) -> str:
    """An owner is an account in the project's county: an active 督学 of the county, a school user of the carrying
    school (or of a school of the county when the office carries it), or an office user of the county."""
    if owner is None or not owner.is_active:
        return "课题负责人账号不存在或已停用。"
    county = region.code[:6]
    if Inspector.objects.filter(user=owner, region__code__startswith=county, status=InspectorStatus.ACTIVE).exists():
        return ""
    roles = RoleAssignment.objects.filter(user=owner)
    if roles.filter(role=Role.INSPECTOR, school__region__code__startswith=county).exists():
        return ""
    if school is not None and roles.filter(role=Role.SCHOOL, school=school).exists():
        return ""
    if school is None and roles.filter(role=Role.SCHOOL, school__region__code__startswith=county).exists():
        return ""
    offices = roles.filter(role=Role.OFFICE).values_list("region_id", flat=True)
    if any(county.startswith(region_prefix(code)) for code in offices):
        return ""
    return "课题负责人须为本区县的督学、承担学校的学校用户或督导室人员。"


def _check_dates(started_on, planned_end, milestones: list[tuple[str, datetime.date]]) -> None:
    if started_on is None or planned_end is None:
        raise ApplicationError("请填写立项日期和计划结题日期。")
    if planned_end <= started_on:
        raise ApplicationError("计划结题日期须晚于立项日期。")
    if (planned_end - started_on).days > 366 * 6:
        raise ApplicationError("课题周期不能超过 6 年。")
    previous = started_on
    for label, due in milestones:
        if due is None:
            raise ApplicationError(f"请填写{label}截止日期。")
        if due < previous:
            raise ApplicationError(f"{label}截止日期不能早于立项日期或前一节点的截止日期。")
        previous = due


@transaction.atomic
def project_create(*, actor, region: Region, title: str, level: str, owner, started_on: datetime.date,
                   planned_end: datetime.date, opening_due: datetime.date, midterm_due: datetime.date,
                   final_due: datetime.date, school: School | None = None, number: str = "",
                   host_unit: str = "") -> ResearchProject:
    """立项: the project with its three milestones (开题, 中期, 结题) and its owner as 主持人."""
    _require_office(actor, region)
    if school is not None and not school.region_id.startswith(region.code[:6]):
        raise ApplicationError("承担学校不在本区县。")
    title, number = _text(title, TITLE_MAX), _text(number, 64)
    if not title:
        raise ApplicationError("请填写课题名称。")
    if level not in ProjectLevel.values:
        raise ApplicationError("请选择课题级别。")
    problem = owner_problem(owner, region, school)
    if problem:
        raise ApplicationError(problem)
    _check_dates(started_on, planned_end, [("开题", opening_due), ("中期", midterm_due), ("结题", final_due)])
    if final_due > planned_end:
        raise ApplicationError("结题截止日期不能晚于计划结题日期。")
    if number and ResearchProject.objects.filter(region=region, number=number).exists():
        raise ApplicationError(f"课题编号 {number} 已被使用。")
    project = ResearchProject.objects.create(
        region=region, school=school, title=title, level=level, number=number, owner=owner, started_on=started_on,
        planned_end=planned_end, created_by=actor)
    for kind, due in ((ProjectMilestoneKind.OPENING, opening_due), (ProjectMilestoneKind.MIDTERM, midterm_due),
                      (ProjectMilestoneKind.FINAL, final_due)):
        ProjectMilestone.objects.create(project=project, kind=kind, title=f"{ProjectMilestoneKind(kind).label}报告",
                                        due_on=due)
    unit = _text(host_unit, 128) or (school.name if school else region.name + "教育督导室")
    ProjectMember.objects.create(project=project, name=owner.get_full_name() or owner.username, unit=unit,
                                 role=ProjectMemberRole.HOST, user=owner)
    ProjectTransition.record(project, to_status=ProjectStatus.APPROVED, actor=actor, note="立项")
    audit_record(actor=actor, action="research.project_create", obj=project, region_code=region.code,
                 after=snapshot(project, PROJECT_FIELDS))
    return project


@transaction.atomic
def member_add(*, actor, project: ResearchProject, name: str, unit: str = "", role: str = ProjectMemberRole.MEMBER,
               username: str = "") -> ProjectMember:
    _require_participant_or_office(actor, project, "修改课题成员")
    _require_open(project)
    name, unit = _text(name, 64), _text(unit, 128)
    if not name:
        raise ApplicationError("请填写成员姓名。")
    if role not in ProjectMemberRole.values:
        raise ApplicationError("请选择成员分工。")
    if role == ProjectMemberRole.HOST and project.members.filter(role=ProjectMemberRole.HOST).exists():
        raise ApplicationError("课题已有主持人。")
    user = None
    username = _text(username, 150)
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or owner_problem(user, project.region, project.school):
            raise ApplicationError(f"账号“{username}”不存在，或不是本区县的督学、学校用户或督导室人员。")
        if project.members.filter(user=user).exists():
            raise ApplicationError("该账号已是课题成员。")
    if project.members.filter(name=name, unit=unit).exists():
        raise ApplicationError(f"{name}（{unit or '未填单位'}）已是课题成员。")
    member = ProjectMember.objects.create(project=project, name=name, unit=unit, role=role, user=user)
    audit_record(actor=actor, action="research.project_member_add", obj=member, object_repr=f"{project}：{name}",
                 region_code=project.region_id, after=snapshot(member, ["name", "unit", "role", "user_id"]))
    return member


@transaction.atomic
def member_remove(*, actor, member: ProjectMember) -> None:
    project = member.project
    _require_participant_or_office(actor, project, "修改课题成员")
    _require_open(project)
    if member.user_id and member.user_id == project.owner_id:
        raise ApplicationError("课题负责人不能移出课题。")
    before = snapshot(member, ["name", "unit", "role", "user_id"])
    pk = member.pk
    member.delete()
    audit_record(actor=actor, action="research.project_member_remove", object_type="research.projectmember",
                 object_id=str(pk), object_repr=f"{project}：{before['name']}", region_code=project.region_id,
                 before=before)


@transaction.atomic
def milestone_add(*, actor, project: ResearchProject, title: str, due_on: datetime.date) -> ProjectMilestone:
    """An extra milestone the office sets (中期检查前的研讨、阶段成果…)."""
    _require_office(actor, project)
    _require_open(project)
    title = _text(title, 100)
    if not title:
        raise ApplicationError("请填写节点名称。")
    if due_on is None or due_on < project.started_on or due_on > project.planned_end:
        raise ApplicationError(f"节点截止日期须在立项日期（{cn_date(project.started_on)}）与计划结题日期"
                               f"（{cn_date(project.planned_end)}）之间。")
    if project.milestones.filter(title=title).exists():
        raise ApplicationError(f"已有节点“{title}”。")
    milestone = ProjectMilestone.objects.create(project=project, kind=ProjectMilestoneKind.OTHER, title=title,
                                                due_on=due_on)
    audit_record(actor=actor, action="research.milestone_add", obj=milestone, object_repr=f"{project}：{title}",
                 region_code=project.region_id, after=snapshot(milestone, ["title", "due_on"]))
    return milestone


def _locked(milestone: ProjectMilestone) -> ProjectMilestone:
    return ProjectMilestone.objects.select_for_update(of=("self",)).select_related("project").get(pk=milestone.pk)


@transaction.atomic
def milestone_submit(*, actor, milestone: ProjectMilestone, note: str = "", uploads=()) -> ProjectMilestone:
    """The owner (or a member with an account) hands in a milestone's documents (at least one, checked types)."""
    milestone = _locked(milestone)
    project = milestone.project
    if not is_participant(actor, project):
        raise PermissionDenied("只有课题负责人或有账号的课题成员可以提交材料。")
    _require_open(project)
    if milestone.status not in (ProjectMilestoneStatus.PENDING, ProjectMilestoneStatus.RETURNED):
        raise ApplicationError(f"“{milestone.title}”当前为“{milestone.get_status_display()}”，不能再提交。")
    before_kind = PREREQUISITE.get(milestone.kind)
    if before_kind and project.milestones.filter(kind=before_kind).exclude(status=ProjectMilestoneStatus.PASSED).exists():
        raise ApplicationError(f"请先完成{ProjectMilestoneKind(before_kind).label}，再提交{milestone.title}。")
    uploads = [u for u in uploads if u]
    if not uploads:
        raise ApplicationError("请至少上传一份材料（PDF、Word 等文档）。")
    if len(uploads) > FILES_MAX:
        raise ApplicationError(f"一次最多上传 {FILES_MAX} 份材料。")
    stored = [file_store(actor=actor, upload=u, kind=FileKind.DOCUMENT, region_code=project.region_id) for u in uploads]
    for f in stored:
        ProjectDocument.objects.create(project=project, milestone=milestone, file=f, uploaded_by=actor)
    milestone.status = ProjectMilestoneStatus.SUBMITTED
    milestone.submitted_on = timezone.localdate()
    milestone.submit_note = _text(note, TEXT_MAX)
    milestone.save(update_fields=["status", "submitted_on", "submit_note"])
    audit_record(actor=actor, action="research.milestone_submit", obj=milestone,
                 object_repr=f"{project}：{milestone.title}", region_code=project.region_id,
                 after={"files": [f.sha256 for f in stored], "note": milestone.submit_note})
    return milestone


def _move(*, actor, project: ResearchProject, to: str, note: str = "") -> None:
    PROJECT_WORKFLOW.check(project.status, to)
    ProjectTransition.record(project, from_status=project.status, to_status=to, actor=actor, note=note)
    project.status = to


@transaction.atomic
def milestone_review(*, actor, milestone: ProjectMilestone, passed: bool, comment: str = "",
                     done_on: datetime.date | None = None) -> ProjectMilestone:
    """The office passes a submitted milestone (with the date it was done) or returns it with its comments.
    Passing 开题 moves the project to 开题, passing 中期 to 中期; 结题 is passed by the conclusion."""
    milestone = _locked(milestone)
    project = ResearchProject.objects.select_for_update().get(pk=milestone.project_id)
    _require_office(actor, project)
    _require_open(project)
    if milestone.status != ProjectMilestoneStatus.SUBMITTED:
        raise ApplicationError(f"“{milestone.title}”当前为“{milestone.get_status_display()}”，没有待评审的材料。")
    comment = _text(comment, TEXT_MAX)
    if milestone.kind == ProjectMilestoneKind.FINAL and passed:
        raise ApplicationError("结题报告请通过“结题鉴定”录入结论。")
    if not passed and not comment:
        raise ApplicationError("退回须填写评审意见，说明需要修改的内容。")
    before = snapshot(milestone, ["status", "done_on", "review_comment"])
    if passed:
        done_on = done_on or timezone.localdate()
        if done_on > timezone.localdate() or done_on < project.started_on:
            raise ApplicationError("完成日期不能晚于今天，也不能早于立项日期。")
        if milestone.submitted_on and done_on < milestone.submitted_on:
            raise ApplicationError("完成日期不能早于材料提交日期。")
        milestone.status, milestone.done_on = ProjectMilestoneStatus.PASSED, done_on
        to = PASS_MOVES.get(milestone.kind)
        if to:
            _move(actor=actor, project=project, to=to, note=f"{milestone.title}通过")
            project.save(update_fields=["status"])
    else:
        milestone.status = ProjectMilestoneStatus.RETURNED
    milestone.review_comment, milestone.reviewed_by = comment, actor
    milestone.save(update_fields=["status", "done_on", "review_comment", "reviewed_by"])
    audit_record(actor=actor, action="research.milestone_pass" if passed else "research.milestone_return",
                 obj=milestone, object_repr=f"{project}：{milestone.title}", region_code=project.region_id,
                 before=before, after=snapshot(milestone, ["status", "done_on", "review_comment"]))
    return milestone


@transaction.atomic
def project_conclude(*, actor, project: ResearchProject, result: str, outcome: str = "", comment: str = "",
                     concluded_on: datetime.date | None = None, extended_to: datetime.date | None = None,
                     uploads=()) -> ResearchProject:
    """结题鉴定 on the submitted 结题报告. 优秀/合格/不合格 conclude the project (with the outcome text and files);
    延期 returns the 结题报告 with a later due date and the project stays in 中期."""
    project = ResearchProject.objects.select_for_update().get(pk=project.pk)
    _require_office(actor, project)
    _require_open(project)
    if result not in ProjectResult.values:
        raise ApplicationError("请选择结题结论。")
    final = project.milestones.select_for_update().filter(kind=ProjectMilestoneKind.FINAL).first()
    if final is None or final.status != ProjectMilestoneStatus.SUBMITTED:
        raise ApplicationError("结题报告尚未提交，不能鉴定。")
    comment = _text(comment, TEXT_MAX)
    before = snapshot(project, PROJECT_FIELDS)
    if result == ProjectResult.EXTENDED:
        if extended_to is None or extended_to <= final.due_on:
            raise ApplicationError(f"延期须填写晚于原截止日期（{cn_date(final.due_on)}）的新截止日期。")
        if (extended_to - project.planned_end).days > 366:
            raise ApplicationError("延期不能超过原计划结题日期一年。")
        final.status, final.due_on = ProjectMilestoneStatus.RETURNED, extended_to
        final.review_comment, final.reviewed_by = comment or f"延期至{cn_date(extended_to)}结题", actor
        final.save(update_fields=["status", "due_on", "review_comment", "reviewed_by"])
        if extended_to > project.planned_end:
            project.planned_end = extended_to
            project.save(update_fields=["planned_end"])
        audit_record(actor=actor, action="research.project_extend", obj=project, region_code=project.region_id,
                     before=before, after={**snapshot(project, PROJECT_FIELDS), "final_due": extended_to.isoformat()})
        return project
    outcome = _text(outcome, TEXT_MAX)
    if not outcome:
        raise ApplicationError("请填写成果简介。")
    concluded_on = concluded_on or timezone.localdate()
    if concluded_on > timezone.localdate() or concluded_on < project.started_on:
        raise ApplicationError("结题日期不能晚于今天，也不能早于立项日期。")
    uploads = [u for u in uploads if u]
    if len(uploads) > FILES_MAX:
        raise ApplicationError(f"一次最多上传 {FILES_MAX} 份材料。")
    stored = [file_store(actor=actor, upload=u, kind=FileKind.DOCUMENT, region_code=project.region_id) for u in uploads]
    _move(actor=actor, project=project, to=ProjectStatus.CONCLUDED, note=f"结题结论：{ProjectResult(result).label}")
    project.result, project.outcome, project.concluded_on = result, outcome, concluded_on
    project.save(update_fields=["status", "result", "outcome", "concluded_on"])
    final.status, final.done_on = ProjectMilestoneStatus.PASSED, concluded_on
    final.review_comment, final.reviewed_by = comment, actor
    final.save(update_fields=["status", "done_on", "review_comment", "reviewed_by"])
    for f in stored:
        ProjectDocument.objects.create(project=project, milestone=None, file=f, uploaded_by=actor)
    audit_record(actor=actor, action="research.project_conclude", obj=project, region_code=project.region_id,
                 before=before, after={**snapshot(project, PROJECT_FIELDS), "files": [f.sha256 for f in stored]})
    return project


@transaction.atomic
def project_terminate(*, actor, project: ResearchProject, reason: str) -> ResearchProject:
    project = ResearchProject.objects.select_for_update().get(pk=project.pk)
    _require_office(actor, project)
    reason = _text(reason, TEXT_MAX)
    PROJECT_WORKFLOW.check(project.status, ProjectStatus.TERMINATED)
    if not reason:
        raise ApplicationError("终止课题须填写原因。")
    before = snapshot(project, PROJECT_FIELDS)
    _move(actor=actor, project=project, to=ProjectStatus.TERMINATED, note=reason)
    project.end_reason = reason
    project.save(update_fields=["status", "end_reason"])
    audit_record(actor=actor, action="research.project_terminate", obj=project, region_code=project.region_id,
                 before=before, after={**snapshot(project, PROJECT_FIELDS), "reason": reason})
    return project


# ---- daily job: milestones due soon or overdue reach the owner's inbox -----------------------------------------

def milestone_reminders_daily(*, now: datetime.datetime | None = None) -> int:
    """The daily job "project_milestones": an open milestone (待提交 or 已退回) of an open project reaches its owner
    `research.project_remind_days` days before its due date, and once when it is overdue. The keys carry the due
    date, so a second run adds nothing and a moved due date is announced again."""
    now = now or timezone.now()
    today = local_date(now)
    open_ = (ProjectMilestone.objects.filter(project__status__in=[ProjectStatus.APPROVED, ProjectStatus.OPENED,
                                                                   ProjectStatus.MIDTERM],
                                             status__in=[ProjectMilestoneStatus.PENDING, ProjectMilestoneStatus.RETURNED])
             .select_related("project"))
    horizon = today + datetime.timedelta(days=int(policy_value("research.project_remind_days")))
    messages = []
    for m in open_.filter(due_on__lte=horizon).order_by("due_on", "id").iterator(chunk_size=500):
        late = m.due_on < today
        kind = "late" if late else "soon"
        title = (f"课题节点已逾期：{m.title}" if late else f"课题节点将于{cn_date(m.due_on)}截止：{m.title}")[:200]
        body = f"课题《{m.project.title}》的“{m.title}”截止日期为{cn_date(m.due_on)}，请及时提交材料。"
        messages.append((Message(key=f"project-milestone-{kind}:{m.pk}:{m.due_on.isoformat()}", kind="project_due",
                                 title=title, body=body, url=reverse("research:project_detail", args=[m.project_id])),
                         {m.project.owner_id}))
    with transaction.atomic():
        return notify(messages=messages, at=now)
