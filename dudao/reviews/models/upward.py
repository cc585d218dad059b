"""迎检: the district (its government, departments and towns) evaluated by a higher level. The office imports the
higher level's indicator list, assigns each indicator to member departments, towns or its own staff with a
material request and a deadline; assignees hand in versioned evidence and a statement; the office accepts or
returns it, scores itself, and builds the 自评报告 and the 印证材料 package. After the site visit the returned
问题清单 becomes findings; a 复查 is a follow-up review linked to the first."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow

__all__ = [
    "ReviewLevel", "ReviewKind", "ReviewStatus", "Review", "ReviewQuerySet", "ReviewIndicator", "AssigneeKind",
    "AssignmentStatus", "Assignment", "Evidence", "EvidenceDecision", "REVIEW_FLOW", "ReviewTransition", "ReviewPackage", "PackageStatus",
    "SiteVisit", "ReviewProblem",
]


class ReviewLevel(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCE = "province", "省"
    CITY = "city", "市"


class ReviewKind(models.TextChoices):
    DUTIES = "duties", "履行教育职责评价"
    SPECIAL = "special", "专项督导"
    CREATION = "creation", "创建认定"
    RECHECK = "recheck", "复查"


class ReviewStatus(models.TextChoices):
    PREPARING = "preparing", "迎检准备"
    SUBMITTED = "submitted", "材料已报送"
    VISITED = "visited", "已实地督查"
    CLOSED = "closed", "已结束"


REVIEW_FLOW = Workflow("迎检", {
    ReviewStatus.PREPARING: [ReviewStatus.SUBMITTED],
    ReviewStatus.SUBMITTED: [ReviewStatus.VISITED, ReviewStatus.PREPARING],
    ReviewStatus.VISITED: [ReviewStatus.CLOSED],
    ReviewStatus.CLOSED: [],
}, ReviewStatus.choices, backward=[(ReviewStatus.SUBMITTED, ReviewStatus.PREPARING)])


class ReviewQuerySet(ScopedQuerySet):
    """The office and leaders of the region; a unit sees the reviews in which it has an assignment; an office
    staff member assigned an indicator sees that review."""

    through_many = True

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", scope.region_prefixes) | models.Q(
            indicators__assignments__unit_id__in=scope.unit_ids)

    def own_q(self, user) -> models.Q:
        return models.Q(indicators__assignments__user=user)


class Review(models.Model):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="受检区县")
    title = models.CharField("名称", max_length=200)
    level = models.CharField("检查层级", max_length=12, choices=ReviewLevel.choices)
    kind = models.CharField("类型", max_length=12, choices=ReviewKind.choices)
    body = models.CharField("检查机关", max_length=128, help_text="如 市人民政府教育督导委员会办公室")
    year = models.PositiveSmallIntegerField("年度")
    materials_due = models.DateField("材料报送截止日期", null=True, blank=True)
    visit_starts = models.DateField("实地督查开始日期", null=True, blank=True)
    visit_ends = models.DateField("实地督查结束日期", null=True, blank=True)
    word_limit = models.PositiveIntegerField("自评报告字数上限", null=True, blank=True)
    status = models.CharField("状态", max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.PREPARING,
                              db_index=True)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="rechecks",
                                 verbose_name="被复查的迎检")
    report_text = models.TextField("自评报告正文", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = "迎检"
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return self.title


class ReviewTransition(TransitionRecord):
    """One move of a review's status (append-only)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="transitions", verbose_name="迎检")

    subject_field = "review"
    workflow = REVIEW_FLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "迎检状态变更"


class IndicatorQuerySet(ScopedQuerySet):
    """A unit sees only the indicators assigned to it; staff assigned an indicator see it as their own."""

    through_many = True

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("review__region__code", scope.region_prefixes) | models.Q(
            assignments__unit_id__in=scope.unit_ids)

    def own_q(self, user) -> models.Q:
        return models.Q(assignments__user=user)


