"""征集评选：作品、专家评分、排名、获奖与文集 (research, area calls).

A call (ResearchCall) of a region asks eligible people for entries of one kind (论文, 典型案例, 研究成果, 双减成果) by a
deadline (Asia/Shanghai, the whole deadline day counts); experts assigned to it score the entries anonymously with a
frozen framework of the region; the office ranks them (research/ranking.py), awards levels by quota, publishes the
result, records commendations, reports the winners upward and builds the anthology (文集)."""

from django.conf import settings
from django.db import models

from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow
from dudao.schools.models import School

__all__ = [
    "AnthologyStatus", "AwardLevel", "CALL_WORKFLOW", "KIND_CODE_WORD", "CallEntry", "CallEntryStatus", "CallExpert", "CallKind",
    "CallStatus", "CallTransition", "EntryScore", "QuotaBasis", "ResearchCall",
]


class CallKind(models.TextChoices):
    PAPER = "paper", "论文"
    CASE = "case", "典型案例"
    ACHIEVEMENT = "achievement", "研究成果"
    DOUBLE_REDUCTION = "double_reduction", "双减成果"


# The short word in an entry code (2026-案例-017): the code never names the author or the school.
KIND_CODE_WORD = {CallKind.PAPER: "论文", CallKind.CASE: "案例", CallKind.ACHIEVEMENT: "成果",
                  CallKind.DOUBLE_REDUCTION: "双减"}


class CallStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "征集中"
    REVIEWING = "reviewing", "评审中"
    RATED = "rated", "已评定"
    PUBLISHED = "published", "已公布"


CALL_WORKFLOW = Workflow("征集评选", {
    CallStatus.DRAFT: [CallStatus.OPEN],
    CallStatus.OPEN: [CallStatus.REVIEWING],
    CallStatus.REVIEWING: [CallStatus.RATED],
    CallStatus.RATED: [CallStatus.PUBLISHED, CallStatus.REVIEWING],
}, CallStatus.choices, backward=[(CallStatus.RATED, CallStatus.REVIEWING)])


class AwardLevel(models.TextChoices):
    FIRST = "first", "一等奖"
    SECOND = "second", "二等奖"
    THIRD = "third", "三等奖"
    MERIT = "merit", "优秀奖"


class QuotaBasis(models.TextChoices):
    COUNT = "count", "按名额（个）"
    SHARE = "share", "按比例（%）"


class AnthologyStatus(models.TextChoices):
    NONE = "", "未生成"
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已生成"
    FAILED = "failed", "生成失败"


def _ancestor_codes(code: str) -> set[str]:
    """The region codes of a region and those above it (a town 990102001 → 990102, 990100, 990000)."""
    code = code[:6] if len(code) >= 6 else code.ljust(6, "0")
    return {code, code[:4] + "00", code[:2] + "0000"}


class CallQuerySet(ScopedQuerySet):
    """A call is an open invitation: the office and leaders of its region or above see it, and so does every user
    whose scope lies inside its region (a town's government, a school, the inspector of a school there). Experts
    assigned to it and the users who submitted to it see it too."""

    through_many = True

    def scope_q(self, scope: Scope) -> models.Q:
        codes: set[str] = set()
        for prefix in scope.region_prefixes:
            codes |= _ancestor_codes(prefix)
        if scope.school_ids:
            for region_code in School.objects.filter(pk__in=scope.school_ids).values_list("region_id", flat=True):
                codes |= _ancestor_codes(region_code)
        return prefix_q("region__code", scope.region_prefixes) | models.Q(region__code__in=sorted(codes))

    def own_q(self, user) -> models.Q:
        return models.Q(experts__expert__user_id=user.pk) | models.Q(entries__submitter_id=user.pk)


