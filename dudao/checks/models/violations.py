"""违规查处 of private schools and training institutions, and the institution's 诚信记录."""

from django.conf import settings
from django.db import models

from dudao.checks.models._scope import SchoolScopedQuerySet
from dudao.core.scope import Scope, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow

__all__ = [
    "CreditEntry", "CreditKind", "VIOLATION_WORKFLOW", "Violation", "ViolationKind", "ViolationSource",
    "ViolationStatus", "ViolationTransition",
]


class ViolationSource(models.TextChoices):
    COMPLAINT = "complaint", "投诉举报"
    CHECK = "check", "专项检查"
    ANNUAL = "annual", "年检"
    DEPARTMENT = "department", "其他部门移送"
    OTHER = "other", "其他"


class ViolationKind(models.TextChoices):
    SUBJECT_TRAINING = "subject_training", "违规开展学科类培训"
    AHEAD = "ahead", "超纲超前教学"
    SCOPE = "scope", "超范围经营"
    FEES = "fees", "收费违规"
    SAFETY = "safety", "安全隐患"
    NO_LICENCE = "no_licence", "无证办学"
    ADVERTISING = "advertising", "虚假宣传"
    OTHER = "other", "其他违规行为"


class ViolationStatus(models.TextChoices):
    REGISTERED = "registered", "已登记"
    VERIFIED = "verified", "已核实"
    UNFOUNDED = "unfounded", "经核查不属实"
    DECIDED = "decided", "已作出处理决定"
    CLOSED = "closed", "整改办结"


VIOLATION_WORKFLOW = Workflow("违规查处", {
    ViolationStatus.REGISTERED: [ViolationStatus.VERIFIED, ViolationStatus.UNFOUNDED],
    ViolationStatus.VERIFIED: [ViolationStatus.DECIDED],
    ViolationStatus.DECIDED: [ViolationStatus.CLOSED],
    ViolationStatus.UNFOUNDED: [],
    ViolationStatus.CLOSED: [],
}, ViolationStatus.choices)


class ViolationQuerySet(SchoolScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        # The region's staff see every case; the responsible department the cases it must decide; the institution
        # (and its assigned inspectors) a case only once it is decided: a registered or verified case is still
        # under investigation, and an unfounded one is no record of theirs.
        return (prefix_q(self.region_lookup, scope.region_prefixes)
                | models.Q(school_id__in=scope.school_ids, status__in=["decided", "closed"])
                | models.Q(responsible_unit_id__in=scope.unit_ids))

    def own_q(self, user) -> models.Q:
        # an inspector who registered a case follows it (an inspector's scope holds only their assigned schools)
        return models.Q(created_by_id=user.pk)


class Violation(models.Model):
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="violations",
                               verbose_name="机构")
    region_code = models.CharField("所在区划", max_length=12, db_index=True)
    source = models.CharField("线索来源", max_length=16, choices=ViolationSource.choices)
    complaint = models.ForeignKey("zones.Complaint", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="来源投诉")
    check_answer = models.ForeignKey("checks.CheckAnswer", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="来源检查项")
    source_note = models.CharField("来源说明", max_length=255, blank=True)
    kind = models.CharField("违规类型", max_length=24, choices=ViolationKind.choices, db_index=True)
    description = models.TextField("违规事实")
    found_on = models.DateField("发现日期")
    status = models.CharField("状态", max_length=12, choices=ViolationStatus.choices,
                              default=ViolationStatus.REGISTERED, db_index=True)
    verification = models.TextField("核查情况", blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField("核查时间", null=True, blank=True)
    responsible_unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name="负责查处的部门")
    decision = models.TextField("处理决定", blank=True)
    # rectification.DecisionForm values (the 问责 forms; for private operators 罚没违法所得, 从业禁止, 记入诚信记录)
    penalties = models.JSONField("处理方式", default=list, blank=True)
    confiscated_amount = models.DecimalField("罚没金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    ban_years = models.PositiveSmallIntegerField("从业禁止年限", null=True, blank=True)
    document_number = models.CharField("决定文号", max_length=64, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_on = models.DateField("决定日期", null=True, blank=True)
    finding = models.ForeignKey("rectification.Finding", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="整改问题")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ViolationQuerySet.as_manager()

    class Meta:
        verbose_name = "违规查处"
        ordering = ["-found_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.found_on}"


class ViolationTransition(TransitionRecord):
    violation = models.ForeignKey(Violation, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "violation"
    workflow = VIOLATION_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "违规查处状态变更"


class CreditKind(models.TextChoices):
    PENALTY = "penalty", "行政处罚"
    VIOLATION = "violation", "违规行为"
    ANNUAL = "annual", "年检结论"
    LICENCE = "licence", "证照情况"
    COMMENDATION = "commendation", "表彰"


class CreditEntry(models.Model):
    """诚信记录: one dated fact in an institution's credit record, written by the service that decided it."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="credit_entries",
                               verbose_name="机构")
    region_code = models.CharField("所在区划", max_length=12, db_index=True)
    kind = models.CharField("类别", max_length=16, choices=CreditKind.choices)
    on = models.DateField("日期")
    text = models.TextField("内容")
    negative = models.BooleanField("失信记录", default=True)
    violation = models.ForeignKey(Violation, null=True, blank=True, on_delete=models.PROTECT, related_name="credit")
    annual_report = models.ForeignKey("checks.AnnualReport", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="credit")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = SchoolScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "诚信记录"
        ordering = ["-on", "-id"]
        indexes = [models.Index(fields=["school", "on"])]

    def __str__(self) -> str:
        return self.text[:40]
