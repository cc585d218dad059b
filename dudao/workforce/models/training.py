"""培训活动、签到、结业与培训证书、40 学时达标 (workforce, area training).

A training event (培训活动) of a region's office: its sessions (场次, each with its time), who enrolled (报名), who
signed in to which session (签到, by the session's rotating QR code), and at closing who completed (结业, by the
event's completion rule) — each completion writes one people.Training record into the person's file, linked here
so it is written once."""

from django.conf import settings
from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow

__all__ = [
    "TRAINING_EVENT_WORKFLOW", "TrainingAttendance", "TrainingAudience", "TrainingEnrolment", "TrainingEvent",
    "TrainingEventStatus", "TrainingEventTransition", "TrainingKind", "TrainingLevel", "TrainingSession",
    "TrainingSignInVia", "TrainingEnrolmentStatus",
]


class TrainingLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    DISTRICT = "district", "区级"


class TrainingKind(models.TextChoices):
    INDUCTION = "induction", "任职培训"
    SPECIAL = "special", "专项督导培训"
    SYSTEM = "system", "系统操作培训"
    SUMMER = "summer", "暑期培训"
    ONLINE = "online", "网络培训"


class TrainingAudience(models.TextChoices):
    """Who an event is for (several at once). 督导专家培训 and 学校督导管理员培训 of the seeds are events whose
    audience is experts or 学校督导管理员, not kinds of their own."""

    INSPECTOR = "inspector", "督学"
    EXPERT = "expert", "督导评估专家"
    SUPERVISOR = "supervisor", "学校督导管理员"
    STAFF = "staff", "督导室工作人员"


class TrainingEventStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "报名中"
    CLOSED = "closed", "已结束"


TRAINING_EVENT_WORKFLOW = Workflow("培训活动", {
    TrainingEventStatus.DRAFT: [TrainingEventStatus.OPEN],
    TrainingEventStatus.OPEN: [TrainingEventStatus.CLOSED],
    TrainingEventStatus.CLOSED: [TrainingEventStatus.OPEN],
}, TrainingEventStatus.choices, backward=[(TrainingEventStatus.CLOSED, TrainingEventStatus.OPEN)])


class TrainingEnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", "已报名"
    WITHDRAWN = "withdrawn", "已退出"


class TrainingSignInVia(models.TextChoices):
    QR = "qr", "扫码签到"
    OFFICE = "office", "督导室补登"


class TrainingEventQuerySet(ScopedQuerySet):
    """An event is seen by the staff of its region and above, and by everyone enrolled in it (own_q). Open
    events a person may join are read by selectors.open_to(person), not through this scope."""

    through_many = True

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", scope.region_prefixes)

    def own_q(self, user) -> models.Q:
        return (models.Q(enrolments__inspector__user_id=user.pk) | models.Q(enrolments__expert__user_id=user.pk)
                | models.Q(enrolments__supervisor__user_id=user.pk) | models.Q(enrolments__staff_id=user.pk))


class TrainingEvent(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="主办区划")
    title = models.CharField("培训名称", max_length=200)
    level = models.CharField("培训级别", max_length=16, choices=TrainingLevel.choices, default=TrainingLevel.DISTRICT)
    kind = models.CharField("培训类别", max_length=16, choices=TrainingKind.choices)
    organizer = models.CharField("主办单位", max_length=128, blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    is_online = models.BooleanField("线上培训", default=False)
    place = models.CharField("培训地点", max_length=200, blank=True, help_text="线上培训填写平台或会议号")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    credits = models.DecimalField("学分", max_digits=5, decimal_places=1, default=0)
    audience = models.JSONField("培训对象", default=list, help_text="TrainingAudience 的值列表")
    capacity = models.PositiveIntegerField("名额")
    enrolled_count = models.PositiveIntegerField("已报名人数", default=0)
    self_enrol = models.BooleanField("允许本人报名", default=True)
    completion_percent = models.PositiveSmallIntegerField("结业要求（签到场次百分比）")
    status = models.CharField("状态", max_length=16, choices=TrainingEventStatus.choices,
                              default=TrainingEventStatus.DRAFT, db_index=True)
    description = models.TextField("培训内容", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    objects = TrainingEventQuerySet.as_manager()

    class Meta:
        verbose_name = "培训活动"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="training_event_dates"),
            models.CheckConstraint(condition=models.Q(enrolled_count__lte=models.F("capacity")),
                                   name="training_event_capacity"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audience_labels(self) -> str:
        return "、".join(str(TrainingAudience(a).label) for a in self.audience if a in TrainingAudience.values)

    @property
    def room(self) -> int:
        return max(self.capacity - self.enrolled_count, 0)


class TrainingEventTransition(TransitionRecord):
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="transitions")
    subject_field = "event"
    workflow = TRAINING_EVENT_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "培训活动状态变更"


class TrainingSession(models.Model):
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField("场次内容", max_length=200)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")

    class Meta:
        verbose_name = "培训场次"
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="training_session_times"),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingEnrolmentQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("event__region__code", scope.region_prefixes)

    def own_q(self, user) -> models.Q:
        return (models.Q(inspector__user_id=user.pk) | models.Q(expert__user_id=user.pk)
                | models.Q(supervisor__user_id=user.pk) | models.Q(staff_id=user.pk))


