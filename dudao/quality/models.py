"""学业质量监测 (seed 000: 区级学业质量监测 "2+1", 春秋两期) and 增值评价: rounds, their subjects and schools, the
imported pupil scores (pseudonymous student ids, no names), generated reports and uploaded national/city reports.

Scope: a round belongs to a county (`region`); the county's office and leaders see it, and so do the schools in it
(and the inspectors those schools are assigned to). Pupil-level rows are office-only: `StudentScore` is scoped by
region alone, never by school, so a school user's `visible_to` is empty; schools read aggregates from selectors."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from dudao.core.roles import Role
from dudao.core.scope import Scope, ScopedQuerySet, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow


class Term(models.TextChoices):
    AUTUMN = "autumn", "秋季"
    SPRING = "spring", "春季"


class SchoolSelection(models.TextChoices):
    TYPE = "type", "按办学类型（全部学校）"
    TOWN = "town", "按乡镇（街道）（全部学校）"
    SAMPLE = "sample", "随机抽样"
    LIST = "list", "指定或导入名单（国家、市级样本校）"


class RoundStatus(models.TextChoices):
    PLANNED = "planned", "筹备中"
    SCORED = "scored", "成绩已导入"
    PUBLISHED = "published", "结果已发布"


ROUND_WORKFLOW = Workflow("质量监测轮次", {
    RoundStatus.PLANNED: {RoundStatus.SCORED},
    RoundStatus.SCORED: {RoundStatus.PUBLISHED},
    RoundStatus.PUBLISHED: set(),
}, RoundStatus.choices)


class RoundQuerySet(ScopedQuerySet):
    """The county's office and leaders by region; a school (or its inspector) for the rounds it is in."""

    through_many = True

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", scope.region_prefixes) | models.Q(round_schools__school_id__in=scope.school_ids)


class Round(models.Model):
    """One monitoring round: a county, a school year and term, a grade, its subjects and schools, a test date.
    `year` is the school year's first calendar year (2025 = 2025—2026学年; its 春季 term is in 2026). The pupils of
    grade g in school year y are the cohort y − g, which links a round to earlier rounds of the same pupils."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="区县")
    title = models.CharField("名称", max_length=128)
    year = models.PositiveSmallIntegerField("学年")
    term = models.CharField("学期", max_length=8, choices=Term.choices)
    grade = models.PositiveSmallIntegerField("年级")
    test_date = models.DateField("测试日期")
    selection = models.CharField("学校范围", max_length=8, choices=SchoolSelection.choices)
    # What the selection was: {"school_types": [...]}, {"town": "990101001"}, {"size": 12, "school_types": [...]}.
    selection_params = models.JSONField("范围条件", default=dict, blank=True)
    # A sampled round: the seed and a digest of the population (ids ascending), as 回头看 records them.
    sample_seed = models.BigIntegerField("抽样随机种子", null=True, blank=True)
    population_size = models.PositiveIntegerField("抽样总体数量", default=0)
    population_digest = models.CharField("抽样总体摘要", max_length=64, blank=True)
    # "2+1": the pool the third subject is drawn from ([{"name", "full_marks"}…]), the seed and when it was drawn.
    draw_pool = models.JSONField("随机学科备选", default=list, blank=True)
    draw_seed = models.BigIntegerField("抽取随机种子", null=True, blank=True)
    drawn_at = models.DateTimeField("抽取时间", null=True, blank=True)
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="抽取人")
    status = models.CharField("状态", max_length=12, choices=RoundStatus.choices, default=RoundStatus.PLANNED)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = "质量监测轮次"
        ordering = ["-year", "-test_date", "-id"]
        indexes = [models.Index(fields=["region", "year", "term", "grade"], name="quality_round_cohort")]

    def __str__(self) -> str:
        return self.title

    @property
    def cohort(self) -> int:
        """The pupils' cohort: the school year in which they would have been in grade 0."""
        return self.year - self.grade

    @property
    def order_key(self) -> tuple[int, int]:
        """Chronological order: a school year's 秋季 term comes before its 春季 term."""
        return (self.year, 0 if self.term == Term.AUTUMN else 1)

    def announced(self, today) -> bool:
        """The drawn subject is told to schools only from the test date on (the office sees it at once)."""
        return today >= self.test_date


class RoundTransition(TransitionRecord):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "round"
    workflow = ROUND_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "质量监测轮次状态变更"


class SubjectKind(models.TextChoices):
    FIXED = "fixed", "固定学科"
    DRAWN = "drawn", "随机抽取学科"


