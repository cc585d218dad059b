"""兼职督学劳务补贴 (workforce, area allowances): one month of one region, computed from the part-time inspectors'
records (allowance_engine), reviewed and approved by the office; one line per inspector plus adjustment lines."""

from django.conf import settings
from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow

__all__ = [
    "ALLOWANCE_WORKFLOW", "AllowanceLine", "AllowanceLineKind", "AllowanceMonth", "AllowanceMonthStatus",
    "AllowanceMonthTransition",
]


class AllowanceMonthStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    REVIEWED = "reviewed", "已复核"
    APPROVED = "approved", "已批准"


ALLOWANCE_WORKFLOW = Workflow("劳务补贴", {
    AllowanceMonthStatus.DRAFT: [AllowanceMonthStatus.REVIEWED],
    AllowanceMonthStatus.REVIEWED: [AllowanceMonthStatus.APPROVED, AllowanceMonthStatus.DRAFT],
    AllowanceMonthStatus.APPROVED: [],
}, AllowanceMonthStatus.choices, backward={(AllowanceMonthStatus.REVIEWED, AllowanceMonthStatus.DRAFT)})


class AllowanceMonthQuerySet(ScopedQuerySet):
    """The office and leaders of the region (or above it); schools and units nothing."""

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", scope.region_prefixes)


class AllowanceMonth(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划")
    year = models.PositiveSmallIntegerField("年度")
    month = models.PositiveSmallIntegerField("月份")
    status = models.CharField("状态", max_length=12, choices=AllowanceMonthStatus.choices,
                              default=AllowanceMonthStatus.DRAFT, db_index=True)
    rates = models.JSONField("计算所用标准", default=dict)
    inspectors = models.PositiveIntegerField("领取人数", default=0)
    total = models.DecimalField("合计（元）", max_digits=14, decimal_places=2, default=0)
    computed_at = models.DateTimeField("计算时间")
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="计算人")
    approved_at = models.DateTimeField("批准时间", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="批准人")

    objects = AllowanceMonthQuerySet.as_manager()

    class Meta:
        verbose_name = "劳务补贴月度"
        ordering = ["-year", "-month", "region_id"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "month"], name="allowance_month_once")]

    def __str__(self) -> str:
        return f"{self.year}年{self.month}月劳务补贴"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


class AllowanceMonthTransition(TransitionRecord):
    allowance_month = models.ForeignKey(AllowanceMonth, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "allowance_month"
    workflow = ALLOWANCE_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "劳务补贴状态变更"


class AllowanceLineKind(models.TextChoices):
    COMPUTED = "computed", "按记录计算"
    ADJUSTMENT = "adjustment", "人工调整"


class AllowanceLineQuerySet(ScopedQuerySet):
    """The region's office and leaders; an inspector their own lines."""

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("allowance_month__region__code", scope.region_prefixes)

    def own_q(self, user) -> models.Q:
        return models.Q(inspector__user_id=user.pk)


class AllowanceLine(models.Model):
    allowance_month = models.ForeignKey(AllowanceMonth, on_delete=models.CASCADE, related_name="lines",
                                        verbose_name="月度")
    inspector = models.ForeignKey("people.Inspector", on_delete=models.PROTECT, related_name="allowance_lines",
                                  verbose_name="督学")
    kind = models.CharField("类别", max_length=12, choices=AllowanceLineKind.choices,
                            default=AllowanceLineKind.COMPUTED)
    visits = models.PositiveIntegerField("督导纪实（次）", default=0)
    half_days = models.PositiveIntegerField("在校（半天）", default=0)
    checks = models.PositiveIntegerField("专项检查（次）", default=0)
    inspection_days = models.PositiveIntegerField("督导评估（天）", default=0)
    trips = models.PositiveIntegerField("交通（次）", default=0)
    visit_amount = models.DecimalField("督导纪实补贴", max_digits=12, decimal_places=2, default=0)
    half_day_amount = models.DecimalField("在校补贴", max_digits=12, decimal_places=2, default=0)
    check_amount = models.DecimalField("专项检查补贴", max_digits=12, decimal_places=2, default=0)
    inspection_amount = models.DecimalField("督导评估补贴", max_digits=12, decimal_places=2, default=0)
    transport_amount = models.DecimalField("交通补贴", max_digits=12, decimal_places=2, default=0)
    cap_cut = models.DecimalField("超出月度上限核减", max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, default=0)
    detail = models.JSONField("明细", default=list, blank=True)
    reason = models.CharField("调整原因", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = AllowanceLineQuerySet.as_manager()

    class Meta:
        verbose_name = "劳务补贴明细"
        ordering = ["allowance_month", "inspector_id", "kind", "id"]
        indexes = [models.Index(fields=["allowance_month", "inspector"]), models.Index(fields=["inspector", "kind"])]

    def __str__(self) -> str:
        return f"{self.allowance_month_id}: {self.inspector_id} {self.total}"
