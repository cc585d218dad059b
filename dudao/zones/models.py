"""挂牌督导: responsibility zones, school assignments, visit records (督导纪实), lesson observations,
cross-supervision plans and complaints (投诉举报)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from dudao.core.display import PUBLIC, SYSTEM, person_name
from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow

# The 8 routine supervision items of the 挂牌督导办法 (DOMAIN.md §4.3), by stable code.
ROUTINE_ITEMS = [
    ("r1", "校务管理"), ("r2", "招生、收费、择校"), ("r3", "课程与课堂"),
    ("r4", "学习、体育锻炼、课业负担"), ("r5", "师德与专业发展"), ("r6", "校园周边及交通安全"),
    ("r7", "食堂、食品、饮水、宿舍卫生"), ("r8", "校风、教风、学风"),
]
ROUTINE_ITEM_LABELS = dict(ROUTINE_ITEMS)
SPECIAL_ITEM = ("special", "专项督导事项")
METHODS = [
    ("lessons", "随机听课"), ("documents", "查阅资料"), ("meetings", "列席会议"),
    ("panels", "座谈走访"), ("questionnaires", "问卷调查"), ("tour", "校园巡视"),
]
METHOD_LABELS = dict(METHODS)


class ZoneQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        serving = Assignment.objects.filter(school_id__in=scope.school_ids, ended_on__isnull=True)
        return prefix_q("region__code", scope.region_prefixes) | models.Q(pk__in=serving.values("zone_id"))


class Zone(models.Model):
    """督学责任区: a group of schools in a county with its responsible inspectors and a lead."""

    code = models.CharField("责任区编码", max_length=32, unique=True)
    name = models.CharField("责任区名称", max_length=64)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="所在县（区）")
    lead = models.ForeignKey("people.Inspector", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="led_zones", verbose_name="牵头督学")
    note = models.TextField("备注", blank=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = "督学责任区"
        ordering = ["region_id", "code"]

    def __str__(self) -> str:
        return self.name


class AssignmentQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("school__region__code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)

    def current(self):
        return self.filter(ended_on__isnull=True)


class Assignment(models.Model):
    """挂牌: one responsible inspector for a school (or one campus of it) for a period; history is kept."""

    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="assignments", verbose_name="责任区")
    inspector = models.ForeignKey("people.Inspector", on_delete=models.PROTECT, related_name="assignments",
                                  verbose_name="责任督学")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="assignments",
                               verbose_name="学校")
    campus = models.ForeignKey("schools.Campus", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="assignments", verbose_name="校区")
    started_on = models.DateField("挂牌日期")
    ended_on = models.DateField("结束日期", null=True, blank=True, db_index=True)
    end_reason = models.CharField("结束原因", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "挂牌责任督学"
        ordering = ["school_id", "-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["school"], condition=models.Q(ended_on__isnull=True, campus__isnull=True),
                                    name="one_current_inspector_per_school"),
            models.UniqueConstraint(fields=["school", "campus"], condition=models.Q(ended_on__isnull=True),
                                    name="one_current_inspector_per_campus"),
        ]
        indexes = [models.Index(fields=["inspector", "ended_on"])]

    def __str__(self) -> str:
        target = f"{self.school.name}（{self.campus.name}）" if self.campus_id else self.school.name
        return f"{self.inspector.name} → {target}"


class VisitReason(models.TextChoices):
    ASSIGNED = "assigned", "责任区日常督导"
    CROSS = "cross", "交叉督导"
    COMPLAINT = "complaint", "投诉核查"
    SPECIAL = "special", "专项任务"


class VisitStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    SIGNED = "signed", "学校已签收"


class VisitQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("school__region__code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)

    def own_q(self, user) -> models.Q:
        """The visiting inspector sees their own visits wherever they went."""
        return models.Q(inspector__user_id=user.pk)


class Visit(models.Model):
    """督导纪实: one visit of an inspector to a school; idempotent by the client-generated id."""

    client_id = models.UUIDField("客户端编号", unique=True, default=uuid.uuid4)
    inspector = models.ForeignKey("people.Inspector", on_delete=models.PROTECT, related_name="visits",
                                  verbose_name="督学")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="visits", verbose_name="学校")
    campus = models.ForeignKey("schools.Campus", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="校区")
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.PROTECT, related_name="visits",
                             verbose_name="学校所在责任区")
    started_at = models.DateTimeField("到校时间")
    ended_at = models.DateTimeField("离校时间")
    minutes_on_site = models.PositiveIntegerField("在校时长（分钟）")
    companions = models.ManyToManyField("people.Inspector", blank=True, related_name="accompanied_visits",
                                        verbose_name="随行督学")
    methods = models.JSONField("督导方式及次数", default=dict)
    items = models.JSONField("督导事项", default=list)
    topic = models.CharField("本月专项督导内容", max_length=128, blank=True)
    narrative = models.TextField("督导纪实")
    highlights = models.TextField("亮点与经验", blank=True)
    reason = models.CharField("督导类型", max_length=16, choices=VisitReason.choices, default=VisitReason.ASSIGNED)
    reason_note = models.CharField("非责任校督导说明", max_length=255, blank=True)
    cross_plan = models.ForeignKey("CrossSupervision", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="visits", verbose_name="交叉督导安排")
    status = models.CharField("状态", max_length=16, choices=VisitStatus.choices, default=VisitStatus.SUBMITTED,
                              db_index=True)
    submitted_at = models.DateTimeField("提交时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name="签收人")
    signed_at = models.DateTimeField("签收时间", null=True, blank=True)
    school_comment = models.TextField("学校意见", blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = "督导纪实"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["school", "started_at"]), models.Index(fields=["inspector", "started_at"]),
                   models.Index(fields=["started_at"])]

    def __str__(self) -> str:
        return f"{self.school.name} {timezone.localtime(self.started_at):%Y-%m-%d}"

    @property
    def hours_on_site(self) -> float:
        return round(self.minutes_on_site / 60, 1)

    def item_labels(self) -> list[str]:
        return [str(ROUTINE_ITEM_LABELS.get(code, "专项督导事项" if code == "special" else code)) for code in self.items]

    def method_rows(self) -> list[tuple[str, int]]:
        return [(str(label), int(self.methods.get(code, 0))) for code, label in METHODS if self.methods.get(code)]


class VisitFile(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="files")
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64)
    caption = models.CharField("说明", max_length=128, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["visit", "sha256"], name="uniq_visit_file")]

    def __str__(self) -> str:
        return self.caption or self.sha256[:12]


class LessonRating(models.TextChoices):
    EXCELLENT = "excellent", "优"
    GOOD = "good", "良"
    FAIR = "fair", "中"
    POOR = "poor", "差"


class LessonObservation(models.Model):
    """听课记录."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="lessons")
    class_name = models.CharField("班级", max_length=32)
    subject = models.CharField("学科", max_length=32)
    teacher = models.CharField("授课教师", max_length=32)
    rating = models.CharField("评价", max_length=16, choices=LessonRating.choices)
    notes = models.TextField("听课记录", blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.class_name} {self.subject}"