class RoundSubject(models.Model):
    """A subject of a round with its full marks and lines (absolute scores; defaults 60%/85%/40% of full marks).
    A 体质健康 subject is banded by 国家学生体质健康标准 (优秀 ≥90, 良好 80–89.9, 及格 60–79.9, 不及格 <60)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="subjects", verbose_name="轮次")
    name = models.CharField("学科", max_length=32)
    full_marks = models.FloatField("满分")
    pass_line = models.FloatField("合格线")
    excellent_line = models.FloatField("优秀线")
    low_line = models.FloatField("低分线")
    kind = models.CharField("类别", max_length=8, choices=SubjectKind.choices, default=SubjectKind.FIXED)
    is_fitness = models.BooleanField("体质健康（按国家标准分等级）", default=False)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "监测学科"
        ordering = ["round", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "name"], name="quality_subject_once")]

    def __str__(self) -> str:
        return self.name


class SchoolSource(models.TextChoices):
    SELECTED = "selected", "按范围选入"
    SAMPLED = "sampled", "随机抽中"
    IMPORTED = "imported", "名单导入"


class RoundSchool(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="round_schools", verbose_name="轮次")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="quality_rounds",
                               verbose_name="学校")
    source = models.CharField("来源", max_length=8, choices=SchoolSource.choices, default=SchoolSource.SELECTED)

    class Meta:
        verbose_name = "监测学校"
        ordering = ["round", "school__code"]
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="quality_school_once")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.school_id}"


class RegionQuerySet(ScopedQuerySet):
    """Office work of a county: seen by its office only (pupil rows, imports, batches), not by leaders."""

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("round__region__code", scope.restricted_to(Role.OFFICE).region_prefixes)


class ScoreImport(models.Model):
    """One accepted 学生成绩 file. It replaced the round's rows of the (school, subject) pairs it holds."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="imports", verbose_name="轮次")
    filename = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    rows = models.PositiveIntegerField("行数")
    replaced = models.PositiveIntegerField("替换已有记录数", default=0)
    prior_from_file = models.PositiveIntegerField("前测成绩（文件）", default=0)
    prior_linked = models.PositiveIntegerField("前测成绩（按学生编号关联往期）", default=0)
    prior_missing = models.PositiveIntegerField("无前测成绩", default=0)
    linked_round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name="关联的往期轮次")
    warnings = models.JSONField("已确认的提示", default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="导入人")
    created_at = models.DateTimeField("导入时间", auto_now_add=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "成绩导入"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.rows} 行）"


class Gender(models.TextChoices):
    MALE = "男", "男"
    FEMALE = "女", "女"


class PriorSource(models.TextChoices):
    FILE = "file", "文件中的前测成绩"
    LINKED = "linked", "往期同一学生编号"


class StudentScore(models.Model):
    """One pupil's score in one subject of one round. `student` is the pseudonym the testing centre assigns
    (学生编号); no name is ever stored."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="scores", verbose_name="轮次")
    subject = models.ForeignKey(RoundSubject, on_delete=models.CASCADE, related_name="scores", verbose_name="学科")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+", verbose_name="学校")
    batch = models.ForeignKey(ScoreImport, on_delete=models.PROTECT, related_name="scores", verbose_name="导入批次")
    student = models.CharField("学生编号", max_length=64)
    score = models.FloatField("成绩")
    prior = models.FloatField("前测成绩", null=True, blank=True)
    prior_source = models.CharField("前测来源", max_length=8, choices=PriorSource.choices, blank=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    class_name = models.CharField("班级", max_length=32, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "学生成绩"
        constraints = [models.UniqueConstraint(fields=["round", "subject", "student"], name="quality_score_once")]
        indexes = [models.Index(fields=["round", "subject", "school"], name="quality_score_subject_school"),
                   models.Index(fields=["student"], name="quality_score_student")]

    def __str__(self) -> str:
        return f"{self.student} {self.subject_id} {self.score}"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ReportBatch(models.Model):
    """A background run that renders the district 监测报告 and every school's report of a round (Word and PDF)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="report_batches", verbose_name="轮次")
    status = models.CharField("状态", max_length=8, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    total = models.PositiveIntegerField("总数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    error = models.TextField(blank=True)
    attempt = models.PositiveIntegerField("尝试次数", default=1)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = "监测报告批量生成"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


class ReportQuerySet(ScopedQuerySet):
    """District reports: the county's staff. A school's report: also that school (and its inspector)."""

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("round__region__code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)


class ReportFormat(models.TextChoices):
    DOCX = "docx", "Word"
    PDF = "pdf", "PDF"


class Report(models.Model):
    """One generated report file: the district's (no school) or one school's, in one format. A new batch adds
    new rows; the latest per (round, school, format) is the one shown."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reports", verbose_name="轮次")
    batch = models.ForeignKey(ReportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="学校")
    format = models.CharField("格式", max_length=4, choices=ReportFormat.choices)
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = "监测报告"
        ordering = ["round", "school__code", "format", "-created_at"]

    def __str__(self) -> str:
        return f"{self.round_id} {self.school_id or '全区'} {self.format}"


class ExternalLevel(models.TextChoices):
    NATIONAL = "national", "国家义务教育质量监测"
    PROVINCE = "province", "省级质量监测"
    CITY = "city", "市级质量监测"


class ExternalReportQuerySet(ScopedQuerySet):
    """A school's national/city monitoring report: that school and the office and leaders of its region, nobody
    else (not its inspector: the national programme restricts these reports to the school and the administration)."""

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("school__region__code", scope.region_prefixes)

    def own_q(self, user) -> models.Q:
        return models.Q(school_id__in=user.role_assignments.filter(role=Role.SCHOOL).values("school_id"))


class ExternalReport(models.Model):
    """A national, provincial or city monitoring report (PDF) uploaded for one school."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+", verbose_name="学校")
    level = models.CharField("级别", max_length=8, choices=ExternalLevel.choices)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("标题", max_length=128)
    file = models.ForeignKey("documents.StoredFile", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="上传人")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = ExternalReportQuerySet.as_manager()

    class Meta:
        verbose_name = "国家（省、市）质量监测报告"
        ordering = ["-year", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.title