class ReviewIndicator(models.Model):
    """One indicator of the higher level's list, at any depth (parent null: a top-level indicator)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="indicators", verbose_name="迎检")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children",
                               verbose_name="上级指标")
    code = models.CharField("编号", max_length=32)
    text = models.TextField("指标内容")
    weight = models.FloatField("分值", null=True, blank=True)
    materials = models.TextField("佐证材料要求", blank=True)
    position = models.PositiveIntegerField("顺序", default=0)
    self_score = models.FloatField("自评得分", null=True, blank=True)
    self_note = models.TextField("自评说明", blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "迎检指标"
        ordering = ["review", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "code"], name="review_indicator_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:40]}"


class AssigneeKind(models.TextChoices):
    UNIT = "unit", "成员单位/乡镇"
    STAFF = "staff", "督导室人员"


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", "待提交"
    SUBMITTED = "submitted", "待审核"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "已采纳"


class AssignmentQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("indicator__review__region__code", scope.region_prefixes) | models.Q(
            unit_id__in=scope.unit_ids)

    def own_q(self, user) -> models.Q:
        return models.Q(user=user)


class Assignment(models.Model):
    """An indicator given to a department, town or staff member: what to hand in and by when."""

    indicator = models.ForeignKey(ReviewIndicator, on_delete=models.CASCADE, related_name="assignments",
                                  verbose_name="指标")
    unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="责任单位")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name="责任人")
    request = models.TextField("材料要求", blank=True)
    due_on = models.DateField("提交期限", db_index=True)
    status = models.CharField("状态", max_length=12, choices=AssignmentStatus.choices,
                              default=AssignmentStatus.PENDING, db_index=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "指标分解"
        ordering = ["indicator", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit__isnull=False) ^ models.Q(user__isnull=False),
                                   name="review_assignment_one_assignee"),
            models.UniqueConstraint(fields=["indicator", "unit"], condition=models.Q(unit__isnull=False),
                                    name="review_assignment_unit_once"),
            models.UniqueConstraint(fields=["indicator", "user"], condition=models.Q(user__isnull=False),
                                    name="review_assignment_user_once"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} → {self.assignee_name}"

    @property
    def assignee(self):
        return self.unit or self.user

    @property
    def assignee_name(self) -> str:
        if self.unit_id:
            return str(self.unit)
        return (self.user.get_full_name() or self.user.username) if self.user_id else ""


class EvidenceDecision(models.TextChoices):
    PENDING = "pending", "待审核"
    ACCEPTED = "accepted", "已采纳"
    RETURNED = "returned", "已退回"


class Evidence(models.Model):
    """One version of an assignee's hand-in: a short statement and files. Never edited: a new version replaces
    it; the office's decision is recorded on the version it read."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="evidence",
                                   verbose_name="指标分解")
    version = models.PositiveIntegerField("版本")
    statement = models.TextField("情况说明")
    files = models.ManyToManyField("documents.StoredFile", blank=True, related_name="+", verbose_name="佐证材料")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField("审核结果", max_length=12, choices=EvidenceDecision.choices,
                                default=EvidenceDecision.PENDING)
    reason = models.TextField("退回理由", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "迎检材料"
        ordering = ["assignment", "-version"]
        constraints = [models.UniqueConstraint(fields=["assignment", "version"], name="review_evidence_version_once")]

    def __str__(self) -> str:
        return f"{self.assignment} 第{self.version}版"


class PackageStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ReviewPackage(models.Model):
    """The 印证材料 package: one zip built in the background (a folder per indicator, 目录 .xlsx/.docx, SHA-256
    manifest)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="packages", verbose_name="迎检")
    status = models.CharField("状态", max_length=12, choices=PackageStatus.choices, default=PackageStatus.QUEUED)
    attempt = models.PositiveSmallIntegerField(default=1)  # the run a worker builds; a lost worker's retry is the next
    done = models.PositiveIntegerField("已处理文件数", default=0)
    total = models.PositiveIntegerField("文件总数", default=0)
    file = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name="材料包")
    # files that are missing from storage or whose bytes do not match their SHA-256: [{"path", "reason", "note"}]
    problems = models.JSONField("异常文件", default=list, blank=True)
    error = models.TextField("错误", blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "印证材料包"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.review} 印证材料包"


class SiteVisit(models.Model):
    """One line of the site-visit schedule (实地督查日程)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="visits", verbose_name="迎检")
    day = models.DateField("日期")
    starts = models.TimeField("开始时间", null=True, blank=True)
    ends = models.TimeField("结束时间", null=True, blank=True)
    activity = models.CharField("内容", max_length=200, help_text="汇报会、查阅资料、实地查看、座谈、反馈会…")
    place = models.CharField("地点", max_length=200, blank=True)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="查看学校")
    people = models.CharField("陪同/参加人员", max_length=200, blank=True)

    class Meta:
        verbose_name = "实地督查日程"
        ordering = ["review", "day", "starts", "id"]

    def __str__(self) -> str:
        return f"{self.day} {self.activity}"


class ReviewProblem(models.Model):
    """One row of the 问题清单 the higher level returned, and the finding it became (source 上级督导)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="problems", verbose_name="迎检")
    row = models.PositiveIntegerField("行号")
    indicator_code = models.CharField("指标编号", max_length=32, blank=True)
    text = models.TextField("问题")
    requirement = models.TextField("整改要求", blank=True)
    finding = models.OneToOneField("rectification.Finding", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="问题")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "上级反馈问题"
        ordering = ["review", "row"]

    def __str__(self) -> str:
        return self.text[:40]
