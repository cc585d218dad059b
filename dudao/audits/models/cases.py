"""审计计划、审计事项、审计组、资料、发现问题、审计报告与公开 (audits, area cases).

学校领导干部离任、轮岗、任中经济责任审计 (内审), seed 000: "每年审计5-10名离任或轮岗的学校领导干部，及时发布审计报告".
Who sees a case (AuditCaseQuerySet): the office and the leaders of its county (by those two roles only: an
inspector's region or assigned schools give nothing); the members of its 审计组; and, only once the report is
issued, the auditee (by user account) and the users of the audited school (role 学校用户 on that school). Before
that, the school's users see the document requests addressed to their school (AuditDocRequestQuerySet), nothing
else of the case.
"""

from django.conf import settings
from django.db import models

from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow

__all__ = [
    "AUDIT_CASE_WORKFLOW", "ISSUED_STATUSES", "AuditCase", "AuditCaseStatus", "AuditCaseTransition", "AuditDocRequest",
    "AuditFinding", "AuditFindingCategory", "AuditPlan", "AuditPlanStatus", "AuditReason", "AuditTeamMember",
    "AuditTeamRole", "AuditeePosition", "office_prefixes",
]


class AuditPlanStatus(models.TextChoices):
    DRAFT = "draft", "编制中"
    APPROVED = "approved", "已批准"


class AuditeePosition(models.TextChoices):
    PRINCIPAL = "principal", "校长"
    VICE_PRINCIPAL = "vice_principal", "副校长"
    SECRETARY = "secretary", "书记"
    OTHER = "other", "其他"


class AuditReason(models.TextChoices):
    DEPARTURE = "departure", "离任"
    ROTATION = "rotation", "轮岗"
    IN_OFFICE = "in_office", "任中"


class AuditCaseStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    IN_PROGRESS = "in_progress", "实施中"
    REPORTED = "reported", "报告已出具"
    PUBLISHED = "published", "已公开"
    CLOSED = "closed", "已结案"


S = AuditCaseStatus
# 报告已出具 → 已公开 by publishing; 已公开 → 报告已出具 by withdrawing the publication (a move back, recorded);
# 已结案 ends the case (from 报告已出具 or 已公开).
AUDIT_CASE_WORKFLOW = Workflow("审计事项", {
    S.PLANNED: [S.IN_PROGRESS],
    S.IN_PROGRESS: [S.REPORTED],
    S.REPORTED: [S.PUBLISHED, S.CLOSED],
    S.PUBLISHED: [S.REPORTED, S.CLOSED],
    S.CLOSED: [],
}, AuditCaseStatus.choices, backward=[(S.PUBLISHED, S.REPORTED)])

ISSUED_STATUSES = (S.REPORTED, S.PUBLISHED, S.CLOSED)


class AuditTeamRole(models.TextChoices):
    LEADER = "leader", "组长"
    MEMBER = "member", "组员"


class AuditFindingCategory(models.TextChoices):
    FINANCE = "finance", "财务收支"
    ASSETS = "assets", "资产管理"
    PROCUREMENT = "procurement", "采购与基建"
    FEES = "fees", "收费管理"
    DECISION = "decision", "重大经济事项决策"
    INTERNAL_CONTROL = "internal_control", "内部控制"
    INTEGRITY = "integrity", "廉洁从业"
    OTHER = "other", "其他"


def office_prefixes(scope: Scope) -> list[str]:
    """The region subtrees the user reads cases in: their office and leader assignments only."""
    return sorted({p for role, p in scope.role_prefixes if role in (Role.OFFICE, Role.LEADER)})


def _school_user_schools(user):
    return RoleAssignment.objects.filter(user_id=user.pk, role=Role.SCHOOL, school__isnull=False).values("school_id")


class AuditPlanQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", office_prefixes(scope))


