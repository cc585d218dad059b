"""Questionnaires (versioned; frozen once published), survey rounds sent to schools, one-time access codes,
public responses, and the refusals the office should see (rate limits, reused codes, closed rounds)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from dudao.core.models import Role
from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class RespondentGroup(models.TextChoices):
    """Respondent groups (DOMAIN.md §1.4: students, parents, teachers, principals, NPC/CPPCC, residents)."""

    PARENT = "parent", "家长"
    STUDENT = "student", "学生"
    TEACHER = "teacher", "教师"
    PRINCIPAL = "principal", "校长"
    DEPUTY = "deputy", "人大代表、政协委员"
    RESIDENT = "resident", "社区居民及社会人士"


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class QuestionnaireQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("county__code", scope.region_prefixes)


class Questionnaire(models.Model):
    """One version of a questionnaire. `family` links the versions (and the same survey across years)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="所属县（区）")
    family = models.CharField("问卷系列", max_length=48, db_index=True)
    version = models.PositiveSmallIntegerField("版本", default=1)
    title = models.CharField("问卷标题", max_length=128)
    intro = models.TextField("卷首语", blank=True)
    group = models.CharField("调查对象", max_length=16, choices=RespondentGroup.choices)
    definition = models.JSONField("题目", default=dict)
    status = models.CharField("状态", max_length=12, choices=QuestionnaireStatus.choices,
                              default=QuestionnaireStatus.DRAFT)
    template_code = models.CharField("来源模板", max_length=32, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = "问卷"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["county", "family", "version"], name="surveys_one_version")]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"

    @property
    def is_published(self) -> bool:
        return self.status == QuestionnaireStatus.PUBLISHED


class RoundQuerySet(ScopedQuerySet):
    through_many = True

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("county__code", scope.region_prefixes) | models.Q(schools__id__in=scope.school_ids)


def new_token() -> str:
    return secrets.token_urlsafe(9)


class SurveyRound(models.Model):
    """A questionnaire sent to a set of schools for one respondent group, open between two moments."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="rounds",
                                      verbose_name="问卷")
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="县（区）")
    name = models.CharField("调查名称", max_length=128)
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    group = models.CharField("调查对象", max_length=16, choices=RespondentGroup.choices)
    schools = models.ManyToManyField("schools.School", related_name="survey_rounds", verbose_name="参与学校")
    opens_at = models.DateTimeField("开始时间")
    closes_at = models.DateTimeField("截止时间")
    closed_at = models.DateTimeField("提前结束时间", null=True, blank=True)
    use_codes = models.BooleanField("凭访问码作答", default=False)
    feeds_recognition = models.BooleanField("计入社会认可度", default=False)
    token = models.CharField(max_length=16, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = "调查"
        ordering = ["-opens_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.closed_at is None and self.opens_at <= now < self.closes_at

    @property
    def status_label(self) -> str:
        now = timezone.now()
        if self.is_open(now):
            return "进行中"
        return "未开始" if self.closed_at is None and now < self.opens_at else "已结束"


class AccessCode(models.Model):
    """A one-time code printed per class: the round accepts each code once (compare-and-set on used_at)."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="codes", verbose_name="调查")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, verbose_name="学校")
    label = models.CharField("班级", max_length=32, blank=True)
    code = models.CharField("访问码", max_length=12)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = "访问码"
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="surveys_code_unique")]
        ordering = ["school_id", "label", "id"]

    def __str__(self) -> str:
        return self.code


class ResponseQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        # Raw answers are for the office only; everyone else reads aggregates through the selectors.
        return prefix_q("round__county__code", scope.restricted_to(Role.OFFICE).region_prefixes)


class SurveyResponse(models.Model):
    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="responses", verbose_name="调查")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, verbose_name="学校")
    answers = models.JSONField("回答")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    # A random id kept in a signed cookie (one response per device and round), the address hashed (never stored
    # in clear), and a hash of the answers to spot bursts of identical submissions.
    device = models.CharField(max_length=32, blank=True)
    ip_hash = models.CharField(max_length=16, blank=True, db_index=True)
    fingerprint = models.CharField(max_length=16)
    code = models.OneToOneField(AccessCode, null=True, blank=True, on_delete=models.PROTECT, verbose_name="访问码")
    flagged = models.BooleanField("疑似异常", default=False, db_index=True)
    flag_reason = models.CharField("异常原因", max_length=128, blank=True)
    excluded = models.BooleanField("已剔除", default=False, db_index=True)
    excluded_note = models.CharField("剔除说明", max_length=255, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = "答卷"
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["round", "device"], condition=~models.Q(device=""),
                                               name="surveys_one_response_per_device")]
        indexes = [models.Index(fields=["round", "school"]), models.Index(fields=["round", "fingerprint", "submitted_at"])]

    def __str__(self) -> str:
        return f"答卷 {self.pk}"


class RefusalReason(models.TextChoices):
    RATE = "rate", "同一来源提交过于频繁"
    CLOSED = "closed", "调查未开放或已结束"
    CODE = "code", "访问码无效或已使用"
    DUPLICATE = "duplicate", "同一设备重复提交"
    INVALID = "invalid", "回答不完整或不合规"


class RefusedSubmission(models.Model):
    """Counts of refused submissions per round, reason, address and hour: abuse the office can see."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="refusals")
    reason = models.CharField("原因", max_length=16, choices=RefusalReason.choices)
    ip_hash = models.CharField("来源（摘要）", max_length=16)
    hour = models.DateTimeField("时段")
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        verbose_name = "被拒绝的提交"
        ordering = ["-hour", "-count"]
        constraints = [models.UniqueConstraint(fields=["round", "reason", "ip_hash", "hour"],
                                               name="surveys_refusal_bucket")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ×{self.count}"
