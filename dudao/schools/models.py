"""Schools, their campuses, education groups and management centres."""

from django.conf import settings
from django.db import models

from dudao.core.scope import Scope, ScopedQuerySet, prefix_q


class SchoolType(models.TextChoices):
    KINDERGARTEN = "kindergarten", "幼儿园"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    NINE_YEAR = "nine_year", "九年一贯制学校"
    COMPLETE_SECONDARY = "complete_secondary", "完全中学"
    TWELVE_YEAR = "twelve_year", "十二年一贯制学校"
    SENIOR = "senior", "普通高中"
    VOCATIONAL = "vocational", "中等职业学校"
    SPECIAL = "special", "特殊教育学校"
    TEACHING_POINT = "teaching_point", "教学点"
    TRAINING = "training", "校外培训机构"


class SchoolStage(models.TextChoices):
    PRESCHOOL = "preschool", "学前"
    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中"
    VOCATIONAL = "vocational", "中职"
    SPECIAL = "special", "特教"


# The stages each type of school teaches; campuses may narrow this.
TYPE_STAGES: dict[str, tuple[str, ...]] = {
    SchoolType.KINDERGARTEN: (SchoolStage.PRESCHOOL,),
    SchoolType.PRIMARY: (SchoolStage.PRIMARY,),
    SchoolType.JUNIOR: (SchoolStage.JUNIOR,),
    SchoolType.NINE_YEAR: (SchoolStage.PRIMARY, SchoolStage.JUNIOR),
    SchoolType.COMPLETE_SECONDARY: (SchoolStage.JUNIOR, SchoolStage.SENIOR),
    SchoolType.TWELVE_YEAR: (SchoolStage.PRIMARY, SchoolStage.JUNIOR, SchoolStage.SENIOR),
    SchoolType.SENIOR: (SchoolStage.SENIOR,),
    SchoolType.VOCATIONAL: (SchoolStage.VOCATIONAL,),
    SchoolType.SPECIAL: (SchoolStage.SPECIAL,),
    SchoolType.TEACHING_POINT: (SchoolStage.PRIMARY,),
    SchoolType.TRAINING: (),
}


class Ownership(models.TextChoices):
    PUBLIC = "public", "公办"
    PRIVATE = "private", "民办"


class UrbanRural(models.TextChoices):
    URBAN = "urban", "城区"
    TOWN = "town", "镇区"
    RURAL = "rural", "乡村"


class SchoolQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", scope.region_prefixes) | models.Q(pk__in=scope.school_ids)


class ManagementCentreQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        own = School.objects.filter(pk__in=scope.school_ids).values("management_centre_id")
        return prefix_q("region__code", scope.region_prefixes) | models.Q(pk__in=own)

    def own_q(self, user) -> models.Q:
        return models.Q(contact=user)


