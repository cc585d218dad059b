"""Inspection projects (综合督导, 专项督导, 督政评价…) on a frozen framework version: targets, a team per target,
scores (experts' and the target's self-assessment), results, and the project's workflow log."""

from django.conf import settings
from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow
from dudao.schools.targets import SchoolOrUnitTarget


class InspectionKind(models.TextChoices):
    COMPREHENSIVE = "comprehensive", "综合督导"
    SPECIAL = "special", "专项督导"
    DEVELOPMENT = "development", "发展性督导评估"
    FOLLOWUP = "followup", "回访/随访"
    OPENING = "opening", "开学检查"
    ANNUAL = "annual", "年度考核"
    DUZHENG = "duzheng", "督政评价"


class InspectionStage(models.TextChoices):
    PLANNED = "planned", "计划"
    NOTIFIED = "notified", "已通知"
    SELF = "self", "自评中"
    REVIEW = "review", "材料审核"
    ONSITE = "onsite", "实地督导"
    DELIBERATION = "deliberation", "汇总评议"
    FEEDBACK = "feedback", "意见反馈"
    ISSUED = "issued", "已出具意见书"
    RECTIFYING = "rectifying", "整改中"
    RECHECKED = "rechecked", "已复查"
    ARCHIVED = "archived", "归档"


# stage → stages it may move to. A move back (backward) needs a reason.
_S = InspectionStage
INSPECTION_WORKFLOW = Workflow("督导项目", {
    _S.PLANNED: {_S.NOTIFIED},
    _S.NOTIFIED: {_S.SELF},
    _S.SELF: {_S.REVIEW},
    _S.REVIEW: {_S.ONSITE, _S.SELF},
    _S.ONSITE: {_S.DELIBERATION},
    _S.DELIBERATION: {_S.FEEDBACK, _S.ONSITE},
    _S.FEEDBACK: {_S.ISSUED, _S.DELIBERATION},
    _S.ISSUED: {_S.RECTIFYING},
    _S.RECTIFYING: {_S.RECHECKED},
    _S.RECHECKED: {_S.ARCHIVED},
    _S.ARCHIVED: set(),
}, InspectionStage.choices, backward={(_S.REVIEW, _S.SELF), (_S.DELIBERATION, _S.ONSITE), (_S.FEEDBACK, _S.DELIBERATION)})


class InspectionQuerySet(ScopedQuerySet):
    """Region staff and the targets by scope; team members (experts included) by membership."""

    through_many = True

    def scope_q(self, scope: Scope) -> models.Q:
        return (prefix_q("county__code", scope.region_prefixes) | models.Q(targets__school_id__in=scope.school_ids)
                | models.Q(targets__unit_id__in=scope.unit_ids)
                | models.Q(targets__group__lead_school_id__in=scope.school_ids))

    def own_q(self, user) -> models.Q:
        return (models.Q(targets__team__user=user) | models.Q(targets__centre__contact=user)
                | models.Q(targets__project__contact=user))


class Inspection(models.Model):
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="县（区）")
    name = models.CharField("项目名称", max_length=128)
    kind = models.CharField("类型", max_length=16, choices=InspectionKind.choices)
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="inspections",
                                  verbose_name="指标体系")
    year = models.PositiveSmallIntegerField("年度")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    notice_number = models.CharField("督导通知文号", max_length=64, blank=True)
    stage = models.CharField("阶段", max_length=16, choices=InspectionStage.choices, default=InspectionStage.PLANNED, db_index=True)
    stage_since = models.DateTimeField("进入本阶段时间", null=True, blank=True)
    sample_seed = models.BigIntegerField("抽样随机种子", null=True, blank=True)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="followups",
                                 verbose_name="被回访的项目")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = "督导项目"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class InspectionTargetKind(models.TextChoices):
    SCHOOL = "school", "学校"
    UNIT = "unit", "政府单位"
    GROUP = "group", "教育集团（学区）"
    CENTRE = "centre", "教管中心"
    PROJECT = "project", "帮扶项目"


TARGET_FIELDS = ("school", "unit", "group", "centre", "project")


def _exactly_one(fields) -> models.Q:
    q = models.Q(pk__in=[])
    for f in fields:
        term = models.Q(**{f"{f}__isnull": False})
        for other in fields:
            if other != f:
                term &= models.Q(**{f"{other}__isnull": True})
        q |= term
    return q


