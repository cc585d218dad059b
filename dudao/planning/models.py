"""The office's year: 工作要点 (plan → sections → tasks linked to what carries them out), 行事历 feeds, meetings and
their decisions, 大事记, 简报 and 信息报送, the 年度工作总结 drafted from every module, and the yearly 督导档案 with
its lock.

planning links to the objects of other apps through the registries of dudao.core.registries (plan links,
calendar sources, key events, year figures, archive documents), never by importing them: a link is (kind,
object_id) text, resolved by the app that owns the kind.

Scope: everything here belongs to a region (the county office's, or a town's); office staff and leaders of that
region read it (`prefix_q("region__code", …)`). Schools and units see none of these rows: a school reads only its
calendar, which the calendar sources build from its own scope."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow


class RegionScopedQuerySet(ScopedQuerySet):
    """Rows of a region: the office and leaders of that region or one above it."""

    region_lookup = "region__code"

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q(self.region_lookup, scope.region_prefixes)


class TaskScopedQuerySet(RegionScopedQuerySet):
    region_lookup = "plan__region__code"


# --- 工作要点 ---------------------------------------------------------------------------------------------

class YearKind(models.TextChoices):
    CALENDAR = "calendar", "自然年度"
    SCHOOL = "school", "学年度"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


PLAN_WORKFLOW = Workflow("工作要点", {
    PlanStatus.DRAFT: {PlanStatus.PUBLISHED},
    PlanStatus.PUBLISHED: set(),
}, PlanStatus.choices)


class Plan(models.Model):
    """工作要点 of a region for a year. `year` is the calendar year, or the first year of a school year
    (2026 学年度 = 2026年9月1日 to 2027年8月31日)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="区域")
    year = models.PositiveSmallIntegerField("年度")
    year_kind = models.CharField("年度类型", max_length=8, choices=YearKind.choices, default=YearKind.CALENDAR)
    title = models.CharField("标题", max_length=128)
    number = models.CharField("文号", max_length=64, null=True, blank=True, unique=True)
    status = models.CharField("状态", max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="复制自")
    imported_from = models.CharField("导入文件名", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "工作要点"
        ordering = ["-year", "region_id", "-id"]
        indexes = [models.Index(fields=["region", "year"], name="planning_plan_region_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def starts_on(self) -> datetime.date:
        if self.year_kind == YearKind.SCHOOL:
            return datetime.date(self.year, 9, 1)
        return datetime.date(self.year, 1, 1)

    @property
    def ends_on(self) -> datetime.date:
        if self.year_kind == YearKind.SCHOOL:
            return datetime.date(self.year + 1, 8, 31)
        return datetime.date(self.year, 12, 31)

    @property
    def year_label(self) -> str:
        return f"{self.year}—{self.year + 1}学年度" if self.year_kind == YearKind.SCHOOL else f"{self.year}年度"


class PlanTransition(TransitionRecord):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "plan"
    workflow = PLAN_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "工作要点状态变更"


class WorkArea(models.TextChoices):
    """The usual sections of a 工作要点 (seeds 000–004); a section may carry its own title."""

    DUZHENG = "duzheng", "督政"
    DUXUE = "duxue", "督学"
    MONITORING = "monitoring", "评估监测"
    TEAM = "team", "队伍建设"
    RESEARCH = "research", "宣传研究"
    GENERAL = "general", "综合"


class PlanSection(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections", verbose_name="工作要点")
    order = models.PositiveSmallIntegerField("序号", default=0)
    title = models.CharField("标题", max_length=200)
    area = models.CharField("工作领域", max_length=12, choices=WorkArea.choices, default=WorkArea.GENERAL)

    class Meta:
        verbose_name = "工作要点部分"
        ordering = ["plan_id", "order", "id"]

    def __str__(self) -> str:
        return self.title


class TaskProgress(models.TextChoices):
    """The owner's own account of a task; the shown status comes from linked objects where there are any."""

    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    DONE = "done", "已完成"
    DROPPED = "dropped", "已取消"


class TaskStatus(models.TextChoices):
    """A task's shown status (derived by planning.status, never stored): what the colours of the tree say."""

    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "进行中"
    DONE = "done", "已完成"
    LATE = "late", "已逾期"
    DROPPED = "dropped", "已取消"


class PlanTask(models.Model):
    """One task of a plan section: text, an owner (a staff member, a 责任区 or a 科室 label), its months, a due
    date, links to what carries it out, and the owner's progress note."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name="工作要点")
    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, related_name="tasks", verbose_name="部分")
    order = models.PositiveSmallIntegerField("序号", default=0)
    text = models.TextField("工作任务")
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="责任人")
    owner_zone = models.ForeignKey("zones.Zone", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="责任区")
    owner_label = models.CharField("责任科室", max_length=64, blank=True)
    months = models.JSONField("实施月份", default=list, blank=True)  # [3, 4, 5]: calendar months 1–12
    due_date = models.DateField("完成期限", null=True, blank=True)
    progress = models.CharField("进展", max_length=12, choices=TaskProgress.choices, default=TaskProgress.NOT_STARTED)
    progress_note = models.TextField("进展说明", blank=True)
    progress_at = models.DateTimeField("进展更新时间", null=True, blank=True)
    # The overdue job notifies the owner once (compare-and-set on this column).
    overdue_notified_at = models.DateTimeField("逾期提醒时间", null=True, blank=True)
    source_line = models.PositiveIntegerField("导入行号", null=True, blank=True)
    # A task made from a meeting decision.
    decision = models.OneToOneField("MeetingDecision", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="task", verbose_name="来源会议决定")

    objects = TaskScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "工作任务"
        ordering = ["plan_id", "section__order", "order", "id"]
        indexes = [models.Index(fields=["due_date", "overdue_notified_at"], name="planning_task_due")]

    def __str__(self) -> str:
        return self.text[:40]


class TaskUpdate(models.Model):
    """The history of a task's progress notes (append-only)."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="updates")
    progress = models.CharField("进展", max_length=12, choices=TaskProgress.choices)
    note = models.TextField("进展说明", blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "工作任务进展"
        ordering = ["task_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.progress}"


class TaskLink(models.Model):
    """A link from a task to an object of another app: (kind, object_id) as registered in core.registries."""

    task = models.ForeignKey(PlanTask, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField("对象类型", max_length=48)
    object_id = models.CharField("对象编号", max_length=32)
    title = models.CharField("名称（关联时）", max_length=255)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "工作任务关联"
        ordering = ["task_id", "id"]
        constraints = [models.UniqueConstraint(fields=["task", "kind", "object_id"], name="planning_link_once")]
        indexes = [models.Index(fields=["kind", "object_id"], name="planning_link_object")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


# --- 行事历 ------------------------------------------------------------------------------------------------

class CalendarFeed(models.Model):
    """A user's secret iCalendar feed address; only the SHA-256 of its key is stored (shown once, rotatable)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "行事历订阅"

    def __str__(self) -> str:
        return f"feed of {self.user_id}"


# --- meetings -------------------------------------------------------------------------------------------

class MeetingKind(models.TextChoices):
    ANNUAL = "annual", "年度工作会议"
    COMMITTEE = "committee", "督导委员会会议"
    TEAM = "team", "督导组工作会"
    CAMPAIGN = "campaign", "创建推进会"
    OTHER = "other", "其他会议"


class Meeting(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="区域")
    kind = models.CharField("会议类型", max_length=12, choices=MeetingKind.choices)
    title = models.CharField("会议名称", max_length=200)
    starts_at = models.DateTimeField("开始时间")
    place = models.CharField("地点", max_length=200, blank=True)
    host = models.CharField("主持人", max_length=64, blank=True)
    attendee_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+",
                                            verbose_name="参会人员")
    attendee_units = models.ManyToManyField("regions.GovUnit", blank=True, related_name="+", verbose_name="参会单位")
    attendees_note = models.TextField("其他参会人员", blank=True)
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议纪要", blank=True)
    minutes_file = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="纪要文件")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "会议"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["region", "starts_at"], name="planning_meeting_when")]

    def __str__(self) -> str:
        return self.title


class DecisionKind(models.TextChoices):
    NOTE = "note", "仅记录"
    TASK = "task", "列入工作任务"
    FINDING = "finding", "列入问题整改"


class MeetingDecision(models.Model):
    """A decision of a meeting; it may become a plan task (PlanTask.decision) or a finding (`finding`), tracked
    like any other."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField("序号", default=0)
    text = models.TextField("决定事项")
    kind = models.CharField("落实方式", max_length=8, choices=DecisionKind.choices, default=DecisionKind.NOTE)
    owner_label = models.CharField("责任人或单位", max_length=64, blank=True)
    due_date = models.DateField("完成期限", null=True, blank=True)
    finding = models.ForeignKey("rectification.Finding", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name="整改问题")

    class Meta:
        verbose_name = "会议决定"
        ordering = ["meeting_id", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


# --- 大事记 -----------------------------------------------------------------------------------------------

class Importance(models.TextChoices):
    NORMAL = "normal", "一般"
    IMPORTANT = "important", "重要"
    MAJOR = "major", "重大"


class ChronicleStatus(models.TextChoices):
    PROPOSED = "proposed", "待确认"
    ACCEPTED = "accepted", "已采用"
    DROPPED = "dropped", "已舍弃"


class ChronicleEntry(models.Model):
    """One 大事记 entry: proposed by the platform from a key event (`event_key`, once per event and region) or
    written by hand (`event_key` empty). Dropped proposals stay, so the event is not proposed again."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="区域")
    day = models.DateField("日期")
    title = models.CharField("标题", max_length=200)
    text = models.TextField("内容", blank=True)
    importance = models.CharField("重要程度", max_length=10, choices=Importance.choices, default=Importance.NORMAL)
    status = models.CharField("状态", max_length=10, choices=ChronicleStatus.choices, default=ChronicleStatus.ACCEPTED)
    source = models.CharField("来源", max_length=48, blank=True)  # registered key-event source; '' = manual
    event_key = models.CharField("事件标识", max_length=96, blank=True)
    url = models.CharField("关联链接", max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")  # none: proposed by the platform
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "大事记"
        ordering = ["day", "id"]
        constraints = [models.UniqueConstraint(fields=["region", "event_key"], condition=~models.Q(event_key=""),
                                               name="planning_chronicle_event_once")]
        indexes = [models.Index(fields=["region", "day"], name="planning_chronicle_day")]

    def __str__(self) -> str:
        return self.title


# --- 简报 and 信息报送 ---------------------------------------------------------------------------------------

class BriefingStatus(models.TextChoices):
    DRAFT = "draft", "编辑中"
    ISSUED = "issued", "已印发"


class Briefing(models.Model):
    """督导简报 第N期: numbered per region and year when issued; may be published on the public results page."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="区域")
    year = models.PositiveSmallIntegerField("年度")
    issue_no = models.PositiveIntegerField("期号", null=True, blank=True)
    title = models.CharField("标题", max_length=200)
    status = models.CharField("状态", max_length=8, choices=BriefingStatus.choices, default=BriefingStatus.DRAFT)
    issued_at = models.DateTimeField("印发时间", null=True, blank=True)
    public = models.BooleanField("向社会公开", default=False)
    published_at = models.DateTimeField("公开时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "督导简报"
        ordering = ["-year", "-issue_no", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "year", "issue_no"], name="planning_briefing_issue")]

    def __str__(self) -> str:
        return self.title


class SectionKind(models.TextChoices):
    VISIT = "visit", "督导纪实亮点"
    INSPECTION = "inspection", "督导评估结果"
    PUBLICATION = "publication", "结果公开"
    CHRONICLE = "chronicle", "大事记"
    TEXT = "text", "自由撰写"


class BriefingSection(models.Model):
    briefing = models.ForeignKey(Briefing, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField("序号", default=0)
    kind = models.CharField("内容来源", max_length=12, choices=SectionKind.choices, default=SectionKind.TEXT)
    heading = models.CharField("小标题", max_length=200, blank=True)
    text = models.TextField("正文")  # copied from the picked record when added, then editable
    source_key = models.CharField("来源记录", max_length=64, blank=True)  # "zones.visit:12"

    class Meta:
        verbose_name = "简报栏目"
        ordering = ["briefing_id", "order", "id"]

    def __str__(self) -> str:
        return self.heading or self.text[:40]


class SubmissionKind(models.TextChoices):
    BRIEFING = "briefing", "督导简报"
    REPORT = "report", "督导报告"
    DOCUMENT = "document", "其他文件"


class Submission(models.Model):
    """信息报送: what was sent to whom (a unit, or a higher office named in text), when and by whom, with the file."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="区域")
    kind = models.CharField("类型", max_length=10, choices=SubmissionKind.choices)
    title = models.CharField("标题", max_length=200)
    briefing = models.ForeignKey(Briefing, null=True, blank=True, on_delete=models.PROTECT, related_name="submissions")
    recipient_unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name="报送单位")
    recipient = models.CharField("报送对象", max_length=200, blank=True)  # 上级督导部门, 区委办…
    sent_on = models.DateField("报送日期")
    file = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name="文件")
    note = models.TextField("备注", blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name="报送人")
    created_at = models.DateTimeField(default=timezone.now)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "信息报送"
        ordering = ["-sent_on", "-id"]

    def __str__(self) -> str:
        return self.title


# --- 年度工作总结 and 督导结果报告 ------------------------------------------------------------------------------

class SummaryKind(models.TextChoices):
    ANNUAL = "annual", "年度工作总结"
    QUARTERLY = "quarterly", "督导结果报告（季度）"


class JobStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class SummaryReport(models.Model):
    """A drafted 年度工作总结 (or a quarter's 督导结果报告): built in the background, its figures kept (with their
    sources) and its .docx in storage."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="区域")
    kind = models.CharField("类型", max_length=10, choices=SummaryKind.choices, default=SummaryKind.ANNUAL)
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField("季度", null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=JobStatus.choices, default=JobStatus.PENDING)
    attempt = models.PositiveSmallIntegerField(default=1)
    figures = models.JSONField("数据", default=list, blank=True)  # [{"section", "key", "label", "value", "unit", "source"}]
    file_name = models.CharField(max_length=255, blank=True)  # in Django's storage
    error = models.TextField("错误", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "工作总结"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year} {self.kind}"


# --- 督导档案 -----------------------------------------------------------------------------------------------

class ArchiveCategory(models.TextChoices):
    PLAN = "plan", "计划总结"
    DUZHENG = "duzheng", "督政"
    DUXUE = "duxue", "督学"
    MONITORING = "monitoring", "评估监测"
    RECTIFICATION = "rectification", "整改问责"
    TEAM = "team", "队伍建设"
    RESEARCH = "research", "宣传研究"


class ArchiveStatus(models.TextChoices):
    OPEN = "open", "未归档"
    LOCKED = "locked", "已归档"


ARCHIVE_WORKFLOW = Workflow("年度档案", {
    ArchiveStatus.OPEN: {ArchiveStatus.LOCKED},
    ArchiveStatus.LOCKED: {ArchiveStatus.OPEN},  # reopened by an administrator, with a reason
}, ArchiveStatus.choices, backward=[(ArchiveStatus.LOCKED, ArchiveStatus.OPEN)])


class ArchiveYear(models.Model):
    """A region's year in the 督导档案. Locked (归档): that year's records are read-only (refuse_if_archived)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="区域")
    year = models.PositiveSmallIntegerField("年度")
    status = models.CharField("状态", max_length=8, choices=ArchiveStatus.choices, default=ArchiveStatus.OPEN)
    locked_at = models.DateTimeField("归档时间", null=True, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "年度档案"
        ordering = ["-year", "region_id"]
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="planning_archive_year_once")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}"


class ArchiveTransition(TransitionRecord):
    archive = models.ForeignKey(ArchiveYear, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "archive"
    workflow = ARCHIVE_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "年度档案状态变更"


class ArchiveExport(models.Model):
    """One "导出档案" run: a zip (folders by category, 案卷目录.xlsx, SHA-256 manifest) built by a background task.
    Files missing from storage are listed in `missing` and named in the index, never silently skipped."""

    archive = models.ForeignKey(ArchiveYear, on_delete=models.CASCADE, related_name="exports")
    status = models.CharField("状态", max_length=8, choices=JobStatus.choices, default=JobStatus.PENDING)
    attempt = models.PositiveSmallIntegerField(default=1)
    file_name = models.CharField(max_length=255, blank=True)  # the zip in Django's storage
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    file_count = models.PositiveIntegerField("文件数", default=0)
    missing = models.JSONField("缺失文件", default=list, blank=True)  # [{"category", "title", "source", "reason"}]
    error = models.TextField("错误", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "档案导出"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.archive_id} export {self.pk}"
