"""Finding (问题): one model for every problem from every source, for a school or a government unit.

Kept general on purpose (DESIGN.md §5): routine visits, inspections, complaints, 督政 and monitoring all raise
Findings here, so a target's whole record is one query. The rectification workflow (notices, 督办单, 约谈,
问责) extends this model; it must not be forked per source.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.display import person_name
from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class Source(models.TextChoices):
    VISIT = "visit", _("责任督学日常督导")
    INSPECTION = "inspection", _("督导评估")
    COMPLAINT = "complaint", _("投诉举报")
    DUZHENG = "duzheng", _("督政")
    MONITORING = "monitoring", _("评估监测")
    MANUAL = "manual", _("手工录入")
    TALK = "talk", _("约谈整改承诺")
    SURVEY = "survey", _("满意度调查")


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


DONE_STATUSES = (Status.RESOLVED_ON_SITE, Status.CLOSED)
SEVERITY_LABELS = {1: _("一般"), 2: _("较重"), 3: _("严重")}


class FindingQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        q = (prefix_q("region_code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)
             | models.Q(unit_id__in=scope.unit_ids))
        if scope.unit_ids:  # a competent department sees the findings it was ordered to press (督办单)
            q |= models.Q(notice__order__department_id__in=scope.unit_ids)
        return q

    def overdue(self, today):
        return self.filter(status=Status.OPEN, due_date__lt=today)


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
    # Set when the finding is closed (a fact of that moment, so statistics need no date arithmetic per row):
    # closed on or before its deadline, or it had none. Null while open.
    closed_on_time = models.BooleanField(_("按期办结"), null=True, blank=True)
    notice = models.ForeignKey("RectificationNotice", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="findings", verbose_name=_("整改通知书"))

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"]), models.Index(fields=["region_code", "status", "due_date"])]
        constraints = [models.CheckConstraint(
            condition=models.Q(school__isnull=False) | models.Q(unit__isnull=False), name="finding_has_target")]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def target(self):
        return self.school or self.unit

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, str(self.severity))

    @property
    def is_overdue(self) -> bool:
        return self.status == Status.OPEN and self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def days_overdue(self) -> int:
        return (timezone.localdate() - self.due_date).days if self.is_overdue else 0


# ---- 整改通知书 -----------------------------------------------------------------------------------------

class NoticeStatus(models.TextChoices):
    ISSUED = "issued", _("已下发")
    ACKNOWLEDGED = "acknowledged", _("已签收")
    RECTIFYING = "rectifying", _("整改中")
    REPORTED = "reported", _("已提交整改报告")
    CLOSED = "closed", _("核查通过")


ACTIVE_NOTICE = (NoticeStatus.ISSUED, NoticeStatus.ACKNOWLEDGED, NoticeStatus.RECTIFYING)


class TargetQuerySet(ScopedQuerySet):
    """Office staff by region; the school or unit concerned; the competent department a 督办单 went to."""

    def scope_q(self, scope: Scope) -> models.Q:
        q = (prefix_q("region_code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)
             | models.Q(unit_id__in=scope.unit_ids))
        if scope.unit_ids:
            q |= models.Q(order__department_id__in=scope.unit_ids)
        return q


class RectificationNotice(models.Model):
    """整改通知书: one or many findings sent to a school or unit with a deadline; the target reports, the
    inspector or office verifies. Deadlines (due_date) are scanned by the escalation job."""

    number = models.CharField(_("文号"), max_length=64, unique=True)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="notices", verbose_name=_("学校"))
    unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="notices", verbose_name=_("政府单位"))
    region_code = models.CharField(_("所在区划"), max_length=12, db_index=True)
    requirement = models.TextField(_("整改要求"), blank=True)
    due_date = models.DateField(_("整改期限"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED,
                              db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("下发时间"))
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("核查人"))
    reported_at = models.DateTimeField(_("提交整改报告时间"), null=True, blank=True)
    verify_due_date = models.DateField(_("核查期限"), null=True, blank=True)
    # The inspector files the report with the county office (备案) within N working days of receiving it.
    file_due_date = models.DateField(_("报备期限"), null=True, blank=True)
    filed_at = models.DateTimeField(_("报督导室备案时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # Set once by the escalation job (compare-and-set): the reminder before the deadline and the 督办单 after it.
    reminded_at = models.DateTimeField(null=True, blank=True, db_index=True)
    escalated_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("整改通知书")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(school__isnull=False) | models.Q(unit__isnull=False),
                                   name="notice_has_target"),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.number

    @property
    def target(self):
        return self.school or self.unit

    @property
    def is_overdue(self) -> bool:
        return self.status in ACTIVE_NOTICE and self.due_date < timezone.localdate()


TRANSITION_EVENTS = {"file": "督学报督导室备案", "remind": "到期提醒", "order": "下达督办单", "verify": "核查通过", "return": "核查退回"}


class NoticeTransition(models.Model):
    """Append-only log of a notice's workflow (and of what the escalation job did to it)."""

    notice = models.ForeignKey(RectificationNotice, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    event = models.CharField(max_length=32, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id}: {self.from_status}→{self.to_status}"

    @property
    def actor_name(self) -> str:
        return person_name(self.actor)

    @property
    def label(self) -> str:
        """What happened, in words: the job's events by name, otherwise the state reached."""
        if self.event in TRANSITION_EVENTS:
            return TRANSITION_EVENTS[self.event]
        return str(NoticeStatus(self.to_status).label) if self.from_status else "下发"


class FindingReport(models.Model):
    """The target's rectification report on one finding of a notice, with evidence. A new report after a
    return is a new row; the old ones stay."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="reports")
    notice = models.ForeignKey(RectificationNotice, on_delete=models.PROTECT, related_name="reports")
    measures = models.TextField(_("整改措施与成效"))
    evidence = models.ManyToManyField("documents.StoredFile", blank=True, verbose_name=_("佐证材料"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} @ {timezone.localtime(self.submitted_at):%Y-%m-%d}"


# ---- 督办单 and 约谈 proposals ------------------------------------------------------------------------------

class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("已下达")
    ACKNOWLEDGED = "acknowledged", _("主管部门已签收")
    CLOSED = "closed", _("已办结")


class OrderQuerySet(ScopedQuerySet):
    """Office staff by region; the department pressed; the school or unit whose notice it is."""

    def scope_q(self, scope: Scope) -> models.Q:
        return (prefix_q("region_code", scope.region_prefixes) | models.Q(department_id__in=scope.unit_ids)
                | models.Q(notice__school_id__in=scope.school_ids) | models.Q(notice__unit_id__in=scope.unit_ids))


class SupervisionOrder(models.Model):
    """督办单: an overdue notice pressed through the target's competent department (主管部门), which shares
    liability. One per notice at most (unique), whoever or however often the job runs."""

    number = models.CharField(_("督办单号"), max_length=64, unique=True)
    notice = models.OneToOneField(RectificationNotice, on_delete=models.PROTECT, related_name="order")
    department = models.ForeignKey("regions.GovUnit", on_delete=models.PROTECT, related_name="orders",
                                   verbose_name=_("主管部门"))
    region_code = models.CharField(max_length=12, db_index=True)
    issued_at = models.DateTimeField(_("下达时间"))
    due_date = models.DateField(_("督办期限"), db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=OrderStatus.choices, default=OrderStatus.ISSUED)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(_("督办落实情况"), blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True, db_index=True)  # → 约谈 proposed

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办单")
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class TalkStatus(models.TextChoices):
    PROPOSED = "proposed", _("建议约谈")
    HELD = "held", _("已约谈")
    DISMISSED = "dismissed", _("不予约谈")


class SchoolOrUnitQuerySet(ScopedQuerySet):
    """Records about a school or unit (约谈, 问责, 表彰): the region's office, and the school or unit itself."""

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region_code", scope.region_prefixes) | models.Q(unit_id__in=scope.unit_ids) | models.Q(
            school_id__in=scope.school_ids)


