"""Annual statistics (事业年报 figures) per school and school year, and the imports that brought them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class StatsImport(models.Model):
    """One accepted statistics file: what it replaced is in the audit log."""

    year = models.PositiveSmallIntegerField(_("学年"))
    filename = models.CharField(_("文件名"), max_length=255)
    rows = models.PositiveIntegerField(_("行数"))
    replaced = models.PositiveIntegerField(_("替换已有记录数"), default=0)
    warnings = models.JSONField(_("已确认的提示"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("导入人"))
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("统计数据导入")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.year} 学年）"


class SchoolStatsQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("school__region__code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)


class SchoolStats(models.Model):
    """One school's figures for one school year (学年 2025 = 2025—2026学年); re-importing replaces it."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="annual_stats",
                               verbose_name=_("学校"))
    year = models.PositiveSmallIntegerField(_("学年"), db_index=True)
    batch = models.ForeignKey(StatsImport, on_delete=models.PROTECT, related_name="records", verbose_name=_("导入批次"))
    students_primary = models.PositiveIntegerField(_("小学在校生数"), default=0)
    students_junior = models.PositiveIntegerField(_("初中在校生数"), default=0)
    students_senior = models.PositiveIntegerField(_("高中在校生数"), default=0)
    qualified_teachers = models.FloatField(_("高于规定学历教师数"), default=0)
    backbone_teachers = models.FloatField(_("县级及以上骨干教师数"), default=0)
    pe_teachers = models.FloatField(_("体育专任教师数"), default=0)
    art_teachers = models.FloatField(_("艺术专任教师数"), default=0)
    teaching_area = models.FloatField(_("教学及辅助用房面积"), default=0)
    indoor_sports_area = models.FloatField(_("室内体育用房面积"), default=0)
    sports_area = models.FloatField(_("体育运动场馆面积"), default=0)
    equipment_wan = models.FloatField(_("教学仪器设备值（万元）"), default=0)
    multimedia_rooms = models.FloatField(_("网络多媒体教室数"), default=0)
    # Per-stage figures of through-train schools ("qualified_teachers__primary": 31), where the office has them.
    stage_values = models.JSONField(_("分学段数据"), default=dict, blank=True)
    # Guarantee, quality and preschool items (classes, class sizes, rooms, rotation, 巩固率, kindergarten space…).
    extra = models.JSONField(_("其他监测项"), default=dict, blank=True)

    objects = SchoolStatsQuerySet.as_manager()

    class Meta:
        verbose_name = _("学校年度统计数据")
        constraints = [models.UniqueConstraint(fields=["school", "year"], name="monitoring_stats_one_per_year")]
        indexes = [models.Index(fields=["year", "school"])]

    def __str__(self) -> str:
        return f"{self.school_id} {self.year}"


class CountyPopulationQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", scope.region_prefixes)


class CountyInputs(models.Model):
    """Per county and year, the figures that do not come from school rows: the 3–5-year-old population
    (for 毛入园率) and the 社会认可度 result (entered now; the surveys issue will feed it)."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, verbose_name=_("县（区）"))
    year = models.PositiveSmallIntegerField(_("学年"))
    population_3_5 = models.PositiveIntegerField(_("3—5 周岁常住人口数"), null=True, blank=True)
    recognition_rate = models.FloatField(_("社会认可度（%）"), null=True, blank=True)

    objects = CountyPopulationQuerySet.as_manager()

    class Meta:
        verbose_name = _("县域监测补充数据")
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="monitoring_county_inputs_one")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"
