"""督学 (inspectors), the 专家库 (expert pool), 学校督导管理员 (school supervision administrators), training files and
annual reviews."""

from django.apps import apps
from django.conf import settings
from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class InspectorKind(models.TextChoices):
    FULL_TIME = "fulltime", "专职"
    PART_TIME = "parttime", "兼职"


class InspectorSource(models.TextChoices):
    PRINCIPAL = "principal", "在职校长"
    TEACHER = "teacher", "教师"
    RESEARCHER = "researcher", "教研员"
    OFFICIAL = "official", "机关干部"
    RETIRED = "retired", "退休人员"


class InspectorStatus(models.TextChoices):
    ACTIVE = "active", "在岗"
    SUSPENDED = "suspended", "暂停"
    EXITED = "exited", "退出"


class InspectorGrade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    PASS = "pass", "合格"
    BASIC = "basic", "基本合格"
    FAIL = "fail", "不合格"


class ExpertCategory(models.TextChoices):
    PRESCHOOL = "preschool", "学前"
    COMPULSORY = "compulsory", "义务教育"
    SENIOR = "senior", "高中"
    VOCATIONAL = "vocational", "职教"
    SPECIAL = "special", "特教"
    FINANCE = "finance", "财务"
    CONSTRUCTION = "construction", "基建"
    SAFETY = "safety", "安全"
    HEALTH = "health", "卫生"
    MORAL = "moral", "德育"
    RESEARCH = "research", "教学教研"
    MANAGEMENT = "management", "学校管理"


class InspectorQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        assignment = apps.get_model("zones", "Assignment")
        serving = assignment.objects.filter(school_id__in=scope.school_ids, ended_on__isnull=True)
        return prefix_q("region__code", scope.region_prefixes) | models.Q(pk__in=serving.values("inspector_id"))

    def own_q(self, user) -> models.Q:
        """Region staff see their region's inspectors; schools see theirs; an inspector always sees themself."""
        return models.Q(user_id=user.pk)


