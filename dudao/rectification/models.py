"""Finding (问题): one model for every problem from every source, for a school or a government unit.

Kept general on purpose (DESIGN.md §5): routine visits, inspections, complaints, 督政 and monitoring all raise
Findings here, so a target's whole record is one query. The rectification workflow (notices, 督办单, 约谈,
问责) extends this model; it must not be forked per source.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dudao.core.display import person_name
from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow
from dudao.schools.targets import SchoolOrUnitTarget


class FindingSource(models.TextChoices):
    VISIT = "visit", "责任督学日常督导"
    INSPECTION = "inspection", "督导评估"
    COMPLAINT = "complaint", "投诉举报"
    DUZHENG = "duzheng", "督政"
    MONITORING = "monitoring", "评估监测"
    MANUAL = "manual", "手工录入"
    TALK = "talk", "约谈整改承诺"
    SURVEY = "survey", "满意度调查"
    QUALITY = "quality", "质量监测"
    MEETING = "meeting", "会议决定"
    HIGHER = "higher", "上级督导"
    CHECK = "check", "专项检查"
    ANNUAL = "annual", "年检"
    VIOLATION = "violation", "违规查处"
    AUDIT = "audit", "内审"  # audits: 离任/轮岗审计 (issue 24)


class FollowUp(models.TextChoices):
    """How the inspector handles a problem on the spot (挂牌督导 visit sheet)."""

    NONE = "none", "无意见"
    ON_SITE = "on_site", "小问题现场反馈"
    SUGGESTION = "suggestion", "一般问题整改建议"
    REPORT = "report", "严重问题上报督导室"
    CONSULT = "consult", "复杂问题科室协商"


class FindingStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RESOLVED_ON_SITE = "resolved_on_site", "现场已反馈"
    CLOSED = "closed", "已整改"


DONE_STATUSES = (FindingStatus.RESOLVED_ON_SITE, FindingStatus.CLOSED)
SEVERITY_LABELS = {1: "一般", 2: "较重", 3: "严重"}


class FindingQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        q = (prefix_q("region_code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)
             | models.Q(unit_id__in=scope.unit_ids))
        if scope.unit_ids:  # a competent department sees the findings it was ordered to press (督办单)
            q |= models.Q(notice__order__department_id__in=scope.unit_ids)
        return q

    def overdue(self, today):
        return self.filter(status=FindingStatus.OPEN, due_date__lt=today)


class Finding(SchoolOrUnitTarget):
    source = models.CharField("来源", max_length=16, choices=FindingSource.choices, db_index=True)
    # What raised it, as (app label.model, pk), e.g. ("zones.visit", "42"): general across sources.
    source_type = models.CharField(max_length=48, blank=True)
    source_id = models.CharField(max_length=36, blank=True, db_index=True)
    category = models.CharField("类别代码", max_length=48, blank=True, db_index=True)
    category_label = models.CharField("类别", max_length=128, blank=True)
    follow_up = models.CharField("处理方式", max_length=16, choices=FollowUp.choices, blank=True)
    severity = models.PositiveSmallIntegerField("严重程度", default=1, help_text="1 一般，2 较重，3 严重")
    description = models.TextField("问题描述")
    requirement = models.TextField("整改要求", blank=True)
    responsible_person = models.CharField("责任人", max_length=64, blank=True)
    due_date = models.DateField("整改期限", null=True, blank=True, db_index=True)
    evidence = models.ManyToManyField("documents.StoredFile", blank=True, verbose_name="佐证材料")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField("提出时间", db_index=True)
    status = models.CharField("状态", max_length=20, choices=FindingStatus.choices, default=FindingStatus.OPEN, db_index=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    # Set when the finding is closed (a fact of that moment, so statistics need no date arithmetic per row):
    # closed on or before its deadline, or it had none. Null while open.
    closed_on_time = models.BooleanField("按期办结", null=True, blank=True)
    notice = models.ForeignKey("RectificationNotice", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="findings", verbose_name="整改通知书")

    objects = FindingQuerySet.as_manager()

    class Meta(SchoolOrUnitTarget.Meta):
        verbose_name = "问题"
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"]), models.Index(fields=["region_code", "status", "due_date"]),
                   # The ledger's order; on PostgreSQL it also holds the scope's and the common filters' columns, so
                   # the API's page of ids (and the capped count) is an index-only scan.
                   models.Index(fields=["-raised_at", "-id"], include=["region_code", "status", "school", "unit"],
                                name="finding_ledger_order")]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS.get(self.severity, str(self.severity))

    @property
    def is_overdue(self) -> bool:
        return self.status == FindingStatus.OPEN and self.due_date is not None and self.due_date < timezone.localdate()

    @property
    def days_overdue(self) -> int:
        return (timezone.localdate() - self.due_date).days if self.is_overdue else 0


# ---- 整改通知书 -----------------------------------------------------------------------------------------

class NoticeStatus(models.TextChoices):
    ISSUED = "issued", "已下发"
    ACKNOWLEDGED = "acknowledged", "已签收"
    RECTIFYING = "rectifying", "整改中"
    REPORTED = "reported", "已提交整改报告"
    CLOSED = "closed", "核查通过"


ACTIVE_NOTICE = (NoticeStatus.ISSUED, NoticeStatus.ACKNOWLEDGED, NoticeStatus.RECTIFYING)
# 已下发 → 已签收 → 整改中 → 已提交整改报告 → 核查通过, or back to 整改中 when the verifier returns it.
NOTICE_WORKFLOW = Workflow("整改通知书", {
    NoticeStatus.ISSUED: {NoticeStatus.ACKNOWLEDGED},
    NoticeStatus.ACKNOWLEDGED: {NoticeStatus.RECTIFYING, NoticeStatus.REPORTED},
    NoticeStatus.RECTIFYING: {NoticeStatus.REPORTED},
    NoticeStatus.REPORTED: {NoticeStatus.CLOSED, NoticeStatus.RECTIFYING},
    NoticeStatus.CLOSED: set(),
}, NoticeStatus.choices)


class TargetQuerySet(ScopedQuerySet):
    """Office staff by region; the school or unit concerned; the competent department a 督办单 went to."""

    def scope_q(self, scope: Scope) -> models.Q:
        q = (prefix_q("region_code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)
             | models.Q(unit_id__in=scope.unit_ids))
        if scope.unit_ids:
            q |= models.Q(order__department_id__in=scope.unit_ids)
        return q


class RectificationNotice(SchoolOrUnitTarget):
    """整改通知书: one or many findings sent to a school or unit with a deadline; the target reports, the
    inspector or office verifies. Deadlines (due_date) are scanned by the escalation job."""

    number = models.CharField("文号", max_length=64, unique=True)
    requirement = models.TextField("整改要求", blank=True)
    due_date = models.DateField("整改期限", db_index=True)
    status = models.CharField("状态", max_length=16, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED,
                              db_index=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("下发时间")
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="核查人")
    reported_at = models.DateTimeField("提交整改报告时间", null=True, blank=True)
    verify_due_date = models.DateField("核查期限", null=True, blank=True)
    # The inspector files the report with the county office (备案) within N working days of receiving it.
    file_due_date = models.DateField("报备期限", null=True, blank=True)
    filed_at = models.DateTimeField("报督导室备案时间", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    # Set once by the escalation job (compare-and-set): the reminder before the deadline and the 督办单 after it.
    reminded_at = models.DateTimeField(null=True, blank=True, db_index=True)
    escalated_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = TargetQuerySet.as_manager()

    class Meta(SchoolOrUnitTarget.Meta):
        verbose_name = "整改通知书"
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.number

    @property
    def is_overdue(self) -> bool:
        return self.status in ACTIVE_NOTICE and self.due_date < timezone.localdate()


TRANSITION_EVENTS = {"file": "督学报督导室备案", "remind": "到期提醒", "order": "下达督办单", "verify": "核查通过", "return": "核查退回"}


class NoticeTransition(TransitionRecord):
    """Append-only log of a notice's workflow (and of what the escalation job did to it)."""

    notice = models.ForeignKey(RectificationNotice, on_delete=models.CASCADE, related_name="transitions")
    event = models.CharField(max_length=32, blank=True)

    subject_field = "notice"
    workflow = NOTICE_WORKFLOW

    class Meta(TransitionRecord.Meta):
        pass

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
    measures = models.TextField("整改措施与成效")
    evidence = models.ManyToManyField("documents.StoredFile", blank=True, verbose_name="佐证材料")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.finding_id} @ {timezone.localtime(self.submitted_at):%Y-%m-%d}"