class ResearchCall(models.Model):
    """征集评选: one call of a region for entries of one kind."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="组织区划")
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("名称", max_length=128)
    kind = models.CharField("征集类别", max_length=20, choices=CallKind.choices)
    description = models.TextField("征集说明", blank=True)
    categories = models.JSONField("作品类别", default=list, help_text="督导室命名的类别，如：德育、课堂教学、课后服务")
    allow_inspectors = models.BooleanField("督学可投稿", default=True)
    allow_schools = models.BooleanField("学校可投稿", default=True)
    allow_offices = models.BooleanField("督导室可投稿", default=False)
    opens_on = models.DateField("开始日期")
    deadline = models.DateField("截止日期", db_index=True, help_text="北京时间当天 24:00 截止")
    framework = models.ForeignKey("frameworks.Framework", on_delete=models.PROTECT, related_name="+",
                                  verbose_name="评分指标体系")
    quota_basis = models.CharField("名额方式", max_length=8, choices=QuotaBasis.choices, default=QuotaBasis.COUNT)
    quota_per_category = models.BooleanField("按类别分别评奖", default=False)
    quota_first = models.PositiveIntegerField("一等奖", default=0)
    quota_second = models.PositiveIntegerField("二等奖", default=0)
    quota_third = models.PositiveIntegerField("三等奖", default=0)
    quota_merit = models.PositiveIntegerField("优秀奖", default=0)
    status = models.CharField("状态", max_length=16, choices=CallStatus.choices, default=CallStatus.DRAFT,
                              db_index=True)
    entry_seq = models.PositiveIntegerField("作品流水号", default=0)
    rated_at = models.DateTimeField("评定时间", null=True, blank=True)
    publication = models.ForeignKey("rectification.Publication", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="评选结果公开")
    submission = models.ForeignKey("planning.Submission", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="获奖名单报送")
    anthology_status = models.CharField("文集状态", max_length=8, choices=AnthologyStatus.choices, blank=True,
                                        default=AnthologyStatus.NONE)
    anthology_file = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name="文集")
    anthology_error = models.TextField("文集生成失败原因", blank=True)
    anthology_attempt = models.PositiveIntegerField("文集生成次数", default=0)
    anthology_at = models.DateTimeField("文集生成时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = "征集评选"
        ordering = ["-deadline", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def quotas(self) -> list[tuple[str, int]]:
        return [(AwardLevel.FIRST, self.quota_first), (AwardLevel.SECOND, self.quota_second),
                (AwardLevel.THIRD, self.quota_third), (AwardLevel.MERIT, self.quota_merit)]

    @property
    def eligibility_display(self) -> str:
        who = [label for ok, label in ((self.allow_inspectors, "督学"), (self.allow_schools, "学校"),
                                       (self.allow_offices, "督导室")) if ok]
        return "、".join(who) or "无"

    @property
    def quota_display(self) -> str:
        unit = "%" if self.quota_basis == QuotaBasis.SHARE else " 个"
        levels = "，".join(f"{AwardLevel(level).label} {n}{unit}" for level, n in self.quotas if n)
        return f"{'各类别分别' if self.quota_per_category else '全部作品统一'}：{levels or '未设名额'}"


class CallTransition(TransitionRecord):
    call = models.ForeignKey(ResearchCall, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "call"
    workflow = CALL_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "征集评选状态变更"


class CallEntryStatus(models.TextChoices):
    SUBMITTED = "submitted", "已提交"
    WITHDRAWN = "withdrawn", "已撤回"


class EntryQuerySet(ScopedQuerySet):
    """Entries with their authors: the office and leaders of the call's region (or above) see all of them; a
    school user the entries of their own school (a school role, not an inspector's assigned schools); the
    submitter their own. Experts never read entries through this queryset: they get the anonymised pages."""

    def scope_q(self, scope: Scope) -> models.Q:
        prefixes = sorted({p for role, p in scope.role_prefixes if role in (Role.OFFICE, Role.LEADER)})
        return prefix_q("call__region__code", prefixes)

    def own_q(self, user) -> models.Q:
        own_schools = RoleAssignment.objects.filter(user_id=user.pk, role=Role.SCHOOL).values("school_id")
        return models.Q(submitter_id=user.pk) | models.Q(school_id__in=own_schools)


class CallEntry(models.Model):
    """作品: one entry to a call, by a submitter and their typed co-authors, from a school or an office."""

    call = models.ForeignKey(ResearchCall, on_delete=models.CASCADE, related_name="entries")
    seq = models.PositiveIntegerField("流水号")
    code = models.CharField("作品编号", max_length=32, help_text="匿名评审用，如 2026-案例-017")
    title = models.CharField("作品标题", max_length=200)
    category = models.CharField("作品类别", max_length=64, blank=True)
    abstract = models.TextField("摘要")
    document = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="作品文档")
    submitter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="提交人")
    submitter_name = models.CharField("第一作者", max_length=64)
    co_authors = models.JSONField("合作者", default=list)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name="所在学校")
    origin_name = models.CharField("作者单位", max_length=128)
    submitted_as = models.CharField("投稿身份", max_length=16)  # inspector | school | office
    status = models.CharField("状态", max_length=12, choices=CallEntryStatus.choices,
                              default=CallEntryStatus.SUBMITTED, db_index=True)
    submitted_at = models.DateTimeField("提交时间")
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    mean_score = models.DecimalField("平均分", max_digits=6, decimal_places=2, null=True, blank=True)
    score_count = models.PositiveSmallIntegerField("评分专家数", default=0)
    rank = models.PositiveIntegerField("名次", null=True, blank=True)
    rank_note = models.CharField("排名说明", max_length=200, blank=True)
    award = models.CharField("奖项", max_length=8, choices=AwardLevel.choices, blank=True)
    award_computed = models.CharField("按名额应得奖项", max_length=8, choices=AwardLevel.choices, blank=True)
    award_reason = models.CharField("奖项调整理由", max_length=255, blank=True)
    commendation = models.ForeignKey("rectification.Commendation", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="表彰记录")

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = "征集作品"
        ordering = ["call", "seq"]
        constraints = [models.UniqueConstraint(fields=["call", "seq"], name="uniq_call_entry_seq")]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def authors(self) -> list[str]:
        return [self.submitter_name, *self.co_authors]

    @property
    def authors_display(self) -> str:
        return "、".join(self.authors)

    @property
    def is_docx(self) -> bool:
        return self.document.content_type.endswith("wordprocessingml.document")


class CallExpert(models.Model):
    """An expert assigned to a call: all entries, or the entries of some categories."""

    call = models.ForeignKey(ResearchCall, on_delete=models.CASCADE, related_name="experts")
    expert = models.ForeignKey("people.Expert", on_delete=models.PROTECT, related_name="+", verbose_name="评审专家")
    categories = models.JSONField("负责类别", default=list, help_text="空：全部作品")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("指派时间", auto_now_add=True)

    class Meta:
        verbose_name = "评审专家"
        ordering = ["call", "id"]
        constraints = [models.UniqueConstraint(fields=["call", "expert"], name="uniq_call_expert")]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.expert_id}"


class EntryScore(models.Model):
    """One expert's score of one entry: the value of each framework leaf and the 0–100 total."""

    entry = models.ForeignKey(CallEntry, on_delete=models.CASCADE, related_name="scores")
    expert = models.ForeignKey("people.Expert", on_delete=models.PROTECT, related_name="+", verbose_name="评审专家")
    values = models.JSONField("各项得分", default=dict)
    comment = models.TextField("评语", blank=True)
    total = models.DecimalField("总分", max_digits=6, decimal_places=2)
    submitted_at = models.DateTimeField("提交时间")
    updated_at = models.DateTimeField("修改时间")

    class Meta:
        verbose_name = "作品评分"
        ordering = ["entry", "expert"]
        constraints = [models.UniqueConstraint(fields=["entry", "expert"], name="uniq_entry_score")]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.expert_id}: {self.total}"