class ManagementCentre(models.Model):
    """教管中心: manages the schools of one or more towns on behalf of the county bureau."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=128)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="所在区划")
    director = models.CharField("主任", max_length=64, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    # Who fills the centre's self-assessment when it is an inspection target, and the unit its findings go to.
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="联系人")
    competent_unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name="主管部门")

    objects = ManagementCentreQuerySet.as_manager()

    class Meta:
        verbose_name = "教管中心"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    """A school (or kindergarten, training institution), keyed by its 10-digit 学校标识码."""

    code = models.CharField("学校标识码", max_length=10, unique=True)
    name = models.CharField("学校名称", max_length=128, db_index=True)
    school_type = models.CharField("办学类型", max_length=24, choices=SchoolType.choices, db_index=True)
    ownership = models.CharField("举办者", max_length=16, choices=Ownership.choices, db_index=True)
    is_puhui = models.BooleanField("普惠性", default=False)
    urban_rural = models.CharField("城乡分类", max_length=16, choices=UrbanRural.choices, db_index=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="所在乡镇（街道）")
    competent_unit = models.ForeignKey(
        "regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT, verbose_name="主管部门"
    )
    management_centre = models.ForeignKey(
        ManagementCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="schools",
        verbose_name="教管中心",
    )
    address = models.CharField("地址", max_length=255, blank=True)
    principal = models.CharField("校长（园长）", max_length=64, blank=True)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    founded_year = models.PositiveSmallIntegerField("建校年份", null=True, blank=True)
    students_preschool = models.PositiveIntegerField("在园幼儿数", default=0)
    students_primary = models.PositiveIntegerField("小学在校生数", default=0)
    students_junior = models.PositiveIntegerField("初中在校生数", default=0)
    students_senior = models.PositiveIntegerField("高中在校生数", default=0)
    students_other = models.PositiveIntegerField("其他在校生数", default=0)
    classes_preschool = models.PositiveIntegerField("学前班级数", default=0)
    classes_primary = models.PositiveIntegerField("小学班级数", default=0)
    classes_junior = models.PositiveIntegerField("初中班级数", default=0)
    classes_senior = models.PositiveIntegerField("高中班级数", default=0)
    classes_other = models.PositiveIntegerField("其他班级数", default=0)
    # WGS-84 degrees (GCJ-02 from Chinese map apps is close enough for a county map); validated inside China's
    # bounds by schools.services. Both or neither.
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    latitude = models.DecimalField("纬度", max_digits=8, decimal_places=6, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = "学校"
        ordering = ["code"]
        indexes = [models.Index(fields=["region", "code"])]

    def __str__(self) -> str:
        return self.name

    @property
    def stages(self) -> tuple[str, ...]:
        return TYPE_STAGES[self.school_type]

    @property
    def total_students(self) -> int:
        return (self.students_preschool + self.students_primary + self.students_junior
                + self.students_senior + self.students_other)

    @property
    def total_classes(self) -> int:
        return (self.classes_preschool + self.classes_primary + self.classes_junior
                + self.classes_senior + self.classes_other)


class CampusQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("school__region__code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)


class Campus(models.Model):
    """A 校区 of a multi-campus school; natural key (school, name)."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="campuses")
    name = models.CharField("校区名称", max_length=128)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="所在乡镇（街道）")
    address = models.CharField("地址", max_length=255, blank=True)
    stages = models.CharField("学段", max_length=64, help_text="逗号分隔的学段代码")
    is_main = models.BooleanField("主校区", default=False)
    students = models.PositiveIntegerField("在校生数", default=0)

    objects = CampusQuerySet.as_manager()

    class Meta:
        verbose_name = "校区"
        ordering = ["school_id", "-is_main", "name"]
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="uniq_campus_name")]

    def __str__(self) -> str:
        return f"{self.school.name}（{self.name}）"

    @property
    def stage_list(self) -> list[str]:
        return [s for s in self.stages.split(",") if s]

    def get_stages_display(self) -> str:
        return "、".join(str(SchoolStage(s).label) for s in self.stage_list)


class GroupKind(models.TextChoices):
    GROUP = "group", "教育集团"
    DISTRICT = "district", "学区"


class EducationGroupQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        own = EducationGroup.members.through.objects.filter(school_id__in=scope.school_ids)
        return prefix_q("region__code", scope.region_prefixes) | models.Q(pk__in=own.values("educationgroup_id"))


class EducationGroup(models.Model):
    """教育集团 or 学区: a lead school and member schools that share resources."""

    code = models.CharField("编码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=128)
    kind = models.CharField("类别", max_length=16, choices=GroupKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="所在区划")
    lead_school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="led_groups",
        verbose_name="牵头学校",
    )
    members = models.ManyToManyField(School, related_name="education_groups", verbose_name="成员学校")

    objects = EducationGroupQuerySet.as_manager()

    class Meta:
        verbose_name = "教育集团（学区）"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ProjectType(models.TextChoices):
    STRONG = "strong", "强校工程"
    ENTRUSTED = "entrusted", "委托管理"
    MUTUAL = "mutual", "城乡互助成长"
    GROUP = "group", "集团化办学"
    OTHER = "other", "其他"


class ProjectRole(models.TextChoices):
    """A member school's role; the first of each pair leads (托管方, 牵头校, 帮扶校)."""

    TRUSTEE = "trustee", "托管方"
    TRUSTED = "trusted", "被托管方"
    LEAD = "lead", "牵头校"
    MEMBER = "member", "成员校"
    HELPER = "helper", "帮扶校"
    HELPED = "helped", "受援校"


LEADING_ROLES = (ProjectRole.TRUSTEE, ProjectRole.LEAD, ProjectRole.HELPER)