class Inspector(models.Model):
    card_no = models.CharField("督学证号", max_length=32, unique=True)
    name = models.CharField("姓名", max_length=64, db_index=True)
    gender = models.CharField("性别", max_length=2, blank=True, choices=[("男", "男"), ("女", "女")])
    phone = models.CharField("联系电话", max_length=32)
    employer = models.CharField("工作单位", max_length=128, blank=True)
    position = models.CharField("职务/职称", max_length=64, blank=True)
    kind = models.CharField("类别", max_length=16, choices=InspectorKind.choices, db_index=True)
    source = models.CharField("来源", max_length=16, choices=InspectorSource.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="聘任地区")
    home_school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="staff_inspectors", verbose_name="本人所在学校",
                                    help_text="用于回避：不得担任本校的责任督学")
    retirement_date = models.DateField("退休日期", null=True, blank=True)
    appointed_on = models.DateField("首次聘任日期")
    term_start = models.DateField("本届聘期开始")
    term_no = models.PositiveSmallIntegerField("连续聘任届数", default=1)
    status = models.CharField("状态", max_length=16, choices=InspectorStatus.choices,
                              default=InspectorStatus.ACTIVE, db_index=True)
    status_reason = models.CharField("状态变更原因", max_length=255, blank=True)
    status_date = models.DateField("状态变更日期", null=True, blank=True)
    photo = models.ForeignKey("documents.StoredFile", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name="照片")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="inspector", verbose_name="登录账号")
    note = models.TextField("备注", blank=True)

    objects = InspectorQuerySet.as_manager()

    class Meta:
        verbose_name = "督学"
        ordering = ["region_id", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == InspectorStatus.ACTIVE


class ExpertQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", scope.region_prefixes)


class Expert(models.Model):
    name = models.CharField("姓名", max_length=64, db_index=True)
    phone = models.CharField("联系电话", max_length=32)
    id_key = models.CharField("专家编号", max_length=32, unique=True)
    employer = models.CharField("工作单位", max_length=128, blank=True)
    title = models.CharField("职称/职务", max_length=64, blank=True)
    categories = models.CharField("专业领域", max_length=255, help_text="逗号分隔的领域代码")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="入库地区")
    is_active = models.BooleanField("在库", default=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="expert_profile", verbose_name="登录账号")
    note = models.TextField("备注", blank=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        verbose_name = "评估专家"
        ordering = ["region_id", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def category_list(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]

    def get_categories_display(self) -> str:
        return "、".join(str(ExpertCategory(c).label) for c in self.category_list if c in ExpertCategory.values)


class SchoolSupervisorQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("school__region__code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)

    def own_q(self, user) -> models.Q:
        return models.Q(user_id=user.pk)


class SchoolSupervisor(models.Model):
    """学校督导管理员: one or two people at a school who receive its supervision tasks with the principal
    (their account holds the school role) and keep a training file (issue 24)."""

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="supervisors",
                               verbose_name="学校")
    name = models.CharField("姓名", max_length=64)
    phone = models.CharField("联系电话", max_length=32)
    position = models.CharField("职务", max_length=64, blank=True)
    appointed_on = models.DateField("任命日期")
    is_active = models.BooleanField("在任", default=True)
    ended_on = models.DateField("离任日期", null=True, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="school_supervisor", verbose_name="登录账号")
    note = models.TextField("备注", blank=True)

    objects = SchoolSupervisorQuerySet.as_manager()

    class Meta:
        verbose_name = "学校督导管理员"
        ordering = ["school_id", "-is_active", "name", "id"]

    def __str__(self) -> str:
        return self.name


class TrainingQuerySet(ScopedQuerySet):
    """A training record is seen with its trainee: the region's staff, the trainee's school, the trainee."""

    def scope_q(self, scope: Scope) -> models.Q:
        return (prefix_q("inspector__region__code", scope.region_prefixes)
                | prefix_q("expert__region__code", scope.region_prefixes)
                | prefix_q("supervisor__school__region__code", scope.region_prefixes)
                | models.Q(supervisor__school_id__in=scope.school_ids))

    def own_q(self, user) -> models.Q:
        return (models.Q(inspector__user_id=user.pk) | models.Q(expert__user_id=user.pk)
                | models.Q(supervisor__user_id=user.pk))


class Training(models.Model):
    """One training a person attended (the 培训档案): of an inspector, an expert or a 学校督导管理员 — exactly one
    of the three. Natural key (trainee, date, title). Records written from a training event's completion carry
    nothing else: the event's enrolment points here (workforce), so completion writes each record once."""

    inspector = models.ForeignKey(Inspector, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="trainings")
    expert = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.CASCADE, related_name="trainings")
    supervisor = models.ForeignKey(SchoolSupervisor, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="trainings")
    date = models.DateField("培训日期", db_index=True)
    title = models.CharField("培训名称", max_length=200)
    organizer = models.CharField("主办单位", max_length=128, blank=True)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    credits = models.DecimalField("学分", max_digits=5, decimal_places=1, default=0)

    objects = TrainingQuerySet.as_manager()

    class Meta:
        verbose_name = "培训记录"
        ordering = ["-date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["inspector", "date", "title"], name="uniq_training"),
            models.UniqueConstraint(fields=["expert", "date", "title"], name="uniq_training_expert"),
            models.UniqueConstraint(fields=["supervisor", "date", "title"], name="uniq_training_supervisor"),
            models.CheckConstraint(
                condition=(models.Q(inspector__isnull=False, expert__isnull=True, supervisor__isnull=True)
                           | models.Q(inspector__isnull=True, expert__isnull=False, supervisor__isnull=True)
                           | models.Q(inspector__isnull=True, expert__isnull=True, supervisor__isnull=False)),
                name="training_one_trainee"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def trainee(self):
        return self.inspector or self.expert or self.supervisor


class Review(models.Model):
    """The annual review (年度考核) of an inspector; one per year."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="reviews")
    year = models.PositiveSmallIntegerField("考核年度")
    grade = models.CharField("考核等次", max_length=16, choices=InspectorGrade.choices)
    comment = models.TextField("考核意见", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "年度考核"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["inspector", "year"], name="uniq_review_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_grade_display()}"
