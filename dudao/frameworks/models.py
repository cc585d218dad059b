"""Indicator frameworks (指标体系): one row per version; the tree, its rules and settings are the definition
(see frameworks/scoring.py). A frozen version (定版) never changes: inspections use frozen versions only,
and editing one means making the next version of its family."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class Kind(models.TextChoices):
    SCHOOL = "school", _("义务教育学校评价")
    KINDERGARTEN = "kindergarten", _("幼儿园保育教育评估")
    SENIOR = "senior", _("普通高中办学质量评价")
    ZONE = "zone", _("挂牌督导")
    SPECIAL = "special", _("专项督导")
    DUZHENG = "duzheng", _("督政评价")


class Target(models.TextChoices):
    SCHOOL = "school", _("学校")
    UNIT = "unit", _("政府单位")


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FROZEN = "frozen", _("已定版")


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
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name=_("所属区划"))
    family = models.CharField(_("指标体系系列"), max_length=48, db_index=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    name = models.CharField(_("名称"), max_length=128)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    target = models.CharField(_("评价对象"), max_length=8, choices=Target.choices)
    official = models.TextField(_("依据说明"), blank=True)
    definition = models.JSONField(_("指标"), default=dict)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    template_code = models.CharField(_("来源模板"), max_length=32, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    frozen_at = models.DateTimeField(_("定版时间"), null=True, blank=True)

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("指标体系")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "family", "version"], name="frameworks_one_version")]

    def __str__(self) -> str:
        return f"{self.name}（第 {self.version} 版）"

    @property
    def is_frozen(self) -> bool:
        return self.status == Status.FROZEN
