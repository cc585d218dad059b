"""课题：成员、开题、中期、结题 (research, area projects).

A 课题 (research project) is registered (立项) by the office of its county, owned by one account (a 督学, a school
user or an office user), carried by a school or by the office. Its members may have accounts. Its milestones
(开题, 中期, 结题 and any the office adds) have due dates; the owner submits each milestone's documents and the office
passes or returns them. Passing 开题 and 中期 moves the project along 立项 → 开题 → 中期; the 结题 conclusion records
the result (优秀/合格/不合格 end the project, 延期 moves the 结题 due date). 终止 ends it early with a reason."""

from django.conf import settings
from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow

__all__ = [
    "PROJECT_WORKFLOW", "ProjectDocument", "ProjectLevel", "ProjectMember", "ProjectMemberRole", "ProjectMilestone",
    "ProjectMilestoneKind", "ProjectMilestoneStatus", "ProjectResult", "ProjectStatus", "ProjectTransition",
    "ResearchProject",
]


class ProjectLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区级"
    SCHOOL = "school", "校级"


class ProjectStatus(models.TextChoices):
    APPROVED = "approved", "立项"
    OPENED = "opened", "开题"
    MIDTERM = "midterm", "中期"
    CONCLUDED = "concluded", "结题"
    TERMINATED = "terminated", "终止"


PROJECT_WORKFLOW = Workflow("课题", {
    ProjectStatus.APPROVED: [ProjectStatus.OPENED, ProjectStatus.TERMINATED],
    ProjectStatus.OPENED: [ProjectStatus.MIDTERM, ProjectStatus.TERMINATED],
    ProjectStatus.MIDTERM: [ProjectStatus.CONCLUDED, ProjectStatus.TERMINATED],
    ProjectStatus.CONCLUDED: [],
    ProjectStatus.TERMINATED: [],
}, ProjectStatus.choices)

OPEN_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.OPENED, ProjectStatus.MIDTERM)


class ProjectResult(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    FAIL = "fail", "不合格"
    EXTENDED = "extended", "延期"


class ProjectMemberRole(models.TextChoices):
    HOST = "host", "主持人"
    MEMBER = "member", "成员"


class ProjectMilestoneKind(models.TextChoices):
    OPENING = "opening", "开题"
    MIDTERM = "midterm", "中期"
    FINAL = "final", "结题"
    OTHER = "other", "其他节点"


class ProjectMilestoneStatus(models.TextChoices):
    PENDING = "pending", "待提交"
    SUBMITTED = "submitted", "已提交待审"
    PASSED = "passed", "已通过"
    RETURNED = "returned", "已退回"


class ProjectQuerySet(ScopedQuerySet):
    """The office (and leaders) of the region; a school its school's projects; the owner and members with accounts
    their own."""

    through_many = True

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)

    def own_q(self, user) -> models.Q:
        return models.Q(owner_id=user.pk) | models.Q(members__user_id=user.pk)


class ResearchProject(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="立项区县")
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="承担学校", help_text="为空时由督导室承担")
    title = models.CharField("课题名称", max_length=200)
    level = models.CharField("课题级别", max_length=12, choices=ProjectLevel.choices)
    number = models.CharField("课题编号", max_length=64, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name="课题负责人")
    started_on = models.DateField("立项日期")
    planned_end = models.DateField("计划结题日期")
    status = models.CharField("状态", max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.APPROVED,
                              db_index=True)
    result = models.CharField("结题结论", max_length=12, choices=ProjectResult.choices, blank=True)
    outcome = models.TextField("成果简介", blank=True)
    concluded_on = models.DateField("结题日期", null=True, blank=True)
    end_reason = models.TextField("终止原因", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "课题"
        ordering = ["-started_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "number"], condition=~models.Q(number=""),
                                               name="uniq_research_project_number")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ProjectMember(models.Model):
    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="members")
    name = models.CharField("姓名", max_length=64)
    unit = models.CharField("工作单位", max_length=128, blank=True)
    role = models.CharField("分工", max_length=8, choices=ProjectMemberRole.choices, default=ProjectMemberRole.MEMBER)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name="登录账号")

    class Meta:
        verbose_name = "课题成员"
        ordering = ["project_id", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "name", "unit"], name="uniq_project_member")]

    def __str__(self) -> str:
        return self.name


class ProjectMilestone(models.Model):
    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField("节点类型", max_length=8, choices=ProjectMilestoneKind.choices)
    title = models.CharField("节点名称", max_length=100)
    due_on = models.DateField("截止日期", db_index=True)
    status = models.CharField("状态", max_length=12, choices=ProjectMilestoneStatus.choices,
                              default=ProjectMilestoneStatus.PENDING, db_index=True)
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    submit_note = models.TextField("提交说明", blank=True)
    done_on = models.DateField("完成日期", null=True, blank=True)
    review_comment = models.TextField("评审意见", blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = "课题节点"
        ordering = ["project_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ProjectDocument(models.Model):
    """A document of a milestone's submission, or of the outcome (milestone empty)."""

    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="documents")
    milestone = models.ForeignKey(ProjectMilestone, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="documents")
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "课题材料"
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.file.original_name


class ProjectTransition(TransitionRecord):
    project = models.ForeignKey(ResearchProject, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "project"
    workflow = PROJECT_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "课题状态变更"
