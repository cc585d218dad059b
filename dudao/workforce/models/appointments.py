"""督学聘任、公示、聘书与督学证、公开验证 (workforce, area appointments).

A 选聘批次 (AppointmentBatch) of a county collects 推荐 (candidates recommended by a school for its staff, by a town's
government unit, or by the office), goes through 资格审核 (the rules as data, appointments_engine), 公示 (a
rectification Publication of kind `publicity` on the public results page, objections recorded) and 任命 (文号 and
聘期: people.Inspector created or renewed). Each appointed candidate gets a Certificate whose random key is what
the QR code on the 督学证 carries to the public verification page."""

import secrets

from django.conf import settings
from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow
from dudao.people.models import InspectorKind, InspectorSource

__all__ = [
    "APPOINTMENT_WORKFLOW", "AppointmentBatch", "AppointmentCandidate", "AppointmentHead", "AppointmentObjection",
    "AppointmentStatus", "AppointmentTransition", "CANDIDATE_WORKFLOW", "CandidateRecommender", "CandidateStatus",
    "CandidateTransition", "InspectorCertificate", "new_certificate_key",
]


class AppointmentStatus(models.TextChoices):
    RECOMMENDING = "recommending", "推荐中"
    REVIEWING = "reviewing", "资格审核"
    PUBLICITY = "publicity", "公示中"
    APPOINTED = "appointed", "已任命"
    CANCELLED = "cancelled", "已撤销"


APPOINTMENT_WORKFLOW = Workflow("选聘批次", {
    AppointmentStatus.RECOMMENDING: [AppointmentStatus.REVIEWING, AppointmentStatus.CANCELLED],
    AppointmentStatus.REVIEWING: [AppointmentStatus.PUBLICITY, AppointmentStatus.CANCELLED],
    AppointmentStatus.PUBLICITY: [AppointmentStatus.APPOINTED, AppointmentStatus.CANCELLED],
    AppointmentStatus.APPOINTED: [],
    AppointmentStatus.CANCELLED: [],
}, AppointmentStatus.choices)


class CandidateStatus(models.TextChoices):
    RECOMMENDED = "recommended", "已推荐"
    QUALIFIED = "qualified", "审核通过"
    FLAGGED = "flagged", "不符合条件待定"
    EXCEPTED = "excepted", "经负责人同意通过"
    REFUSED = "refused", "审核不通过"
    WITHDRAWN = "withdrawn", "已撤回"
    APPOINTED = "appointed", "已任命"


CANDIDATE_WORKFLOW = Workflow("候选人", {
    CandidateStatus.RECOMMENDED: [CandidateStatus.QUALIFIED, CandidateStatus.FLAGGED, CandidateStatus.WITHDRAWN],
    CandidateStatus.FLAGGED: [CandidateStatus.EXCEPTED, CandidateStatus.REFUSED],
    CandidateStatus.QUALIFIED: [CandidateStatus.APPOINTED, CandidateStatus.WITHDRAWN, CandidateStatus.REFUSED],
    CandidateStatus.EXCEPTED: [CandidateStatus.APPOINTED, CandidateStatus.WITHDRAWN],
    CandidateStatus.REFUSED: [],
    CandidateStatus.WITHDRAWN: [],
    CandidateStatus.APPOINTED: [],
}, CandidateStatus.choices)

# Candidates still in the running (counted in the shares, published, appointed).
IN_RUNNING = (CandidateStatus.RECOMMENDED, CandidateStatus.QUALIFIED, CandidateStatus.FLAGGED,
              CandidateStatus.EXCEPTED)
PASSED = (CandidateStatus.QUALIFIED, CandidateStatus.EXCEPTED)


class CandidateRecommender(models.TextChoices):
    SCHOOL = "school", "学校推荐"
    TOWN = "town", "乡镇（街道）推荐"
    OFFICE = "office", "督导室提名"


class RegionCodeQuerySet(ScopedQuerySet):
    """Rows of a county: the office and leaders of that county or one above it."""

    lookup = "region_code"

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q(self.lookup, scope.region_prefixes)


