"""A filled checklist: one per target, made inside a visit (督导纪实, reason 专项任务), idempotent by client id."""

import uuid

from django.conf import settings
from django.db import models

from dudao.checks.models.rounds import CheckItem, CheckTarget
from dudao.core.scope import Scope, ScopedQuerySet, prefix_q

__all__ = ["AnswerValue", "CheckAnswer", "CheckSubmission"]


class SubmissionQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return (prefix_q("target__region_code", scope.region_prefixes)
                | models.Q(target__school_id__in=scope.school_ids))

    def own_q(self, user) -> models.Q:
        return models.Q(inspector__user_id=user.pk)


class CheckSubmission(models.Model):
    client_id = models.UUIDField("客户端编号", unique=True, default=uuid.uuid4)
    target = models.OneToOneField(CheckTarget, on_delete=models.PROTECT, related_name="submission",
                                  verbose_name="检查对象")
    visit = models.OneToOneField("zones.Visit", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="check_submission", verbose_name="督导纪实")
    inspector = models.ForeignKey("people.Inspector", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="检查督学")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("提交时间")
    outside_window = models.BooleanField("超出检查时间", default=False)
    failed_count = models.PositiveIntegerField("不合格项数", default=0)
    veto_failed = models.BooleanField("一票否决项不合格", default=False)
    note = models.TextField("检查意见", blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = "检查记录"
        ordering = ["-submitted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.target_id}@{self.submitted_at:%Y-%m-%d}"


class AnswerValue(models.TextChoices):
    YES = "yes", "是"
    NO = "no", "否"
    NA = "na", "不适用"


class CheckAnswer(models.Model):
    submission = models.ForeignKey(CheckSubmission, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(CheckItem, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField("结论", max_length=4, choices=AnswerValue.choices, blank=True)
    number = models.DecimalField("数值", max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.TextField("记录", blank=True)
    failed = models.BooleanField("不合格", default=False)
    photo = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="照片")
    finding = models.ForeignKey("rectification.Finding", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="登记的问题")
    settled_on_spot = models.BooleanField("现场整改到位", default=False)

    class Meta:
        verbose_name = "检查项结果"
        ordering = ["submission", "item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["submission", "item"], name="uniq_check_answer")]
        indexes = [models.Index(fields=["item", "failed"])]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.value or self.number}"