class AuditPlan(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区（县）")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=12, choices=AuditPlanStatus.choices, default=AuditPlanStatus.DRAFT)
    note = models.TextField("计划说明", blank=True)
    deviation_reason = models.CharField("计划人数超出范围的说明", max_length=255, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("编制时间", auto_now_add=True)

    objects = AuditPlanQuerySet.as_manager()

    class Meta:
        verbose_name = "年度审计计划"
        ordering = ["-year", "region_id"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="audits_plan_region_year")]

    def __str__(self) -> str:
        return f"{self.year}年度学校领导干部经济责任审计计划"


class AuditCaseQuerySet(ScopedQuerySet):
    through_many = True  # own_q follows the team (to-many)

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region_code", office_prefixes(scope))

    def own_q(self, user) -> models.Q:
        issued = models.Q(status__in=ISSUED_STATUSES)
        return (models.Q(team__user_id=user.pk)
                | (issued & models.Q(auditee_user_id=user.pk))
                | (issued & models.Q(school_id__in=_school_user_schools(user))))


class AuditCase(models.Model):
    plan = models.ForeignKey(AuditPlan, on_delete=models.PROTECT, related_name="cases", verbose_name="年度计划")
    region_code = models.CharField("所在区（县）", max_length=12, db_index=True)
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+", verbose_name="被审计学校")
    auditee_name = models.CharField("被审计人", max_length=64)
    auditee_position = models.CharField("职务", max_length=16, choices=AuditeePosition.choices)
    auditee_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="被审计人账号")
    term_from = models.DateField("任职起始")
    term_to = models.DateField("任职截止", null=True, blank=True, help_text="任中审计可不填")
    reason = models.CharField("审计类型", max_length=12, choices=AuditReason.choices)
    period_from = models.DateField("审计期间起")
    period_to = models.DateField("审计期间止")
    fieldwork_from = models.DateField("现场审计开始", null=True, blank=True)
    fieldwork_to = models.DateField("现场审计结束", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=AuditCaseStatus.choices, default=S.PLANNED,
                              db_index=True)
    report_number = models.CharField("报告文号", max_length=64, blank=True)
    report_year = models.PositiveSmallIntegerField("文号年度", null=True, blank=True)
    report_issued_on = models.DateField("报告出具日期", null=True, blank=True)
    report_summary = models.TextField("报告摘要（公开）", blank=True)
    report_conclusion = models.TextField("审计评价与结论", blank=True)
    report_file = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="审计报告")
    publication = models.ForeignKey("rectification.Publication", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="公开信息")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = AuditCaseQuerySet.as_manager()

    class Meta:
        verbose_name = "审计事项"
        ordering = ["-plan__year", "id"]
        constraints = [models.UniqueConstraint(
            fields=["region_code", "report_year", "report_number"], name="audits_case_report_number",
            condition=~models.Q(report_number=""))]

    def __str__(self) -> str:
        return f"{self.auditee_name}（{self.get_auditee_position_display()}）{self.get_reason_display()}审计"

    @property
    def is_issued(self) -> bool:
        return self.status in ISSUED_STATUSES


class AuditCaseTransition(TransitionRecord):
    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "case"
    workflow = AUDIT_CASE_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "审计事项状态变更"


class AuditTeamMember(models.Model):
    """One member of a case's 审计组: an office user, an inspector or an expert of the registry (their account,
    when they have one, is kept in `user`: what they see comes from it), or an outside auditor typed by name."""

    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="team")
    role = models.CharField("分工", max_length=8, choices=AuditTeamRole.choices, default=AuditTeamRole.MEMBER)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name="账号")
    inspector = models.ForeignKey("people.Inspector", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="督学")
    expert = models.ForeignKey("people.Expert", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="专家")
    name = models.CharField("姓名", max_length=64)
    organisation = models.CharField("单位", max_length=128, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField("加入时间", auto_now_add=True)

    class Meta:
        verbose_name = "审计组成员"
        ordering = ["role", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        if self.inspector_id:
            return "督学"
        if self.expert_id:
            return "专家"
        if self.user_id:
            return "督导室"
        return "外聘审计人员"


class AuditDocRequestQuerySet(ScopedQuerySet):
    """A request is seen by whoever sees its case, and by the audited school's users while the case is 实施中."""

    through_many = True

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("case__region_code", office_prefixes(scope))

    def own_q(self, user) -> models.Q:
        return (models.Q(case__team__user_id=user.pk)
                | models.Q(case__school_id__in=_school_user_schools(user),
                           case__status__in=[S.IN_PROGRESS, *ISSUED_STATUSES]))


class AuditDocRequest(models.Model):
    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="requests")
    title = models.CharField("所需资料", max_length=200)
    note = models.CharField("说明", max_length=500, blank=True)
    due_on = models.DateField("报送期限")
    file = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name="报送文件")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField("报送时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    objects = AuditDocRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "审计资料清单"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class AuditFinding(models.Model):
    case = models.ForeignKey(AuditCase, on_delete=models.CASCADE, related_name="findings")
    text = models.TextField("问题描述")
    category = models.CharField("问题类别", max_length=20, choices=AuditFindingCategory.choices)
    amount = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    severity = models.PositiveSmallIntegerField("严重程度", default=1, choices=[(1, "一般"), (2, "较重"), (3, "严重")])
    rect_finding = models.OneToOneField("rectification.Finding", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name="整改问题")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "审计发现问题"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]