class Talk(models.Model):
    """约谈: proposed by the escalation job (a 督办单 overdue too, or too many overdue findings in a year) or by
    the office; `key` keeps a proposal from being made twice."""

    key = models.CharField(max_length=96, unique=True)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True)
    status = models.CharField(_("状态"), max_length=16, choices=TalkStatus.choices, default=TalkStatus.PROPOSED)
    reason = models.TextField(_("约谈事由"))
    findings = models.ManyToManyField(Finding, blank=True, related_name="talks")
    proposed_at = models.DateTimeField(_("提出时间"))
    # The record of the talk held (约谈记录), or why none was held.
    held_on = models.DateField(_("约谈日期"), null=True, blank=True)
    conducted_by = models.CharField(_("约谈主持单位"), max_length=200, blank=True,
                                    help_text=_("如：区教育督导委员会办公室会同区委组织部"))
    persons = models.CharField(_("被约谈人"), max_length=300, blank=True, help_text=_("姓名及职务，多人用顿号分隔"))
    content = models.TextField(_("约谈内容"), blank=True)
    recipients = models.CharField(_("抄送"), max_length=300, blank=True, help_text=_("如：镇党委、区教育局"))
    record = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("约谈记录"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.TextField(_("不予约谈理由"), blank=True)

    objects = SchoolOrUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("约谈")
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return self.reason[:40]

    @property
    def target(self):
        return self.school or self.unit


# ---- 问责 (教育督导问责办法) ---------------------------------------------------------------------------------

class TargetKind(models.TextChoices):
    UNIT = "unit", _("单位")
    PERSON = "person", _("个人")
    OPERATOR = "operator", _("民办学校举办者")


class Situation(models.TextChoices):
    """The six situations of the 教育督导问责办法."""

    POLICY = "policy", _("贯彻落实党和国家教育方针政策不坚决")
    DUTY = "duty", _("履行教育职责不到位")
    TASK = "task", _("重点任务推进严重滞后")
    IRREGULAR = "irregular", _("办学行为不规范")
    QUALITY = "quality", _("教育质量下降")
    SAFETY = "safety", _("安全问题较多或拒不接受督导")


class CaseStep(models.TextChoices):
    FILED = "filed", _("立案")
    INVESTIGATED = "investigated", _("调查认定")
    NOTIFIED = "notified", _("书面告知")
    DEFENDED = "defended", _("陈述申辩")
    REVIEWED = "reviewed", _("审定")
    DECIDED = "decided", _("作出决定")


CASE_STEPS = list(CaseStep.values)


class DecisionForm(models.TextChoices):
    PUBLIC_CRITICISM = "public_criticism", _("公开批评")
    TALK = "talk", _("约谈")
    BULLETIN = "bulletin", _("督导通报")
    RESOURCES = "resources", _("资源调整")
    PENALTY = "penalty", _("行政处罚")
    SELF_CHECK = "self_check", _("责令检查")
    CRITICISM = "criticism", _("通报批评")
    ORGANISATIONAL = "organisational", _("组织处理")
    DISCIPLINE = "discipline", _("处分")
    TRANSFER = "transfer", _("移送监察或司法机关")
    CONFISCATION = "confiscation", _("罚没违法所得")
    BAN = "ban", _("从业禁止")
    CREDIT = "credit", _("记入诚信记录")


D = DecisionForm
FORMS_FOR = {
    TargetKind.UNIT: [D.PUBLIC_CRITICISM, D.TALK, D.BULLETIN, D.RESOURCES, D.PENALTY],
    TargetKind.PERSON: [D.SELF_CHECK, D.TALK, D.CRITICISM, D.ORGANISATIONAL, D.DISCIPLINE, D.TRANSFER],
    TargetKind.OPERATOR: [D.CONFISCATION, D.BAN, D.CREDIT, D.PUBLIC_CRITICISM, D.PENALTY],
}


class SevereGround(models.TextChoices):
    """Grounds for heavier handling (从重); REPEAT is computed from the case history, the others are chosen."""

    OBSTRUCTION = "obstruction", _("干扰、阻碍问责调查")
    RETALIATION = "retaliation", _("打击报复举报人、证人")
    UNCORRECTED = "uncorrected", _("被问责后拒不整改")
    REPEAT = "repeat", _("一年内被问责两次及以上")
    OTHER = "other", _("其他应当从重的情形")


class AccountabilityCase(models.Model):
    """问责 case: a unit, a person or a private operator, one of the six situations, a procedure of dated steps
    (立案 → 调查认定 → 书面告知 → 陈述申辩 → 审定 → 决定) and a decision whose form fits the target."""

    number = models.CharField(_("案号"), max_length=64, unique=True)
    target_kind = models.CharField(_("问责对象类别"), max_length=16, choices=TargetKind.choices)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("学校"))
    unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("政府单位"))
    person_name = models.CharField(_("被问责人"), max_length=64, blank=True)
    person_post = models.CharField(_("职务"), max_length=64, blank=True)
    region_code = models.CharField(max_length=12, db_index=True)
    situation = models.CharField(_("问责情形"), max_length=16, choices=Situation.choices)
    facts = models.TextField(_("问题事实"))
    findings = models.ManyToManyField(Finding, blank=True, related_name="cases", verbose_name=_("相关问题"))
    talk = models.ForeignKey(Talk, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    step = models.CharField(_("办理环节"), max_length=16, choices=CaseStep.choices, default=CaseStep.FILED)
    filed_on = models.DateField(_("立案日期"))
    investigation_due = models.DateField(_("调查认定期限"))
    severe_grounds = models.JSONField(_("从重情形"), default=list, blank=True)
    decision_form = models.CharField(_("问责方式"), max_length=16, choices=DecisionForm.choices, blank=True)
    decision_basis = models.TextField(_("事实与依据"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = SchoolOrUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("问责案件")
        ordering = ["-filed_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(school__isnull=False) | models.Q(unit__isnull=False),
                                              name="case_has_target")]

    def __str__(self) -> str:
        return self.number

    @property
    def target(self) -> str:
        place = str(self.school or self.unit)
        return f"{place} {self.person_name}（{self.person_post}）" if self.person_name else place

    @property
    def severe(self) -> bool:
        return bool(self.severe_grounds)

    @property
    def severe_labels(self) -> list[str]:
        return [str(SevereGround(g).label) for g in self.severe_grounds if g in SevereGround.values]

    @property
    def next_step(self) -> str | None:
        i = CASE_STEPS.index(self.step)
        return CASE_STEPS[i + 1] if i + 1 < len(CASE_STEPS) else None

    @property
    def investigation_late(self) -> bool:
        done = self.steps.filter(step=CaseStep.INVESTIGATED).values_list("on", flat=True).first()
        return (done or timezone.localdate()) > self.investigation_due


class CaseStepRecord(models.Model):
    """One dated step of a case's procedure, with its document (立案审批表, 调查报告, 告知书, 申辩材料, 决定书)."""

    case = models.ForeignKey(AccountabilityCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(max_length=16, choices=CaseStep.choices)
    on = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)
    document = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("文书"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="one_record_per_case_step")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.step}"


# ---- 激励表彰 ----------------------------------------------------------------------------------------------------

class Commendation(models.Model):
    """激励表彰: a school or unit (or a person there) recognised, with the reason and the result it rests on."""

    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="commendations", verbose_name=_("学校"))
    unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="commendations", verbose_name=_("政府单位"))
    person_name = models.CharField(_("受表彰个人"), max_length=64, blank=True)
    person_post = models.CharField(_("职务"), max_length=64, blank=True)
    region_code = models.CharField(max_length=12, db_index=True)
    title = models.CharField(_("表彰名称"), max_length=128, help_text=_("如：督导评估优秀学校、优秀责任督学"))
    reason = models.TextField(_("表彰事由"))
    basis = models.CharField(_("依据的督导结果"), max_length=255, help_text=_("如：2026年度义务教育学校办学行为督导评估（优秀）"))
    awarded_by = models.CharField(_("表彰单位"), max_length=128)
    awarded_on = models.DateField(_("表彰日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolOrUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("激励表彰")
        ordering = ["-awarded_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(school__isnull=False) | models.Q(unit__isnull=False),
                                              name="commendation_has_target")]

    def __str__(self) -> str:
        return self.title

    @property
    def target(self) -> str:
        place = str(self.school or self.unit)
        return f"{place} {self.person_name}" if self.person_name else place


# ---- 回头看 --------------------------------------------------------------------------------------------------------

class RegionQuerySet(ScopedQuerySet):
    """Office work of a region: seen by the region's staff only."""

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region_code", scope.region_prefixes)


class RecheckRound(models.Model):
    """回头看: a random sample of closed findings drawn for re-verification. The seed and a digest of the
    population are recorded, so anyone can redraw the same sample from the same criteria."""

    region_code = models.CharField(_("区划"), max_length=12, db_index=True)
    closed_from = models.DateField(_("办结日期自"))
    closed_to = models.DateField(_("办结日期至"))
    source = models.CharField(_("问题来源"), max_length=16, choices=Source.choices, blank=True)
    population = models.PositiveIntegerField(_("总体数量"))
    population_digest = models.CharField(max_length=64)
    sample_size = models.PositiveIntegerField(_("抽取数量"))
    seed = models.BigIntegerField(_("随机种子"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField(_("抽取时间"))

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("回头看")
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"回头看 {timezone.localtime(self.drawn_at):%Y-%m-%d}（{self.sample_size}/{self.population}）"


class RecheckResult(models.TextChoices):
    PENDING = "pending", _("待复查")
    PASSED = "passed", _("复查通过")
    FAILED = "failed", _("复查未通过（重新整改）")


class RecheckItem(models.Model):
    round = models.ForeignKey(RecheckRound, on_delete=models.CASCADE, related_name="items")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="rechecks")
    result = models.CharField(_("复查结果"), max_length=16, choices=RecheckResult.choices, default=RecheckResult.PENDING)
    note = models.TextField(_("复查情况"), blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["round", "finding"], name="one_recheck_per_round_finding")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.finding_id}"


# ---- 结果公开 --------------------------------------------------------------------------------------------------------

class PublicationKind(models.TextChoices):
    RESULT = "result", _("督导结果")
    RECTIFICATION = "rectification", _("整改情况")
    BULLETIN = "bulletin", _("督导通报")


class Publication(models.Model):
    """结果公开: what the office has explicitly published on the public page (and its Atom feed)."""

    kind = models.CharField(_("类别"), max_length=16, choices=PublicationKind.choices)
    region_code = models.CharField(_("区划"), max_length=12, db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), db_index=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("公开信息")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title