class CrossSupervisionQuerySet(ScopedQuerySet):
    through_many = True  # own_q follows the inspectors (many-to-many)

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("host_zone__region__code", scope.region_prefixes)

    def own_q(self, user) -> models.Q:
        """An inspector named in a plan sees it (their to-do list), wherever the host zone is."""
        return models.Q(inspectors__user_id=user.pk)


class CrossSupervision(models.Model):
    """交叉督导: inspectors of one zone scheduled to visit another zone's schools in a semester."""

    semester = models.CharField("学期", max_length=16, db_index=True)
    visiting_zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="cross_out",
                                      verbose_name="派出责任区")
    host_zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="cross_in", verbose_name="被督导责任区")
    planned_on = models.DateField("计划日期")
    inspectors = models.ManyToManyField("people.Inspector", related_name="cross_plans", verbose_name="督学")
    note = models.CharField("任务说明", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CrossSupervisionQuerySet.as_manager()

    class Meta:
        verbose_name = "交叉督导安排"
        ordering = ["-planned_on", "-id"]

    def __str__(self) -> str:
        return f"{self.semester} {self.visiting_zone_id}→{self.host_zone_id}"


class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "意见建议"


class ComplaintChannel(models.TextChoices):
    PUBLIC_PAGE = "public_page", "挂牌公示页"
    HOTLINE = "hotline", "督导电话"
    LETTER = "letter", "来信"
    VISIT = "visit", "来访"
    OTHER = "other", "其他渠道"


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", "已受理"
    ASSIGNED = "assigned", "已交办责任督学"
    VERIFIED = "verified", "已核实"
    REPLIED = "replied", "已答复"
    CLOSED = "closed", "已办结"


# Allowed moves: from → {to: roles that may make it}; "inspector" means the inspector it is assigned to.
_C = ComplaintStatus
COMPLAINT_WORKFLOW = Workflow("投诉", {
    _C.RECEIVED: {_C.ASSIGNED: {"office"}, _C.CLOSED: {"office"}},
    _C.ASSIGNED: {_C.ASSIGNED: {"office"}, _C.VERIFIED: {"office", "inspector"}},
    _C.VERIFIED: {_C.REPLIED: {"office", "inspector"}},
    _C.REPLIED: {_C.CLOSED: {"office"}},
    _C.CLOSED: {},
}, ComplaintStatus.choices)


class ReplyChannel(models.TextChoices):
    PHONE = "phone", "电话"
    SMS = "sms", "短信"
    LETTER = "letter", "书面"
    IN_PERSON = "in_person", "当面"
    NONE = "none", "匿名无法答复"


class ComplaintQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("school__region__code", scope.region_prefixes)

    def own_q(self, user) -> models.Q:
        """The inspector it was assigned to (office and leaders see it by region; never the school itself)."""
        return models.Q(assigned_to__user_id=user.pk)


class Complaint(models.Model):
    """投诉举报: from the public page or typed in by office staff; complainant details are office-only."""

    number = models.CharField("受理编号", max_length=24, unique=True)
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="complaints",
                               verbose_name="涉及学校")
    kind = models.CharField("类型", max_length=16, choices=ComplaintKind.choices)
    channel = models.CharField("来源渠道", max_length=16, choices=ComplaintChannel.choices)
    content = models.TextField("内容")
    complainant_name = models.CharField("反映人", max_length=64, blank=True)
    complainant_phone = models.CharField("联系电话", max_length=32, blank=True)
    submit_ip = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField("受理时间", db_index=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="登记人")
    assigned_to = models.ForeignKey("people.Inspector", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="complaints", verbose_name="承办督学")
    status = models.CharField("状态", max_length=16, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.RECEIVED, db_index=True)
    verification = models.TextField("核实情况", blank=True)
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    substantiated = models.BooleanField("情况属实", null=True)
    reply_channel = models.CharField("答复方式", max_length=16, choices=ReplyChannel.choices, blank=True)
    reply_text = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = "投诉举报"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.number


class ComplaintTransition(TransitionRecord):
    """Append-only log of a complaint's status changes (DESIGN.md rule 3)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "complaint"
    workflow = COMPLAINT_WORKFLOW

    class Meta(TransitionRecord.Meta):
        pass

    @property
    def actor_display(self) -> str:
        """Who made this change: the staff member; "公众" for the filing of a complaint from the public page
        (no actor); "系统" for automatic steps (the hand-over to the responsible inspector)."""
        public_filing = not self.from_status and self.complaint.channel == ComplaintChannel.PUBLIC_PAGE
        return person_name(self.actor, nobody=PUBLIC if public_filing else SYSTEM)
