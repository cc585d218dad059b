"""The 督导委员会: its member units and their representatives, each member's 职责清单 (duties linked to the 督政
framework items that check them), the committee's rules; and the annual 述职评议, where each member department
and town reports and raters score every reporter."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from dudao.core.scope import Scope
from dudao.core.workflow import TransitionRecord, Workflow
from dudao.reviews.models._scope import RegionScopedQuerySet

__all__ = [
    "Committee", "MemberRole", "CommitteeMember", "MemberDuty", "SessionStatus", "RatingSession", "Reporter",
    "RaterKind", "Rater", "Rating", "new_rater_key", "CombineRule", "RATING_WORKFLOW", "SessionTransition",
    "RatingFinding",
]


class Committee(models.Model):
    region = models.OneToOneField("regions.Region", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="区县")
    name = models.CharField("名称", max_length=128, default="人民政府教育督导委员会")
    established_on = models.DateField("成立日期", null=True, blank=True)
    rules = models.TextField("工作规程", blank=True)
    rules_file = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="工作规程文件")

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "督导委员会"

    def __str__(self) -> str:
        return self.name


class MemberQuerySet(RegionScopedQuerySet):
    """The office and leaders of the committee's county; a member unit's own users see their own entry."""

    region_lookup = "committee__region__code"

    def scope_q(self, scope: Scope) -> models.Q:
        return super().scope_q(scope) | models.Q(unit_id__in=scope.unit_ids)


class DutyQuerySet(RegionScopedQuerySet):
    """Like the member entry the duty belongs to."""

    region_lookup = "member__committee__region__code"

    def scope_q(self, scope: Scope) -> models.Q:
        return super().scope_q(scope) | models.Q(member__unit_id__in=scope.unit_ids)


class MemberRole(models.TextChoices):
    CHAIR = "chair", "主任"
    VICE = "vice", "副主任"
    MEMBER = "member", "成员"


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members",
                                  verbose_name="督导委员会")
    unit = models.ForeignKey("regions.GovUnit", on_delete=models.PROTECT, related_name="+", verbose_name="成员单位")
    representative = models.CharField("委员", max_length=64)
    post = models.CharField("职务", max_length=64, blank=True)
    role = models.CharField("委员会职务", max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER)
    position = models.PositiveIntegerField("顺序", default=0)
    active = models.BooleanField("在任", default=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "督导委员会成员"
        ordering = ["committee", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "unit"], name="committee_member_unit_once")]

    def __str__(self) -> str:
        return f"{self.unit}（{self.representative}）"


class MemberDuty(models.Model):
    """One line of a member's 职责清单, linked to the 督政 framework check points that check it."""

    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="duties",
                               verbose_name="成员单位")
    text = models.TextField("职责")
    framework = models.ForeignKey("frameworks.Framework", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="督政指标体系")
    item_codes = models.JSONField("对应考查要点", default=list, blank=True)
    position = models.PositiveIntegerField("顺序", default=0)

    objects = DutyQuerySet.as_manager()

    class Meta:
        verbose_name = "成员单位职责"
        ordering = ["member", "position", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class SessionStatus(models.TextChoices):
    DRAFT = "draft", "筹备中"
    OPEN = "open", "评议中"
    CLOSED = "closed", "已汇总"
    PUBLISHED = "published", "已公布"


RATING_WORKFLOW = Workflow("述职评议", {
    SessionStatus.DRAFT: [SessionStatus.OPEN],
    SessionStatus.OPEN: [SessionStatus.CLOSED, SessionStatus.DRAFT],
    SessionStatus.CLOSED: [SessionStatus.PUBLISHED, SessionStatus.OPEN],
    SessionStatus.PUBLISHED: [SessionStatus.CLOSED],
}, SessionStatus.choices, backward=[(SessionStatus.OPEN, SessionStatus.DRAFT), (SessionStatus.CLOSED, SessionStatus.OPEN),
                                    (SessionStatus.PUBLISHED, SessionStatus.CLOSED)])


class CombineRule(models.TextChoices):
    MEAN = "mean", "平均分"
    TRIMMED = "trimmed", "去掉一个最高分和一个最低分后平均"
    MEDIAN = "median", "中位数"


class RatingSession(models.Model):
    """A 述职评议: reporters (departments, towns), raters and a rating framework scored per reporter."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区县")
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200)
    held_on = models.DateField("评议日期", null=True, blank=True)
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="评议指标")
    combine = models.CharField("评分合成方式", max_length=16, choices=CombineRule.choices, default=CombineRule.TRIMMED)
    status = models.CharField("状态", max_length=12, choices=SessionStatus.choices, default=SessionStatus.DRAFT,
                              db_index=True)
    published_at = models.DateTimeField("公布时间", null=True, blank=True)
    result_file = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="述职评议结果")
    publication = models.ForeignKey("rectification.Publication", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="公开信息")
    closed_at = models.DateTimeField("汇总时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "述职评议"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class Reporter(models.Model):
    session = models.ForeignKey(RatingSession, on_delete=models.CASCADE, related_name="reporters",
                                verbose_name="述职评议")
    unit = models.ForeignKey("regions.GovUnit", on_delete=models.PROTECT, related_name="+", verbose_name="述职单位")
    report = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name="述职报告")
    position = models.PositiveIntegerField("述职顺序", default=0)
    score = models.FloatField("得分", null=True, blank=True)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    level = models.CharField("等级", max_length=16, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    report_at = models.DateTimeField("述职报告上传时间", null=True, blank=True)
    rater_count = models.PositiveIntegerField("评议人数", default=0)
    few_raters = models.BooleanField("评议人数不足", default=False)
    leaves = models.JSONField("各考查要点合成得分率", default=dict, blank=True)

    class Meta:
        verbose_name = "述职单位"
        ordering = ["session", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "unit"], name="reporter_unit_once")]

    def __str__(self) -> str:
        return str(self.unit)


class RaterKind(models.TextChoices):
    MEMBER = "member", "督导委员会委员"
    DEPUTY = "deputy", "人大代表"
    CPPCC = "cppcc", "政协委员"
    PRINCIPAL = "principal", "校长代表"
    OTHER = "other", "其他"


def new_rater_key() -> str:
    return secrets.token_urlsafe(24)


class Rater(models.Model):
    """Someone who scores: reaches the phone rating sheet through a personal link (no account needed). `unit` is
    the unit they belong to: they are recused from rating it."""

    session = models.ForeignKey(RatingSession, on_delete=models.CASCADE, related_name="raters",
                                verbose_name="述职评议")
    name = models.CharField("姓名", max_length=64)
    kind = models.CharField("身份", max_length=12, choices=RaterKind.choices)
    unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="所在单位")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name="账号")
    key = models.CharField(max_length=64, unique=True, default=new_rater_key)
    finished_at = models.DateTimeField("提交时间", null=True, blank=True)

    class Meta:
        verbose_name = "评议人"
        ordering = ["session", "id"]

    def __str__(self) -> str:
        return self.name


class Rating(models.Model):
    """One rater's scores for one reporter, by check point code."""

    rater = models.ForeignKey(Rater, on_delete=models.CASCADE, related_name="ratings", verbose_name="评议人")
    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="ratings", verbose_name="述职单位")
    scores = models.JSONField("评分", default=dict)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "评议评分"
        constraints = [models.UniqueConstraint(fields=["rater", "reporter"], name="rating_once")]

    def __str__(self) -> str:
        return f"{self.rater} → {self.reporter}"


class SessionTransition(TransitionRecord):
    """Append-only log of a 述职评议's status moves."""

    session = models.ForeignKey(RatingSession, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "session"
    workflow = RATING_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "述职评议状态变更"


class RatingFinding(models.Model):
    """A finding raised from a low check point of a reporter: one per reporter and check point."""

    reporter = models.ForeignKey(Reporter, on_delete=models.CASCADE, related_name="findings",
                                 verbose_name="述职单位")
    code = models.CharField("考查要点", max_length=64)
    finding = models.ForeignKey("rectification.Finding", on_delete=models.PROTECT, related_name="+",
                                verbose_name="问题")

    class Meta:
        verbose_name = "述职评议问题"
        constraints = [models.UniqueConstraint(fields=["reporter", "code"], name="rating_finding_once")]

    def __str__(self) -> str:
        return f"{self.reporter} {self.code}"