# ---- 督办单 and 约谈 proposals ------------------------------------------------------------------------------

class OrderStatus(models.TextChoices):
    ISSUED = "issued", "已下达"
    ACKNOWLEDGED = "acknowledged", "主管部门已签收"
    CLOSED = "closed", "已办结"


class OrderQuerySet(ScopedQuerySet):
    """Office staff by region; the department pressed; the school or unit whose notice it is."""

    def scope_q(self, scope: Scope) -> models.Q:
        return (prefix_q("region_code", scope.region_prefixes) | models.Q(department_id__in=scope.unit_ids)
                | models.Q(notice__school_id__in=scope.school_ids) | models.Q(notice__unit_id__in=scope.unit_ids))


class SupervisionOrder(models.Model):
    """督办单: an overdue notice pressed through the target's competent department (主管部门), which shares
    liability. One per notice at most (unique), whoever or however often the job runs."""

    number = models.CharField("督办单号", max_length=64, unique=True)
    notice = models.OneToOneField(RectificationNotice, on_delete=models.PROTECT, related_name="order")
    department = models.ForeignKey("regions.GovUnit", on_delete=models.PROTECT, related_name="orders",
                                   verbose_name="主管部门")
    region_code = models.CharField(max_length=12, db_index=True)
    issued_at = models.DateTimeField("下达时间")
    due_date = models.DateField("督办期限", db_index=True)
    status = models.CharField("状态", max_length=16, choices=OrderStatus.choices, default=OrderStatus.ISSUED)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField("督办落实情况", blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True, db_index=True)  # → 约谈 proposed

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = "督办单"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.number