class TrainingEnrolment(models.Model):
    """One person on an event: an inspector, an expert, a 学校督导管理员 or an office staff member (exactly one).
    `training` is the file record written at completion (none for staff, who have no file: `completed` says it)."""

    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="enrolments")
    inspector = models.ForeignKey("people.Inspector", null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="training_enrolments")
    expert = models.ForeignKey("people.Expert", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="training_enrolments")
    supervisor = models.ForeignKey("people.SchoolSupervisor", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="training_enrolments")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="training_enrolments", verbose_name="督导室工作人员")
    status = models.CharField("状态", max_length=16, choices=TrainingEnrolmentStatus.choices,
                              default=TrainingEnrolmentStatus.ENROLLED, db_index=True)
    enrolled_at = models.DateTimeField("报名时间", auto_now_add=True)
    enrolled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="报名人")
    completed = models.BooleanField("已结业", default=False)
    certificate_no = models.CharField("结业证书编号", max_length=32, blank=True)
    training = models.OneToOneField("people.Training", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="enrolment", verbose_name="培训档案记录")

    objects = TrainingEnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = "培训报名"
        ordering = ["event_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "inspector"], name="uniq_enrolment_inspector"),
            models.UniqueConstraint(fields=["event", "expert"], name="uniq_enrolment_expert"),
            models.UniqueConstraint(fields=["event", "supervisor"], name="uniq_enrolment_supervisor"),
            models.UniqueConstraint(fields=["event", "staff"], name="uniq_enrolment_staff"),
            models.CheckConstraint(
                condition=(models.Q(inspector__isnull=False, expert__isnull=True, supervisor__isnull=True,
                                    staff__isnull=True)
                           | models.Q(inspector__isnull=True, expert__isnull=False, supervisor__isnull=True,
                                      staff__isnull=True)
                           | models.Q(inspector__isnull=True, expert__isnull=True, supervisor__isnull=False,
                                      staff__isnull=True)
                           | models.Q(inspector__isnull=True, expert__isnull=True, supervisor__isnull=True,
                                      staff__isnull=False)),
                name="enrolment_one_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} · {self.event_id}"

    @property
    def person(self):
        return self.inspector or self.expert or self.supervisor or self.staff

    @property
    def person_name(self) -> str:
        if self.staff_id:
            return self.staff.get_full_name() or self.staff.username
        return str(self.person)

    @property
    def audience(self) -> str:
        if self.inspector_id:
            return TrainingAudience.INSPECTOR
        if self.expert_id:
            return TrainingAudience.EXPERT
        if self.supervisor_id:
            return TrainingAudience.SUPERVISOR
        return TrainingAudience.STAFF

    @property
    def audience_label(self) -> str:
        return str(TrainingAudience(self.audience).label)


class TrainingAttendance(models.Model):
    """One sign-in: a person at a session, once (the unique constraint settles a double scan)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(TrainingEnrolment, on_delete=models.CASCADE, related_name="attendances")
    at = models.DateTimeField("签到时间")
    via = models.CharField("方式", max_length=16, choices=TrainingSignInVia.choices, default=TrainingSignInVia.QR)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        verbose_name = "培训签到"
        ordering = ["at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="uniq_training_attendance")]

    def __str__(self) -> str:
        return f"{self.enrolment_id}@{self.session_id}"
