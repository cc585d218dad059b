"""Finding (问题): one model for every problem from every source, for a school or a government unit.

Kept general on purpose (DESIGN.md §5): routine visits, inspections, complaints, 督政 and monitoring all raise
Findings here, so a target's whole record is one query. The rectification workflow (notices, 督办单, 约谈,
问责) extends this model; it must not be forked per source.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class Source(models.TextChoices):
    VISIT = "visit", _("责任督学日常督导")
    INSPECTION = "inspection", _("督导评估")
    COMPLAINT = "complaint", _("投诉举报")
    DUZHENG = "duzheng", _("督政")
    MONITORING = "monitoring", _("评估监测")
    MANUAL = "manual", _("手工录入")


class FollowUp(models.TextChoices):
    """How the inspector handles a problem on the spot (挂牌督导 visit sheet)."""

    NONE = "none", _("无意见")
    ON_SITE = "on_site", _("小问题现场反馈")
    SUGGESTION = "suggestion", _("一般问题整改建议")
    REPORT = "report", _("严重问题上报督导室")
    CONSULT = "consult", _("复杂问题科室协商")


class Status(models.TextChoices):
    OPEN = "open", _("待整改")
    RESOLVED_ON_SITE = "resolved_on_site", _("现场已反馈")
    CLOSED = "closed", _("已整改")


class FindingQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return (prefix_q("region_code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)
                | models.Q(unit_id__in=scope.unit_ids))


class Finding(models.Model):
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, db_index=True)
    # What raised it, as (app label.model, pk), e.g. ("zones.visit", "42"): general across sources.
    source_type = models.CharField(max_length=48, blank=True)
    source_id = models.CharField(max_length=36, blank=True, db_index=True)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="findings", verbose_name=_("学校"))
    unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="findings", verbose_name=_("政府单位"))
    region_code = models.CharField(_("所在区划"), max_length=12, db_index=True)
    category = models.CharField(_("类别代码"), max_length=48, blank=True, db_index=True)
    category_label = models.CharField(_("类别"), max_length=128, blank=True)
    follow_up = models.CharField(_("处理方式"), max_length=16, choices=FollowUp.choices, blank=True)
    severity = models.PositiveSmallIntegerField(_("严重程度"), default=1, help_text=_("1 一般，2 较重，3 严重"))
    description = models.TextField(_("问题描述"))
    requirement = models.TextField(_("整改要求"), blank=True)
    responsible_person = models.CharField(_("责任人"), max_length=64, blank=True)
    due_date = models.DateField(_("整改期限"), null=True, blank=True, db_index=True)
    evidence = models.ManyToManyField("documents.StoredFile", blank=True, verbose_name=_("佐证材料"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("提出时间"), db_index=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"])]
        constraints = [models.CheckConstraint(
            condition=models.Q(school__isnull=False) | models.Q(unit__isnull=False), name="finding_has_target")]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def target(self):
        return self.school or self.unit
