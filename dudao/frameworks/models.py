"""Indicator frameworks (指标体系): one row per version; the tree, its rules and settings are the definition
(see frameworks/scoring.py). A frozen version (定版) never changes: inspections use frozen versions only,
and editing one means making the next version of its family."""

from django.conf import settings
from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class FrameworkKind(models.TextChoices):
    SCHOOL = "school", "义务教育学校评价"
    KINDERGARTEN = "kindergarten", "幼儿园保育教育评估"
    SENIOR = "senior", "普通高中办学质量评价"
    ZONE = "zone", "挂牌督导"
    SPECIAL = "special", "专项督导"
    DUZHENG = "duzheng", "督政评价"


class FrameworkTarget(models.TextChoices):
    SCHOOL = "school", "学校"
    UNIT = "unit", "政府单位"


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    FROZEN = "frozen", "已定版"


class FrameworkQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        # Everyone working in a region sees the frameworks of that region and of the regions above it
        # (a province's framework is used by its counties): a prefix match in both directions.
        q = prefix_q("region__code", scope.region_prefixes)
        for prefix in scope.region_prefixes:
            for length in (2, 4):
                if len(prefix) > length:
                    q |= models.Q(region__code=prefix[:length].ljust(6, "0"))
        return q


class Framework(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="所属区划")
    family = models.CharField("指标体系系列", max_length=48, db_index=True)
    version = models.PositiveSmallIntegerField("版本", default=1)
    name = models.CharField("名称", max_length=128)
    kind = models.CharField("类别", max_length=16, choices=FrameworkKind.choices)
    target = models.CharField("评价对象", max_length=8, choices=FrameworkTarget.choices)
    official = models.TextField("依据说明", blank=True)
    definition = models.JSONField("指标", default=dict)
    status = models.CharField("状态", max_length=8, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT)
    template_code = models.CharField("来源模板", max_length=32, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    frozen_at = models.DateTimeField("定版时间", null=True, blank=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = "指标体系"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "family", "version"], name="frameworks_one_version")]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    @property
    def is_frozen(self) -> bool:
        return self.status == FrameworkStatus.FROZEN