class Target(SchoolOrUnitTarget):
    """A school, a government unit, an education group (学区), a management centre or a project: exactly one."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets", verbose_name="项目")
    group = models.ForeignKey("schools.EducationGroup", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="教育集团（学区）")
    centre = models.ForeignKey("schools.ManagementCentre", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name="教管中心")
    project = models.ForeignKey("schools.Project", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="帮扶项目")
    score = models.FloatField("得分", null=True, blank=True)
    level = models.CharField("等级", max_length=16, blank=True)
    vetoed = models.BooleanField("一票否决", default=False)
    computed_at = models.DateTimeField("计算时间", null=True, blank=True)
    # The target's self-assessment report and evidence, and the office's review of them (材料审核).
    self_report = models.TextField("自评报告", blank=True)
    materials = models.ManyToManyField("documents.StoredFile", blank=True, verbose_name="佐证材料")
    review_note = models.TextField("材料审核意见", blank=True)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "督导对象"
        ordering = ["region_code", "id"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one(TARGET_FIELDS), name="inspections_target_one_target"),
            models.UniqueConstraint(fields=["inspection", "school"], condition=models.Q(school__isnull=False),
                                    name="inspection_school_once"),
            models.UniqueConstraint(fields=["inspection", "unit"], condition=models.Q(unit__isnull=False),
                                    name="inspection_unit_once"),
            models.UniqueConstraint(fields=["inspection", "group"], condition=models.Q(group__isnull=False),
                                    name="inspection_group_once"),
            models.UniqueConstraint(fields=["inspection", "centre"], condition=models.Q(centre__isnull=False),
                                    name="inspection_centre_once"),
            models.UniqueConstraint(fields=["inspection", "project"], condition=models.Q(project__isnull=False),
                                    name="inspection_project_once"),
        ]

    def __str__(self) -> str:
        return self.target_name

    @property
    def target(self):
        """The school, unit, group, centre or project."""
        return self.school or self.unit or self.group or self.centre or self.project

    @property
    def kind(self) -> str:
        for field in TARGET_FIELDS:
            if getattr(self, f"{field}_id"):
                return field
        return ""

    def get_kind_display(self) -> str:
        return str(InspectionTargetKind(self.kind).label) if self.kind else ""


class TeamRole(models.TextChoices):
    LEADER = "leader", "组长"
    INSPECTOR = "inspector", "督学"
    EXPERT = "expert", "专家"


class TeamMember(models.Model):
    """Who inspects a target; `leaves` lists the check points assigned to them (empty: all of them)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="team", verbose_name="督导对象")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspection_teams",
                             verbose_name="成员")
    role = models.CharField("角色", max_length=12, choices=TeamRole.choices)
    leaves = models.JSONField("负责评分的考查要点", default=list, blank=True)

    class Meta:
        verbose_name = "督导组成员"
        constraints = [models.UniqueConstraint(fields=["target", "user"], name="inspection_member_once")]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.user_id} {self.role}"


class Score(models.Model):
    """One recorded value for one check point: by a team member, or the target's self-assessment (is_self)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="scores", verbose_name="督导对象")
    leaf = models.CharField("考查要点", max_length=32)
    scorer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name="评分人")
    is_self = models.BooleanField("自评", default=False)
    value = models.CharField("评分", max_length=32)
    note = models.TextField("说明", blank=True)
    updated_at = models.DateTimeField("评分时间", auto_now=True)

    class Meta:
        verbose_name = "评分"
        constraints = [models.UniqueConstraint(fields=["target", "leaf", "scorer", "is_self"],
                                               name="inspection_one_score")]
        indexes = [models.Index(fields=["target", "is_self"])]

    def __str__(self) -> str:
        return f"{self.target_id} {self.leaf} {self.value}"


class Transition(TransitionRecord):
    """Append-only log of the project's workflow."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "inspection"
    workflow = INSPECTION_WORKFLOW

    class Meta(TransitionRecord.Meta):
        pass


class Opinion(models.Model):
    """督导意见书 for one target: the evaluation, strengths, and problems with rectification requirements and
    deadlines. Numbered from the office's 文号 sequence when the project issues its opinions; its problems
    then become findings on the target."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="opinion", verbose_name="督导对象")
    number = models.CharField("文号", max_length=64, null=True, blank=True, unique=True)
    evaluation = models.TextField("总体评价")
    strengths = models.TextField("主要成绩", blank=True)
    # [{"text": 问题, "requirement": 整改要求, "due_date": "2027-03-31"}]
    problems = models.JSONField("存在问题与整改要求", default=list, blank=True)
    issued_at = models.DateTimeField("出具时间", null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField("修改时间", auto_now=True)

    class Meta:
        verbose_name = "督导意见书"

    def __str__(self) -> str:
        return self.number or f"意见书草稿 {self.target_id}"


class BatchStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class OpinionBatch(models.Model):
    """A background run that renders every 督导意见书 of a project into one .zip, with its progress."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="batches")
    status = models.CharField("状态", max_length=8, choices=BatchStatus.choices, default=BatchStatus.PENDING)
    total = models.PositiveIntegerField("总数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    path = models.CharField(max_length=255, blank=True)
    error = models.TextField(blank=True)  # why it failed, or why it was queued again (a killed worker)
    attempt = models.PositiveIntegerField("尝试次数", default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "意见书批量生成"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class Appeal(models.Model):
    """申辩: the target's objection to the feedback, within the appeal window; the office answers it before
    the 意见书 are issued."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="appeals", verbose_name="督导对象")
    text = models.TextField("申辩内容")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提出时间")
    response = models.TextField("答复", blank=True)
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    responded_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "申辩"
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.target_id} 申辩"


class LeafEvidence(models.Model):
    """A file the target attaches to one check point of its self-assessment (never replaced; new rows only)."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="leaf_evidence")
    leaf = models.CharField("考查要点", max_length=32)
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, verbose_name="佐证材料")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "考查要点佐证材料"
        ordering = ["leaf", "id"]
        indexes = [models.Index(fields=["target", "leaf"])]

    def __str__(self) -> str:
        return f"{self.target_id} {self.leaf}"
