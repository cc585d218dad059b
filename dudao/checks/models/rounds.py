"""专项检查: a short check round with a flat checklist, its targets and who checks each one."""

from django.conf import settings
from django.db import models

from dudao.checks.models._scope import RegionScopedQuerySet
from dudao.core.scope import Scope, prefix_q
from dudao.core.workflow import TransitionRecord, Workflow

__all__ = [
    "AnswerKind", "CheckItem", "CheckKind", "CheckRound", "CheckTarget", "ChecklistTemplate", "ROUND_WORKFLOW",
    "RoundStatus", "RoundTransition", "TargetRule", "TargetStatus",
]


class CheckKind(models.TextChoices):
    OPENING = "opening", "开学检查"
    HOLIDAY_SAFETY = "holiday_safety", "节前安全稳定检查"
    EXAM = "exam", "期末考试巡查"
    SUMMER_TUTORING = "summer_tutoring", "暑期违规补课检查"
    ENROLMENT = "enrolment", "招生收费检查"
    CLASS_SIZE = "class_size", "化解大班额检查"
    EPIDEMIC = "epidemic", "疫情防控检查"
    CANTEEN = "canteen", "食堂（食品安全）检查"
    PRIVATE = "private", "民办学校规范办学检查"
    TRAINING = "training", "校外培训机构检查"
    OTHER = "other", "其他专项检查"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "检查中"
    CLOSED = "closed", "已结束"


ROUND_WORKFLOW = Workflow("专项检查", {
    RoundStatus.DRAFT: [RoundStatus.OPEN],
    RoundStatus.OPEN: [RoundStatus.CLOSED],
    RoundStatus.CLOSED: [RoundStatus.OPEN],
}, RoundStatus.choices, backward=[(RoundStatus.CLOSED, RoundStatus.OPEN)])


class TargetRule(models.TextChoices):
    TYPE = "type", "按学校类型"
    TOWN = "town", "按乡镇（街道）"
    SAMPLE = "sample", "随机抽取"
    LIST = "list", "指定名单"
    TRAINING = "training", "校外培训机构"


class AnswerKind(models.TextChoices):
    YES_NO = "yes_no", "是 / 否 / 不适用"
    NUMBER = "number", "数值"
    TEXT = "text", "文字记录"


class ChecklistTemplate(models.Model):
    """A checklist the office starts a round from. Shipped samples (region null, `code` set) are editable copies,
    not official texts; an office's own templates belong to its region. `items` is a list of item dicts with the
    fields of CheckItem (text, answer_kind, number_min, number_max, unit, photo_required, veto, finding_text,
    finding_category, severity, guidance)."""

    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               verbose_name="所属区划")
    code = models.CharField("样例代码", max_length=32, blank=True, db_index=True)
    kind = models.CharField("检查类别", max_length=24, choices=CheckKind.choices)
    title = models.CharField("名称", max_length=128)
    description = models.TextField("说明", blank=True)
    items = models.JSONField("检查项", default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "检查清单模板"
        ordering = ["kind", "title", "id"]

    def __str__(self) -> str:
        return self.title


class RoundQuerySet(RegionScopedQuerySet):
    through_many = True

    def own_q(self, user) -> models.Q:
        """An inspector sees the rounds they check a target in."""
        return models.Q(targets__inspector__user_id=user.pk)


class CheckRound(models.Model):
    """专项检查: title, kind, time window, a flat checklist and its targets."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, verbose_name="组织区划")
    title = models.CharField("检查名称", max_length=128)
    kind = models.CharField("检查类别", max_length=24, choices=CheckKind.choices, db_index=True)
    description = models.TextField("检查说明", blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", db_index=True)
    status = models.CharField("状态", max_length=16, choices=RoundStatus.choices, default=RoundStatus.DRAFT,
                              db_index=True)
    # How the targets were chosen, kept so the page can say it: rule + its parameters (types, towns, sample size
    # and seed, the list), e.g. {"types": ["primary"], "size": 20, "seed": 7}.
    target_rule = models.CharField("检查对象确定方式", max_length=16, choices=TargetRule.choices, blank=True)
    target_params = models.JSONField("检查对象参数", default=dict, blank=True)
    template = models.ForeignKey(ChecklistTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="来源模板")
    summary = models.TextField("领导摘要", blank=True)
    bulletin = models.ForeignKey("rectification.Publication", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="检查通报")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    objects = RoundQuerySet.as_manager()

    class Meta:
        verbose_name = "专项检查"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return self.title


class RoundTransition(TransitionRecord):
    round = models.ForeignKey(CheckRound, on_delete=models.CASCADE, related_name="transitions")

    subject_field = "round"
    workflow = ROUND_WORKFLOW

    class Meta(TransitionRecord.Meta):
        verbose_name = "专项检查状态变更"


class CheckItem(models.Model):
    """One line of a round's checklist. A yes/no item fails on 否; a number fails outside [number_min, number_max];
    a text item never fails. A failed item raises `finding_text` (category `finding_category`) as a finding."""

    round = models.ForeignKey(CheckRound, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField("序号", default=0)
    text = models.CharField("检查内容", max_length=255)
    guidance = models.TextField("检查方法与要点", blank=True)
    answer_kind = models.CharField("填写方式", max_length=8, choices=AnswerKind.choices, default=AnswerKind.YES_NO)
    number_min = models.DecimalField("合格下限", max_digits=12, decimal_places=2, null=True, blank=True)
    number_max = models.DecimalField("合格上限", max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField("单位", max_length=16, blank=True)
    photo_required = models.BooleanField("不合格须拍照", default=False)
    veto = models.BooleanField("一票否决", default=False)
    finding_text = models.CharField("不合格时登记的问题", max_length=255, blank=True)
    finding_category = models.CharField("问题类别", max_length=48, blank=True)
    severity = models.PositiveSmallIntegerField("严重程度", default=1, help_text="1 一般，2 较重，3 严重")

    class Meta:
        verbose_name = "检查项"
        ordering = ["round", "order", "id"]

    def __str__(self) -> str:
        return self.text


class TargetStatus(models.TextChoices):
    PENDING = "pending", "未检查"
    DONE = "done", "已检查"


class TargetQuerySet(RegionScopedQuerySet):
    region_lookup = "region_code"

    def scope_q(self, scope: Scope) -> models.Q:
        return prefix_q("region_code", scope.region_prefixes) | models.Q(school_id__in=scope.school_ids)

    def own_q(self, user) -> models.Q:
        return models.Q(inspector__user_id=user.pk)


class CheckTarget(models.Model):
    """A school (or training institution) in a round, and the inspector who checks it (its 责任督学 by default)."""

    round = models.ForeignKey(CheckRound, on_delete=models.CASCADE, related_name="targets")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="check_targets",
                               verbose_name="检查对象")
    region_code = models.CharField("所在区划", max_length=12, db_index=True)  # the school's town, for grouping
    inspector = models.ForeignKey("people.Inspector", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="check_targets", verbose_name="检查督学")
    status = models.CharField("状态", max_length=8, choices=TargetStatus.choices, default=TargetStatus.PENDING)
    done_at = models.DateTimeField("检查时间", null=True, blank=True)
    failed_count = models.PositiveIntegerField("不合格项数", default=0)
    veto_failed = models.BooleanField("一票否决项不合格", default=False)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "检查对象"
        ordering = ["round", "region_code", "school"]
        constraints = [models.UniqueConstraint(fields=["round", "school"], name="uniq_check_target")]
        indexes = [models.Index(fields=["round", "status"]), models.Index(fields=["inspector", "status"])]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.school_id}"