class TalkStatus(models.TextChoices):
    PROPOSED = "proposed", "建议约谈"
    HELD = "held", "已约谈"
    DISMISSED = "dismissed", "不予约谈"


class SchoolOrUnitQuerySet(ScopedQuerySet):
    """Records about a school or unit (约谈, 问责, 表彰): the region's office, and the school or unit itself."""

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region_code", scope.region_prefixes) | models.Q(unit_id__in=scope.unit_ids) | models.Q(
            school_id__in=scope.school_ids)


class Talk(SchoolOrUnitTarget):
    """约谈: proposed by the escalation job (a 督办单 overdue too, or too many overdue findings in a year) or by
    the office; `key` keeps a proposal from being made twice."""

    key = models.CharField(max_length=96, unique=True)
    status = models.CharField("状态", max_length=16, choices=TalkStatus.choices, default=TalkStatus.PROPOSED)
    reason = models.TextField("约谈事由")
    findings = models.ManyToManyField(Finding, blank=True, related_name="talks")
    proposed_at = models.DateTimeField("提出时间")
    # The record of the talk held (约谈记录), or why none was held.
    held_on = models.DateField("约谈日期", null=True, blank=True)
    conducted_by = models.CharField("约谈主持单位", max_length=200, blank=True,
                                    help_text="如：区教育督导委员会办公室会同区委组织部")
    persons = models.CharField("被约谈人", max_length=300, blank=True, help_text="姓名及职务，多人用顿号分隔")
    content = models.TextField("约谈内容", blank=True)
    recipients = models.CharField("抄送", max_length=300, blank=True, help_text="如：镇党委、区教育局")
    record = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="约谈记录")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.TextField("不予约谈理由", blank=True)

    objects = SchoolOrUnitQuerySet.as_manager()

    class Meta(SchoolOrUnitTarget.Meta):
        verbose_name = "约谈"
        ordering = ["-proposed_at", "-id"]

    def __str__(self) -> str:
        return self.reason[:40]


# ---- 问责 (教育督导问责办法) ---------------------------------------------------------------------------------

class TargetKind(models.TextChoices):
    UNIT = "unit", "单位"
    PERSON = "person", "个人"
    OPERATOR = "operator", "民办学校举办者"


