"""创建 campaigns: the county's task list (task, responsible department or school, measures, deadline), progress
reported with evidence, the board by department and month, and overdue tasks turned into findings."""

import datetime

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import Role
from dudao.core.policy import policy_value
from dudao.core.scope import require_office_for, scope_for
from dudao.documents import files
from dudao.documents.services import file_record
from dudao.monitoring.models import Campaign, CampaignKind, CampaignTask, TaskProgress
from dudao.rectification.models import FindingSource
from dudao.rectification.services import finding_raise
from dudao.regions.models import RegionLevel


def campaign_create(*, actor, kind: str, county, name: str, target_year: int) -> Campaign:
    require_office_for(actor, county.code, "只有本县（区）督导室可以建立创建工作。")
    if kind not in CampaignKind.values:
        raise ApplicationError("请选择创建类型。")
    if county.level != RegionLevel.COUNTY:
        raise ApplicationError("创建工作以县（区）为单位。")
    name = (name or "").strip()
    if not name:
        raise ApplicationError("请填写名称。")
    campaign = Campaign.objects.create(kind=kind, county=county, name=name[:128], target_year=target_year,
                                       created_by=actor)
    audit_record(actor=actor, action="monitoring.campaign_create", obj=campaign, region_code=county.code,
                 after={"kind": kind, "name": name, "target_year": target_year})
    return campaign


def task_add(*, actor, campaign: Campaign, title: str, measures: str, deadline: datetime.date, unit=None,
             school=None) -> CampaignTask:
    require_office_for(actor, campaign.county_id, "只有本县（区）督导室可以分解创建任务。")
    title = (title or "").strip()
    if not title:
        raise ApplicationError("请填写任务。")
    if (unit is None) == (school is None):
        raise ApplicationError("每项任务须且只能有一个责任单位或责任学校。")
    owner_region = unit.region_id if unit else school.region_id
    if not owner_region.startswith(campaign.county_id):
        raise ApplicationError("责任单位（学校）不在本县（区）。")
    task = CampaignTask.objects.create(campaign=campaign, title=title[:255], measures=(measures or "").strip(),
                                       deadline=deadline, unit=unit, school=school, region_code=owner_region)
    audit_record(actor=actor, action="monitoring.task_add", obj=task, region_code=campaign.county_id,
                 after={"title": title, "deadline": deadline.isoformat(), "owner": str(task.target)})
    return task


def can_report(actor, task: CampaignTask) -> bool:
    scope = scope_for(actor)
    return (scope.holds(task.campaign.county_id, Role.OFFICE)
            or (task.unit_id is not None and task.unit_id in scope.unit_ids)
            or (task.school_id is not None and task.school_id in scope.school_ids))


def progress_report(*, actor, task: CampaignTask, progress: int, note: str, uploads=(),
                    today: datetime.date) -> TaskProgress:
    """The responsible department or school (or the office) reports; 100% completes the task."""
    if not can_report(actor, task):
        raise PermissionDenied("只有责任单位（学校）或本县（区）督导室可以报告该任务进展。")
    note = (note or "").strip()
    if not note:
        raise ApplicationError("请填写进展情况。")
    if not 0 <= progress <= 100:
        raise ApplicationError("进度应在 0—100 之间。")
    if progress == 100 and not uploads:
        raise ApplicationError("报告完成（100%）时须上传佐证材料。")
    checked = [files.check_and_write_evidence(f, region_code=task.campaign.county_id) for f in uploads]
    with transaction.atomic():
        task = CampaignTask.objects.select_for_update().get(pk=task.pk)
        if task.done_at:
            raise ApplicationError(f"该任务已于 {task.done_at:%Y-%m-%d} 完成，不能再报告进展。")
        if progress < task.progress:
            raise ApplicationError(f"进度不能低于上次报告的 {task.progress}%。")
        update = TaskProgress.objects.create(task=task, reported_on=today, progress=progress, note=note,
                                             reported_by=actor)
        update.evidence.set([file_record(actor=actor, checked=c) for c in checked])
        task.progress = progress
        task.done_at = today if progress == 100 else None
        task.save(update_fields=["progress", "done_at"])
        audit_record(actor=actor, action="monitoring.task_progress", obj=task, region_code=task.campaign.county_id,
                     after={"progress": progress, "note": note[:200], "files": len(checked)})
    return update


def overdue_to_findings(*, today: datetime.date, actor=None) -> int:
    """Each task past its deadline and not done becomes one finding on its department or school (source 评估监测),
    so it follows the rectification loop: notice, report, verification, 督办单."""
    done = 0
    overdue = CampaignTask.objects.filter(done_at__isnull=True, deadline__lt=today, finding__isnull=True).select_related(
        "campaign", "unit", "school")
    for task in overdue.iterator(chunk_size=500):
        with transaction.atomic():
            days = int(policy_value("rectification.default_days", task.campaign.county_id))
            finding = finding_raise(
                actor=actor, source=FindingSource.MONITORING, unit=task.unit, school=task.school,
                source_type="campaign_task", source_id=str(task.pk), category_label="创建任务逾期",
                description=f"{task.campaign.name}：任务“{task.title}”应于 {cn_date(task.deadline)} 前完成，"
                            f"逾期未完成（当前进度 {task.progress}%）。",
                requirement=task.measures or "按创建任务清单完成该任务，并报送佐证材料。",
                due_date=today + datetime.timedelta(days=days))
            CampaignTask.objects.filter(pk=task.pk).update(finding=finding)
        done += 1
    return done

def overdue_to_findings_daily(*, now) -> int:
    """The daily job (registered with core.registries): today's overdue tasks become findings."""
    return overdue_to_findings(today=timezone.localdate(now))