class ProjectQuerySet(ScopedQuerySet):
    """Region staff by region; member schools' users; the contact (own)."""

    through_many = True

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region__code", scope.region_prefixes) | models.Q(members__school_id__in=scope.school_ids)

    def own_q(self, user) -> models.Q:
        return models.Q(contact=user)


class Project(models.Model):
    """帮扶/改革项目 (强校工程, 委托管理, 城乡互助成长, 集团化办学…): member schools with roles over a period,
    goals and key figures; it may be an inspection target."""

    name = models.CharField("项目名称", max_length=128)
    project_type = models.CharField("项目类型", max_length=16, choices=ProjectType.choices, db_index=True)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name="县（区）")
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    contact = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="联系人")
    goals = models.TextField("项目目标", blank=True)
    # [{"label": "优秀率", "baseline": "20%", "target": "35%", "actual": ""}]
    key_figures = models.JSONField("关键指标", default=list, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = "帮扶项目"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.name


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members", verbose_name="项目")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="project_memberships",
                               verbose_name="学校")
    role = models.CharField("角色", max_length=16, choices=ProjectRole.choices)

    class Meta:
        verbose_name = "项目成员学校"
        ordering = ["project_id", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "school"], name="project_school_once")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.get_role_display()}"


# ---- 民办学校 and 校外培训机构: the registry fields of a private operator (issue 23) -------------------------

class LicenceScope(models.TextChoices):
    SUBJECT = "subject", "学科类"
    NON_SUBJECT = "non_subject", "非学科类"
    BOTH = "both", "学科类与非学科类"


class WhitelistStatus(models.TextChoices):
    LISTED = "listed", "已列入白名单"
    NOT_LISTED = "not_listed", "未列入白名单"
    REMOVED = "removed", "已移出白名单"


class InstitutionProfileQuerySet(ScopedQuerySet):
    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("school__region__code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)


class InstitutionProfile(models.Model):
    """办学许可 and what the office registers of a 民办学校/幼儿园 or 校外培训机构. The fund account is stored in
    full for the office's records and shown masked (`masked_account`)."""

    school = models.OneToOneField(School, on_delete=models.CASCADE, related_name="institution", verbose_name="机构")
    licence_no = models.CharField("办学许可证号", max_length=64, blank=True, db_index=True)
    licence_authority = models.CharField("发证机关", max_length=128, blank=True)
    licence_issued_on = models.DateField("发证日期", null=True, blank=True)
    licence_valid_until = models.DateField("有效期至", null=True, blank=True, db_index=True)
    scope_kind = models.CharField("办学范围", max_length=16, choices=LicenceScope.choices, blank=True)
    subjects = models.JSONField("培训科目（项目）", default=list, blank=True)
    whitelist = models.CharField("白名单状态", max_length=12, choices=WhitelistStatus.choices, blank=True)
    fee_standard = models.TextField("收费标准", blank=True)
    fund_bank = models.CharField("资金监管银行", max_length=128, blank=True)
    fund_account = models.CharField("资金监管账户", max_length=40, blank=True)
    insurance = models.CharField("保险（险种、承保公司）", max_length=255, blank=True)
    insurance_valid_until = models.DateField("保险有效期至", null=True, blank=True)
    legal_representative = models.CharField("举办者（法定代表人）", max_length=64, blank=True)
    premises_address = models.CharField("办学场所地址", max_length=255, blank=True)
    premises_area = models.DecimalField("场所面积（平方米）", max_digits=10, decimal_places=1, null=True, blank=True)
    premises_owned = models.BooleanField("场所为自有产权", null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = InstitutionProfileQuerySet.as_manager()

    class Meta:
        verbose_name = "民办机构登记信息"
        ordering = ["school"]

    def __str__(self) -> str:
        return f"{self.school_id}: {self.licence_no}"

    @property
    def masked_account(self) -> str:
        """The fund account as views show it: the last four digits only."""
        return mask_account(self.fund_account)


def mask_account(account: str) -> str:
    """A fund account as records, pages, exports and the API show it: ****1234."""
    account = (account or "").replace(" ", "")
    return f"****{account[-4:]}" if len(account) > 4 else ("****" if account else "")