class Situation(models.TextChoices):
    """The six situations of the 教育督导问责办法."""

    POLICY = "policy", "贯彻落实党和国家教育方针政策不坚决"
    DUTY = "duty", "履行教育职责不到位"
    TASK = "task", "重点任务推进严重滞后"
    IRREGULAR = "irregular", "办学行为不规范"
    QUALITY = "quality", "教育质量下降"
    SAFETY = "safety", "安全问题较多或拒不接受督导"


class CaseStep(models.TextChoices):
    FILED = "filed", "立案"
    INVESTIGATED = "investigated", "调查认定"
    NOTIFIED = "notified", "书面告知"
    DEFENDED = "defended", "陈述申辩"
    REVIEWED = "reviewed", "审定"
    DECIDED = "decided", "作出决定"


CASE_STEPS = list(CaseStep.values)


class DecisionForm(models.TextChoices):
    PUBLIC_CRITICISM = "public_criticism", "公开批评"
    TALK = "talk", "约谈"
    BULLETIN = "bulletin", "督导通报"
    RESOURCES = "resources", "资源调整"
    PENALTY = "penalty", "行政处罚"
    SELF_CHECK = "self_check", "责令检查"
    CRITICISM = "criticism", "通报批评"
    ORGANISATIONAL = "organisational", "组织处理"
    DISCIPLINE = "discipline", "处分"
    TRANSFER = "transfer", "移送监察或司法机关"
    CONFISCATION = "confiscation", "罚没违法所得"
    BAN = "ban", "从业禁止"
    CREDIT = "credit", "记入诚信记录"


D = DecisionForm
FORMS_FOR = {
    TargetKind.UNIT: [D.PUBLIC_CRITICISM, D.TALK, D.BULLETIN, D.RESOURCES, D.PENALTY],
    TargetKind.PERSON: [D.SELF_CHECK, D.TALK, D.CRITICISM, D.ORGANISATIONAL, D.DISCIPLINE, D.TRANSFER],
    TargetKind.OPERATOR: [D.CONFISCATION, D.BAN, D.CREDIT, D.PUBLIC_CRITICISM, D.PENALTY],
}


class SevereGround(models.TextChoices):
    """Grounds for heavier handling (从重); REPEAT is computed from the case history, the others are chosen."""

    OBSTRUCTION = "obstruction", "干扰、阻碍问责调查"
    RETALIATION = "retaliation", "打击报复举报人、证人"
    UNCORRECTED = "uncorrected", "被问责后拒不整改"
    REPEAT = "repeat", "一年内被问责两次及以上"
    OTHER = "other", "其他应当从重的情形"


class AccountabilityCase(SchoolOrUnitTarget):
    """问责 case: a unit, a person or a private operator, one of the six situations, a procedure of dated steps
    (立案 → 调查认定 → 书面告知 → 陈述申辩 → 审定 → 决定) and a decision whose form fits the target."""

    number = models.CharField("案号", max_length=64, unique=True)
    target_kind = models.CharField("问责对象类别", max_length=16, choices=TargetKind.choices)
    person_name = models.CharField("被问责人", max_length=64, blank=True)
    person_post = models.CharField("职务", max_length=64, blank=True)
    situation = models.CharField("问责情形", max_length=16, choices=Situation.choices)
    facts = models.TextField("问题事实")
    findings = models.ManyToManyField(Finding, blank=True, related_name="cases", verbose_name="相关问题")
    talk = models.ForeignKey(Talk, null=True, blank=True, on_delete=models.PROTECT, related_name="cases")
    step = models.CharField("办理环节", max_length=16, choices=CaseStep.choices, default=CaseStep.FILED)
    filed_on = models.DateField("立案日期")
    investigation_due = models.DateField("调查认定期限")
    severe_grounds = models.JSONField("从重情形", default=list, blank=True)
    decision_form = models.CharField("问责方式", max_length=16, choices=DecisionForm.choices, blank=True)
    decision_basis = models.TextField("事实与依据", blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    effective_on = models.DateField("生效日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = SchoolOrUnitQuerySet.as_manager()

    class Meta(SchoolOrUnitTarget.Meta):
        verbose_name = "问责案件"
        ordering = ["-filed_on", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def target_name(self) -> str:
        place = str(self.target)
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
    on = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    document = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="文书")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="one_record_per_case_step")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.step}"


