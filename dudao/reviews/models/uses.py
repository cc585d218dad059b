"""结果运用: each use of a supervision result (an inspection's level, a 述职评议 rank, a quality monitoring flag,
an accountability decision, an annual target assessment) by the unit that used it — 组织部, 人社局, 教育局… —
for what, when, with the document."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q

__all__ = ["UsePurpose", "ResultUse", "ResultUseQuerySet", "ResultReminder"]


class UsePurpose(models.TextChoices):
    HONOURS = "honours", "评优评先"
    APPOINTMENT = "appointment", "干部任用"
    PAY = "pay", "绩效工资"
    RESOURCES = "resources", "资源配置"
    ANNUAL = "annual", "年度考核"
    ENROLMENT = "enrolment", "招生计划"
    OTHER = "other", "其他"


class ResultUseQuerySet(ScopedQuerySet):
    """The office and leaders of the region; a using unit sees the uses it recorded or that name it; a school or
    unit sees the uses of its own results."""

    def scope_q(self, scope: Scope) -> models.Q:
        return (prefix_q("region__code", scope.region_prefixes) | models.Q(user_unit_id__in=scope.unit_ids)
                | models.Q(school_id__in=scope.school_ids) | models.Q(unit_id__in=scope.unit_ids))


class ResultUse(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区县")
    # The result used: a registered kind and the id of the object in its app, with a label kept as it read then.
    result_kind = models.CharField("结果类型", max_length=48, db_index=True)
    result_id = models.CharField("结果编号", max_length=36)
    result_label = models.CharField("督导结果", max_length=255)
    result_year = models.PositiveSmallIntegerField("结果年度", db_index=True)
    # Whose result it is, when it is a school's or a unit's (for their record page).
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="学校")
    unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="单位")
    user_unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="运用单位")
    user_name = models.CharField("运用单位名称", max_length=128, help_text="如 区委组织部、区人社局")
    purpose = models.CharField("运用方式", max_length=16, choices=UsePurpose.choices)
    used_on = models.DateField("运用日期")
    decision = models.TextField("运用情况")
    document = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="相关文件")
    document_number = models.CharField("文件文号", max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField(null=True, blank=True)

    objects = ResultUseQuerySet.as_manager()

    class Meta:
        verbose_name = "督导结果运用"
        ordering = ["-used_on", "-id"]
        indexes = [models.Index(fields=["result_kind", "result_id"], name="result_use_result")]

    def __str__(self) -> str:
        return f"{self.user_name} {self.get_purpose_display()}"


class ResultReminder(models.Model):
    """A failing result (不合格, the lowest level, a 问责 decision) with no recorded use N days after it was issued,
    reported once to the county's office: the row is the claim that makes the daily job never remind twice."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区县")
    result_kind = models.CharField("结果类型", max_length=48)
    result_id = models.CharField("结果编号", max_length=36)
    result_label = models.CharField("督导结果", max_length=255)
    issued_on = models.DateField("结果出具日期")
    sent_at = models.DateTimeField("提醒时间")

    class Meta:
        verbose_name = "结果运用提醒"
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["result_kind", "result_id"], name="result_reminder_once")]

    def __str__(self) -> str:
        return self.result_label
