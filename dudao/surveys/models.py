"""Questionnaires (versioned; frozen once published), survey rounds sent to schools, one-time access codes,
public responses, and the refusals the office should see (rate limits, reused codes, closed rounds)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.models import Role
from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class Group(models.TextChoices):
    """Respondent groups (DOMAIN.md §1.4: students, parents, teachers, principals, NPC/CPPCC, residents)."""

    PARENT = "parent", _("家长")
    STUDENT = "student", _("学生")
    TEACHER = "teacher", _("教师")
    PRINCIPAL = "principal", _("校长")
    DEPUTY = "deputy", _("人大代表、政协委员")
    RESIDENT = "resident", _("社区居民及社会人士")


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class QuestionnaireQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("county__code", scope.region_prefixes)


class Questionnaire(models.Model):
    """One version of a questionnaire. `family` links the versions (and the same survey across years)."""

    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name=_("所属县（区）"))
    family = models.CharField(_("问卷系列"), max_length=48, db_index=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    title = models.CharField(_("问卷标题"), max_length=128)
    intro = models.TextField(_("卷首语"), blank=True)
    group = models.CharField(_("调查对象"), max_length=16, choices=Group.choices)
    definition = models.JSONField(_("题目"), default=dict)
    status = models.CharField(_("状态"), max_length=12, choices=QuestionnaireStatus.choices,
                              default=QuestionnaireStatus.DRAFT)
    template_code = models.CharField(_("来源模板"), max_length=32, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        verbose_name = _("问卷")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["county", "family", "version"], name="surveys_one_version")]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"

    @property
    def is_published(self) -> bool:
        return self.status == QuestionnaireStatus.PUBLISHED


class RoundQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("county__code", scope.region_prefixes) | models.Q(schools__id__in=scope.school_ids)

    def visible_to(self, user):
        return super().visible_to(user).distinct()


def new_token() -> str:
    return secrets.token_urlsafe(9)


class SurveyRound(models.Model):
    """A questionnaire sent to a set of schools for one respondent group, open between two moments."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="rounds",
                                      verbose_name=_("问卷"))
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name=_("县（区）"))
    name = models.CharField(_("调查名称"), max_length=128)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    group = models.CharField(_("调查对象"), max_length=16, choices=Group.choices)
    schools = models.ManyToManyField("schools.School", related_name="survey_rounds", verbose_name=_("参与学校"))
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("截止时间"))
    closed_at = models.DateTimeField(_("提前结束时间"), null=True, blank=True)
    use_codes = models.BooleanField(_("凭访问码作答"), default=False)
    feeds_recognition = models.BooleanField(_("计入社会认可度"), default=False)
    token = models.CharField(max_length=16, unique=True, default=new_token, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("调查")
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

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="codes", verbose_name=_("调查"))
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, verbose_name=_("学校"))
    label = models.CharField(_("班级"), max_length=32, blank=True)
    code = models.CharField(_("访问码"), max_length=12)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("访问码")
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="surveys_code_unique")]
        ordering = ["school_id", "label", "id"]

    def __str__(self) -> str:
        return self.code


class ResponseQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        # Raw answers are for the office only; everyone else reads aggregates through the selectors.
        if not scope.has_role(Role.OFFICE):
            return models.Q(pk__in=[])
        return prefix_q("round__county__code", scope.region_prefixes)


class SurveyResponse(models.Model):
    round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="responses", verbose_name=_("调查"))
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, verbose_name=_("学校"))
    answers = models.JSONField(_("回答"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    # A random id kept in a signed cookie (one response per device and round), the address hashed (never stored
    # in clear), and a hash of the answers to spot bursts of identical submissions.
    device = models.CharField(max_length=32, blank=True)
    ip_hash = models.CharField(max_length=16, blank=True, db_index=True)
    fingerprint = models.CharField(max_length=16)
    code = models.OneToOneField(AccessCode, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("访问码"))
    flagged = models.BooleanField(_("疑似异常"), default=False, db_index=True)
    flag_reason = models.CharField(_("异常原因"), max_length=128, blank=True)
    excluded = models.BooleanField(_("已剔除"), default=False, db_index=True)
    excluded_note = models.CharField(_("剔除说明"), max_length=255, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("答卷")
        ordering = ["-submitted_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["round", "device"], condition=~models.Q(device=""),
                                               name="surveys_one_response_per_device")]
        indexes = [models.Index(fields=["round", "school"]), models.Index(fields=["round", "fingerprint", "submitted_at"])]

    def __str__(self) -> str:
        return f"答卷 {self.pk}"


class RefusalReason(models.TextChoices):
    RATE = "rate", _("同一来源提交过于频繁")
    CLOSED = "closed", _("调查未开放或已结束")
    CODE = "code", _("访问码无效或已使用")
    DUPLICATE = "duplicate", _("同一设备重复提交")
    INVALID = "invalid", _("回答不完整或不合规")


class RefusedSubmission(models.Model):
    """Counts of refused submissions per round, reason, address and hour: abuse the office can see."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="refusals")
    reason = models.CharField(_("原因"), max_length=16, choices=RefusalReason.choices)
    ip_hash = models.CharField(_("来源（摘要）"), max_length=16)
    hour = models.DateTimeField(_("时段"))
    count = models.PositiveIntegerField(_("次数"), default=0)

    class Meta:
        verbose_name = _("被拒绝的提交")
        ordering = ["-hour", "-count"]
        constraints = [models.UniqueConstraint(fields=["round", "reason", "ip_hash", "hour"],
                                               name="surveys_refusal_bucket")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ×{self.count}"