# ---- 激励表彰 ----------------------------------------------------------------------------------------------------

class Commendation(SchoolOrUnitTarget):
    """激励表彰: a school or unit (or a person there) recognised, with the reason and the result it rests on."""

    person_name = models.CharField("受表彰个人", max_length=64, blank=True)
    person_post = models.CharField("职务", max_length=64, blank=True)
    title = models.CharField("表彰名称", max_length=128, help_text="如：督导评估优秀学校、优秀责任督学")
    reason = models.TextField("表彰事由")
    basis = models.CharField("依据的督导结果", max_length=255, help_text="如：2026年度义务教育学校办学行为督导评估（优秀）")
    awarded_by = models.CharField("表彰单位", max_length=128)
    awarded_on = models.DateField("表彰日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SchoolOrUnitQuerySet.as_manager()

    class Meta(SchoolOrUnitTarget.Meta):
        verbose_name = "激励表彰"
        ordering = ["-awarded_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def target_name(self) -> str:
        place = str(self.target)
        return f"{place} {self.person_name}" if self.person_name else place


# ---- 回头看 --------------------------------------------------------------------------------------------------------

class RegionQuerySet(ScopedQuerySet):
    """Office work of a region: seen by the region's staff only."""

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region_code", scope.region_prefixes)


class RecheckRound(models.Model):
    """回头看: a random sample of closed findings drawn for re-verification. The seed and a digest of the
    population are recorded, so anyone can redraw the same sample from the same criteria."""

    region_code = models.CharField("区划", max_length=12, db_index=True)
    closed_from = models.DateField("办结日期自")
    closed_to = models.DateField("办结日期至")
    source = models.CharField("问题来源", max_length=16, choices=FindingSource.choices, blank=True)
    population = models.PositiveIntegerField("总体数量")
    population_digest = models.CharField(max_length=64)
    sample_size = models.PositiveIntegerField("抽取数量")
    seed = models.BigIntegerField("随机种子")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drawn_at = models.DateTimeField("抽取时间")

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "回头看"
        ordering = ["-drawn_at", "-id"]

    def __str__(self) -> str:
        return f"回头看 {timezone.localtime(self.drawn_at):%Y-%m-%d}（{self.sample_size}/{self.population}）"


class RecheckResult(models.TextChoices):
    PENDING = "pending", "待复查"
    PASSED = "passed", "复查通过"
    FAILED = "failed", "复查未通过（重新整改）"


class RecheckItem(models.Model):
    round = models.ForeignKey(RecheckRound, on_delete=models.CASCADE, related_name="items")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="rechecks")
    result = models.CharField("复查结果", max_length=16, choices=RecheckResult.choices, default=RecheckResult.PENDING)
    note = models.TextField("复查情况", blank=True)
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
    RESULT = "result", "督导结果"
    RECTIFICATION = "rectification", "整改情况"
    BULLETIN = "bulletin", "督导通报"
    COMMUNIQUE = "communique", "教育督导公报"
    PUBLICITY = "publicity", "督学聘任公示"  # workforce (issue 24)
    AWARD = "award", "评选结果"  # research (issue 24)
    AUDIT = "audit", "审计报告"  # audits: 内审 reports (issue 24)


class Publication(models.Model):
    """结果公开: what the office has explicitly published on the public page (and its Atom feed)."""

    kind = models.CharField("类别", max_length=16, choices=PublicationKind.choices)
    region_code = models.CharField("区划", max_length=12, db_index=True)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField("发布时间", db_index=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    withdraw_reason = models.CharField("撤回原因", max_length=200, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "公开信息"
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title


# ---- writes through the API, by client id ----------------------------------------------------------------------

class NoticeClientWrite(models.Model):
    """A write on a notice made through the API with the client's id (签收, 整改报告, 核查): the same id again
    is answered from this row and changes nothing, so a tablet on a flaky connection can retry safely."""

    client_id = models.UUIDField("客户端编号", unique=True)
    notice = models.ForeignKey(RectificationNotice, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("操作后状态", max_length=16, choices=NoticeStatus.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.action} {self.notice_id}"
