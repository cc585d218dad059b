"""年检: the yearly review of 民办学校, 民办幼儿园 and 校外培训机构 — self-report with documents, review, result."""

from django.conf import settings
from django.db import models

from dudao.checks.models._scope import RegionScopedQuerySet, SchoolScopedQuerySet
from dudao.core.workflow import TransitionRecord, Workflow

__all__ = [
    "ANNUAL_REPORT_WORKFLOW", "AnnualDocument", "AnnualReport", "AnnualReportStatus", "AnnualReportTransition",
    "AnnualRequirement", "AnnualResult", "AnnualRound", "AnnualRoundStatus", "AnnualScore", "InstitutionKind",
]


class InstitutionKind(models.TextChoices):
    PRIVATE_SCHOOL = "private_school", "民办学校"
    PRIVATE_KINDERGARTEN = "private_kindergarten", "民办幼儿园"
    TRAINING = "training", "校外培训机构"


class AnnualRoundStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "填报与评审中"
    CLOSED = "closed", "已结束"


class AnnualRound(models.Model):
    """One year's 年检 of a county's private schools, kindergartens and training institutions."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="组织区划")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=128)
    submit_by = models.DateField("自查报告提交截止日期")
    framework = models.ForeignKey("frameworks.Framework", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="评审指标体系")
    status = models.CharField("状态", max_length=8, choices=AnnualRoundStatus.choices,
                              default=AnnualRoundStatus.DRAFT, db_index=True)
    published_at = models.DateTimeField("结果公布时间", null=True, blank=True)
    publication = models.ForeignKey("rectification.Publication", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="结果公告")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "年检"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class AnnualRequirement(models.Model):
    """A document each institution of a kind must (or may) hand in with its self-report."""

    round = models.ForeignKey(AnnualRound, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField("机构类别", max_length=24, choices=InstitutionKind.choices)
    title = models.CharField("材料名称", max_length=128)
    required = models.BooleanField("必须提交", default=True)
    order = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "年检材料要求"
        ordering = ["round", "kind", "order", "id"]

    def __str__(self) -> str:
        return self.title


class AnnualReportStatus(models.TextChoices):
    PENDING = "pending", "待提交"
    SUBMITTED = "submitted", "已提交"
    RETURNED = "returned", "已退回补正"
    REVIEWED = "reviewed", "已评定"


ANNUAL_REPORT_WORKFLOW = Workflow("年检", {
    AnnualReportStatus.PENDING: [AnnualReportStatus.SUBMITTED],
    AnnualReportStatus.SUBMITTED: [AnnualReportStatus.RETURNED, AnnualReportStatus.REVIEWED],
    AnnualReportStatus.RETURNED: [AnnualReportStatus.SUBMITTED],
    AnnualReportStatus.REVIEWED: [],
}, AnnualReportStatus.choices, backward=[(AnnualReportStatus.SUBMITTED, AnnualReportStatus.RETURNED)])


class AnnualResult(models.TextChoices):
    PASS = "pass", "合格"
    BASIC = "basic", "基本合格"
    FAIL = "fail", "不合格"
    RECTIFY = "rectify", "限期整改"


class AnnualReportQuerySet(SchoolScopedQuerySet):
    def own_q(self, user) -> models.Q:
        """The reviewer sees the reports they were given."""
        return models.Q(reviewer_id=user.pk)


class AnnualReport(models.Model):
    """One institution in one year's 年检: its self-report, documents, review and result."""

    round = models.ForeignKey(AnnualRound, on_delete=models.CASCADE, related_name="reports")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="annual_reports",
                               verbose_name="机构")
    region_code = models.CharField("所在区划", max_length=12, db_index=True)
    kind = models.CharField("机构类别", max_length=24, choices=InstitutionKind.choices)
    status = models.CharField("状态", max_length=12, choices=AnnualReportStatus.choices,
                              default=AnnualReportStatus.PENDING, db_index=True)
    self_report = models.TextField("自查报告", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="评审人")
    score = models.DecimalField("评审得分", max_digits=6, decimal_places=2, null=True, blank=True)
    result = models.CharField("年检结论", max_length=8, choices=AnnualResult.choices, blank=True, db_index=True)
    reasons = models.TextField("结论理由", blank=True)
    rectify_due = models.DateField("整改期限", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField("评定时间", null=True, blank=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = "年检报告"
        ordering = ["round", "region_code", "school"]
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="uniq_annual_report")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.school_id}"


class AnnualReportTransition(TransitionRecord):
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "report"
    workflow = ANNUAL_REPORT_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "年检状态变更"


class AnnualDocument(models.Model):
    """A document handed in for a requirement; a new upload is a new row (evidence is never overwritten)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(AnnualRequirement, on_delete=models.PROTECT, related_name="+")
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "年检材料"
        ordering = ["report", "requirement", "id"]

    def __str__(self) -> str:
        return self.sha256[:12]


class AnnualScore(models.Model):
    """The reviewer's score of one check point of the round's framework."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="scores")
    point = models.CharField("指标代码", max_length=32)
    value = models.CharField("评分", max_length=32)
    note = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        verbose_name = "年检评分"
        ordering = ["report", "point"]
        constraints = [models.UniqueConstraint(fields=["report", "point"], name="uniq_annual_score")]

    def __str__(self) -> str:
        return f"{self.point}={self.value}"
