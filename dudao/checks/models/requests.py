"""因需督导: a school or a town asks for supervision, from the office's menu (菜单式督导) or in its own words."""

from django.conf import settings
from django.db import models

from dudao.checks.models._scope import RegionScopedQuerySet
from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow
from dudao.schools.targets import SchoolOrUnitTarget

__all__ = [
    "MenuTopic", "REQUEST_WORKFLOW", "RequestOutcome", "RequestStatus", "RequestTransition", "SupervisionRequest",
]


class MenuTopic(models.Model):
    """菜单式督导: a topic the office offers (what it includes, how long it takes)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="发布区划")
    title = models.CharField("督导主题", max_length=128)
    content = models.TextField("督导内容")
    duration = models.CharField("所需时间", max_length=64, blank=True)
    active = models.BooleanField("开放申请", default=True)
    order = models.PositiveSmallIntegerField("序号", default=0)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "督导菜单"
        ordering = ["region", "order", "id"]

    def __str__(self) -> str:
        return self.title


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    ACCEPTED = "accepted", "已受理"
    DECLINED = "declined", "不予受理"
    DONE = "done", "已完成督导"


REQUEST_WORKFLOW = Workflow("督导申请", {
    RequestStatus.SUBMITTED: [RequestStatus.ACCEPTED, RequestStatus.DECLINED],
    RequestStatus.ACCEPTED: [RequestStatus.DONE],
    RequestStatus.DECLINED: [],
    RequestStatus.DONE: [],
}, RequestStatus.choices)


class RequestOutcome(models.TextChoices):
    VISIT = "visit", "安排责任督学专项督导"
    CHECK = "check", "组织专项检查"
    INSPECTION = "inspection", "立项督导评估"


class RequestQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return (prefix_q("region_code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)
                | models.Q(unit_id__in=scope.unit_ids))

    def own_q(self, user) -> models.Q:
        return models.Q(submitted_by_id=user.pk) | models.Q(inspector__user_id=user.pk)


class SupervisionRequest(SchoolOrUnitTarget):
    topic = models.ForeignKey(MenuTopic, null=True, blank=True, on_delete=models.PROTECT, related_name="requests",
                              verbose_name="菜单主题")
    free_topic = models.CharField("自拟主题", max_length=128, blank=True)
    reason = models.TextField("申请理由与需求")
    preferred_from = models.DateField("希望开始日期", null=True, blank=True)
    preferred_to = models.DateField("希望结束日期", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED,
                              db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.TextField("处理意见", blank=True)
    outcome = models.CharField("安排方式", max_length=12, choices=RequestOutcome.choices, blank=True)
    inspector = models.ForeignKey("people.Inspector", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="承办督学")
    due_on = models.DateField("计划完成日期", null=True, blank=True)
    check_round = models.ForeignKey("checks.CheckRound", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="专项检查")
    inspection = models.ForeignKey("inspections.Inspection", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="督导评估项目")
    visit = models.ForeignKey("zones.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name="督导纪实")
    done_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta(SchoolOrUnitTarget.Meta):
        verbose_name = "督导申请"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return self.topic.title if self.topic_id else self.free_topic


class RequestTransition(TransitionRecord):
    request = models.ForeignKey(SupervisionRequest, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "request"
    workflow = REQUEST_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "督导申请状态变更"