class AppointmentBatch(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="聘任地区")
    region_code = models.CharField("区划代码", max_length=12, db_index=True, editable=False)
    title = models.CharField("批次名称", max_length=128)
    term_years = models.PositiveSmallIntegerField("聘期（年）", default=3)
    note = models.TextField("说明", blank=True)
    status = models.CharField("状态", max_length=16, choices=AppointmentStatus.choices,
                              default=AppointmentStatus.RECOMMENDING, db_index=True)
    publication = models.ForeignKey("rectification.Publication", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="公示")
    publicity_start = models.DateField("公示开始", null=True, blank=True)
    publicity_end = models.DateField("公示截止", null=True, blank=True, db_index=True)
    doc_no = models.CharField("任命文号", max_length=64, blank=True)
    term_start = models.DateField("聘期开始", null=True, blank=True)
    term_end = models.DateField("聘期截止", null=True, blank=True)
    appointed_on = models.DateField("任命日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RegionCodeQuerySet.as_manager()

    class Meta:
        verbose_name = "选聘批次"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class AppointmentTransition(TransitionRecord):
    batch = models.ForeignKey(AppointmentBatch, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "batch"
    workflow = APPOINTMENT_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "选聘批次状态变更"


class CandidateQuerySet(RegionCodeQuerySet):
    def own_q(self, user) -> models.Q:
        """A school or town sees the candidates its own users recommended."""
        return models.Q(recommended_by_id=user.pk)


class AppointmentCandidate(models.Model):
    batch = models.ForeignKey(AppointmentBatch, on_delete=models.CASCADE, related_name="candidates",
                              verbose_name="选聘批次")
    region_code = models.CharField("区划代码", max_length=12, db_index=True, editable=False)
    recommender = models.CharField("推荐方式", max_length=8, choices=CandidateRecommender.choices)
    recommender_school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name="推荐学校")
    recommender_unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name="推荐乡镇（街道）")
    recommended_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       verbose_name="推荐人")
    recommended_at = models.DateTimeField("推荐时间", auto_now_add=True)
    reason = models.TextField("推荐理由", blank=True)
    renewing = models.ForeignKey("people.Inspector", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="续聘督学")
    name = models.CharField("姓名", max_length=64)
    gender = models.CharField("性别", max_length=2, choices=[("男", "男"), ("女", "女")])
    birth_date = models.DateField("出生日期")
    phone = models.CharField("联系电话", max_length=32)
    employer = models.CharField("工作单位", max_length=128)
    position = models.CharField("职务/职称", max_length=64, blank=True)
    kind = models.CharField("类别", max_length=16, choices=InspectorKind.choices)
    source = models.CharField("来源", max_length=16, choices=InspectorSource.choices)
    home_school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="本人所在学校")
    retirement_date = models.DateField("退休日期", null=True, blank=True)
    status = models.CharField("状态", max_length=16, choices=CandidateStatus.choices,
                              default=CandidateStatus.RECOMMENDED, db_index=True)
    flags = models.JSONField("审核提示", default=list, blank=True,
                             help_text="[{code, message, hard}]：资格审核发现的不符合项")
    exception_reason = models.TextField("破格通过理由", blank=True)
    exception_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="同意人（督导室负责人）")
    exception_at = models.DateTimeField("同意时间", null=True, blank=True)
    decision_note = models.TextField("审核意见", blank=True)
    inspector = models.ForeignKey("people.Inspector", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="任命后的督学")

    objects = CandidateQuerySet.as_manager()

    class Meta:
        verbose_name = "聘任候选人"
        ordering = ["batch_id", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def recommender_name(self) -> str:
        if self.recommender_school_id:
            return self.recommender_school.name
        if self.recommender_unit_id:
            return self.recommender_unit.name
        return "督导室"

    @property
    def hard_flags(self) -> list[dict]:
        return [f for f in self.flags or [] if f.get("hard")]


class CandidateTransition(TransitionRecord):
    candidate = models.ForeignKey(AppointmentCandidate, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "candidate"
    workflow = CANDIDATE_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "候选人状态变更"


class AppointmentObjection(models.Model):
    """An objection received during 公示: who raised it, what it says, how the office handled it."""

    batch = models.ForeignKey(AppointmentBatch, on_delete=models.CASCADE, related_name="objections",
                              verbose_name="选聘批次")
    candidate = models.ForeignKey(AppointmentCandidate, on_delete=models.CASCADE, related_name="objections",
                                  verbose_name="候选人")
    region_code = models.CharField("区划代码", max_length=12, db_index=True, editable=False)
    objector = models.CharField("反映人", max_length=64, help_text="可填“匿名”")
    contact = models.CharField("联系方式", max_length=64, blank=True)
    received_on = models.DateField("收到日期")
    content = models.TextField("异议内容")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)
    handling = models.TextField("核查处理情况", blank=True)
    upheld = models.BooleanField("异议成立", null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)

    objects = RegionCodeQuerySet.as_manager()

    class Meta:
        verbose_name = "公示异议"
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"{self.candidate_id}: {self.objector}"

    @property
    def is_handled(self) -> bool:
        return self.upheld is not None


class AppointmentHead(models.Model):
    """督导室负责人: the person who may let a candidate pass a rule they break (破格通过), with a recorded reason.
    Designated per county by an administrator (on the office's instruction); ended, never deleted."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划")
    region_code = models.CharField("区划代码", max_length=12, db_index=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name="负责人账号")
    designated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    designated_at = models.DateTimeField("指定时间", auto_now_add=True)
    ended_at = models.DateTimeField("解除时间", null=True, blank=True)

    objects = RegionCodeQuerySet.as_manager()

    class Meta:
        verbose_name = "督导室负责人"
        ordering = ["region_code", "-designated_at"]

    def __str__(self) -> str:
        return f"{self.region_code}: {self.user_id}"


def new_certificate_key() -> str:
    """An unguessable key for the QR code of a 督学证 (never the sequential pk)."""
    return secrets.token_urlsafe(24)


class CertificateQuerySet(RegionCodeQuerySet):
    def own_q(self, user) -> models.Q:
        return models.Q(inspector__user_id=user.pk)


class InspectorCertificate(models.Model):
    """The 聘书 and 督学证 of one appointment (new or renewed): the public verification page is reached by `key`."""

    inspector = models.ForeignKey("people.Inspector", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="督学")
    candidate = models.OneToOneField(AppointmentCandidate, on_delete=models.PROTECT, related_name="certificate",
                                     verbose_name="候选人")
    region_code = models.CharField("区划代码", max_length=12, db_index=True, editable=False)
    key = models.CharField("验证码", max_length=64, unique=True, default=new_certificate_key, editable=False)
    doc_no = models.CharField("任命文号", max_length=64)
    term_start = models.DateField("聘期开始")
    term_end = models.DateField("聘期截止")
    issued_at = models.DateTimeField("发证时间", auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = "聘书与督学证"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.inspector_id} {self.term_start}"
