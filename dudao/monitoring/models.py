"""Annual statistics (事业年报 figures) per school and school year, and the imports that brought them."""

from django.conf import settings
from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.schools.targets import SchoolOrUnitTarget


class StatsImport(models.Model):
    """One accepted statistics file: what it replaced is in the audit log."""

    year = models.PositiveSmallIntegerField("学年")
    filename = models.CharField("文件名", max_length=255)
    rows = models.PositiveIntegerField("行数")
    replaced = models.PositiveIntegerField("替换已有记录数", default=0)
    warnings = models.JSONField("已确认的提示", default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="导入人")
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    class Meta:
        verbose_name = "统计数据导入"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.year} 学年）"


class SchoolStatsQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("school__region__code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)


class SchoolStats(models.Model):
    """One school's figures for one school year (学年 2025 = 2025—2026学年); re-importing replaces it."""

    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="annual_stats",
                               verbose_name="学校")
    year = models.PositiveSmallIntegerField("学年", db_index=True)
    batch = models.ForeignKey(StatsImport, on_delete=models.PROTECT, related_name="records", verbose_name="导入批次")
    students_primary = models.PositiveIntegerField("小学在校生数", default=0)
    students_junior = models.PositiveIntegerField("初中在校生数", default=0)
    students_senior = models.PositiveIntegerField("高中在校生数", default=0)
    qualified_teachers = models.FloatField("高于规定学历教师数", default=0)
    backbone_teachers = models.FloatField("县级及以上骨干教师数", default=0)
    pe_teachers = models.FloatField("体育专任教师数", default=0)
    art_teachers = models.FloatField("艺术专任教师数", default=0)
    teaching_area = models.FloatField("教学及辅助用房面积", default=0)
    indoor_sports_area = models.FloatField("室内体育用房面积", default=0)
    sports_area = models.FloatField("体育运动场馆面积", default=0)
    equipment_wan = models.FloatField("教学仪器设备值（万元）", default=0)
    multimedia_rooms = models.FloatField("网络多媒体教室数", default=0)
    # Per-stage figures of through-train schools ("qualified_teachers__primary": 31), where the office has them.
    stage_values = models.JSONField("分学段数据", default=dict, blank=True)
    # Guarantee, quality and preschool items (classes, class sizes, rooms, rotation, 巩固率, kindergarten space…).
    extra = models.JSONField("其他监测项", default=dict, blank=True)

    objects = SchoolStatsQuerySet.as_manager()

    class Meta:
        verbose_name = "学校年度统计数据"
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

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, verbose_name="县（区）")
    year = models.PositiveSmallIntegerField("学年")
    population_3_5 = models.PositiveIntegerField("3—5 周岁常住人口数", null=True, blank=True)
    recognition_rate = models.FloatField("社会认可度（%）", null=True, blank=True)

    objects = CountyPopulationQuerySet.as_manager()

    class Meta:
        verbose_name = "县域监测补充数据"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="monitoring_county_inputs_one")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"


# ---- 创建 campaigns (seed 003: 任务清单、责任清单、措施清单、时限清单; 挂图作战) --------------------------------------

class CampaignKind(models.TextChoices):
    BALANCED = "balanced", "义务教育优质均衡发展县创建"
    PRESCHOOL = "preschool", "学前教育普及普惠县创建"


class CampaignQuerySet(ScopedQuerySet):
    through_many = True

    def scope_q(self, scope: Scope) -> models.Q:
        return (prefix_q("county__code", scope.region_prefixes) | models.Q(tasks__unit_id__in=scope.unit_ids)
                | models.Q(tasks__school_id__in=scope.school_ids))


class Campaign(models.Model):
    kind = models.CharField("创建类型", max_length=16, choices=CampaignKind.choices)
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="县（区）")
    name = models.CharField("名称", max_length=128)
    target_year = models.PositiveSmallIntegerField("迎接国家评估认定年份")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "创建工作"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class TaskQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return (prefix_q("campaign__county__code", scope.region_prefixes) | models.Q(unit_id__in=scope.unit_ids)
                | models.Q(school_id__in=scope.school_ids))


class CampaignTask(SchoolOrUnitTarget):
    """One line of the lists: the task, who is responsible (a department or a school), the measures, the deadline."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks", verbose_name="创建工作")
    title = models.CharField("任务", max_length=255)
    measures = models.TextField("措施", blank=True)
    deadline = models.DateField("完成时限", db_index=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    done_at = models.DateField("完成日期", null=True, blank=True)
    finding = models.OneToOneField("rectification.Finding", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="campaign_task", verbose_name="逾期转入的问题")

    objects = TaskQuerySet.as_manager()

    class Meta(SchoolOrUnitTarget.Meta):
        verbose_name = "创建任务"
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.title

    def state(self, today) -> str:
        if self.done_at:
            return "done_late" if self.done_at > self.deadline else "done"
        return "overdue" if today > self.deadline else ("doing" if self.progress else "todo")


class TaskProgress(models.Model):
    task = models.ForeignKey(CampaignTask, on_delete=models.CASCADE, related_name="updates", verbose_name="任务")
    reported_on = models.DateField("报告日期")
    progress = models.PositiveSmallIntegerField("进度（%）")
    note = models.TextField("进展情况")
    evidence = models.ManyToManyField("documents.StoredFile", blank=True, verbose_name="佐证材料")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="报告人")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "任务进展"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.progress}%"


class GuaranteeEvidenceQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("county__code", scope.region_prefixes)


class GuaranteeEvidence(models.Model):
    """The county's material for one 政府保障/教育质量 item that is judged on evidence (guarantee.MATERIAL_ITEMS)."""

    county = models.ForeignKey("regions.Region", on_delete=models.CASCADE, verbose_name="县（区）")
    year = models.PositiveSmallIntegerField("学年")
    item = models.CharField("项目", max_length=8)
    note = models.TextField("说明")
    files = models.ManyToManyField("documents.StoredFile", blank=True, verbose_name="佐证材料")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="填报人")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = GuaranteeEvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "保障与质量佐证"
        constraints = [models.UniqueConstraint(fields=["county", "year", "item"], name="monitoring_evidence_one")]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year} {self.item}"
