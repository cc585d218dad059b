"""Writes on inspectors, experts, training records and annual reviews. Each checks scope, validates and
leaves one audit record in the same transaction."""

import datetime
import decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError
from dudao.core.policy import policy_value
from dudao.core.registries import run_hooks
from dudao.core.scope import require_office_for
from dudao.documents.models import FileKind
from dudao.documents.services import file_store
from dudao.people import engine
from dudao.people.models import (
    Expert,
    ExpertCategory,
    Inspector,
    InspectorGrade,
    InspectorKind,
    InspectorSource,
    InspectorStatus,
    Review,
    Training,
)
from dudao.regions.models import RegionLevel

INSPECTOR_FIELDS = [
    "card_no", "name", "gender", "phone", "employer", "position", "kind", "source", "region_id", "home_school_id",
    "retirement_date", "appointed_on", "term_start", "term_no", "user_id", "note",
]
EXPERT_FIELDS = ["id_key", "name", "phone", "employer", "title", "categories", "region_id", "is_active", "user_id", "note"]


def _require_office(actor, region_code: str) -> None:
    require_office_for(actor, region_code, "您无权管理该地区的督学和专家。")


def _clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        messages = []
        for name, errors in exc.message_dict.items():
            label = obj._meta.get_field(name).verbose_name if name != "__all__" else ""
            messages.append(f"{label}：{'，'.join(errors)}" if label else "，".join(errors))
        raise ApplicationError("；".join(messages)) from None


def validate_inspector(inspector: Inspector, today: datetime.date) -> None:
    """Rules shared by the form and the import (the import reports them per row)."""
    for message in inspector_problems(inspector, today):
        raise ApplicationError(message)


def inspector_problems(inspector: Inspector, today: datetime.date) -> list[str]:
    problems = []
    if inspector.region.level not in (RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE):
        problems.append("督学的聘任地区应为县（区）或以上的行政区划。")
    if inspector.source == InspectorSource.RETIRED and inspector.retirement_date is None:
        problems.append("来源为“退休人员”的督学必须填写退休日期。")
    if inspector.retirement_date and inspector.retirement_date > today and inspector.source == InspectorSource.RETIRED:
        problems.append("退休日期晚于今天，来源不能是“退休人员”。")
    if inspector.term_start and inspector.appointed_on and inspector.term_start < inspector.appointed_on:
        problems.append("本届聘期开始日期不能早于首次聘任日期。")
    if inspector.appointed_on and inspector.appointed_on > today:
        problems.append("首次聘任日期不能晚于今天。")
    max_terms = int(policy_value("people.parttime_max_terms", inspector.region_id))
    if inspector.kind == InspectorKind.PART_TIME and not 1 <= inspector.term_no <= max_terms:
        problems.append(f"兼职督学连续聘任届数应在 1 到 {max_terms} 之间。")
    if inspector.home_school_id and not inspector.home_school.region_id.startswith(inspector.region_id[:6]):
        problems.append("本人所在学校不在督学的聘任地区内。")
    return problems


@transaction.atomic
def inspector_save(*, actor, inspector: Inspector | None = None, photo=None, **fields) -> Inspector:
    """Create (inspector=None) or update an inspector; a new photo is checked and stored as a new file."""
    creating = inspector is None
    before = None if creating else snapshot(inspector)
    if not creating:
        _require_office(actor, inspector.region_id)
    inspector = inspector or Inspector(status=InspectorStatus.ACTIVE)
    for name, value in fields.items():
        if name not in INSPECTOR_FIELDS:
            raise ApplicationError(f"不能修改字段：{name}")
        setattr(inspector, name, value)
    inspector.card_no = (inspector.card_no or "").strip()
    _require_office(actor, inspector.region_id)
    if Inspector.objects.filter(card_no=inspector.card_no).exclude(pk=inspector.pk).exists():
        raise ApplicationError(f"督学证号 {inspector.card_no} 已被其他督学使用。")
    if inspector.user_id and Inspector.objects.filter(user_id=inspector.user_id).exclude(pk=inspector.pk).exists():
        raise ApplicationError("该登录账号已关联其他督学。")
    validate_inspector(inspector, timezone.localdate())
    if photo is not None:
        inspector.photo = file_store(actor=actor, upload=photo, kind=FileKind.IMAGE, region_code=inspector.region_id)
    _clean(inspector)
    inspector.save()
    if not creating and inspector.home_school_id:
        run_hooks("inspector_saved", inspector=inspector)  # zones: no assignment at the home school
    after = snapshot(inspector)
    if inspector.user_id:
        # One name for the person: the registered name (督学名录) is also the account's, so teams, logs and the
        # navigation bar show the name printed on visit records and the school's plaque.
        user = inspector.user
        if user.get_full_name() != inspector.name:
            user.first_name, user.last_name = inspector.name, ""
            user.save(update_fields=["first_name", "last_name"])
            after["account_full_name"] = inspector.name
    audit_record(actor=actor, action="inspector.create" if creating else "inspector.update", obj=inspector,
                 region_code=inspector.region_id, before=before, after=after)
    return inspector


@transaction.atomic
def inspector_set_status(*, actor, inspector: Inspector, status: str, reason: str, date: datetime.date) -> Inspector:
    """Suspend, reinstate or exit an inspector; leaving active service ends their current school assignments."""
    _require_office(actor, inspector.region_id)
    if status not in InspectorStatus.values:
        raise ApplicationError(f"未知状态：{status}")
    if status == inspector.status:
        raise ApplicationError(f"该督学已是“{InspectorStatus(status).label}”状态。")
    if inspector.status == InspectorStatus.EXITED:
        raise ApplicationError("已退出的督学不能恢复，请重新聘任（新建督学记录并办理聘任）。")
    reason = (reason or "").strip()
    if status != InspectorStatus.ACTIVE and not reason:
        raise ApplicationError("暂停或退出须填写原因。")
    if date > timezone.localdate():
        raise ApplicationError("状态变更日期不能晚于今天。")
    before = snapshot(inspector)
    inspector.status, inspector.status_reason, inspector.status_date = status, reason, date
    inspector.save(update_fields=["status", "status_reason", "status_date"])
    ended = 0
    if status != InspectorStatus.ACTIVE:
        # zones ends the inspector's current school assignments
        ended = sum(run_hooks("inspector_left", actor=actor, inspector=inspector, date=date,
                              reason=f"督学{InspectorStatus(status).label}：{reason}"))
    audit_record(actor=actor, action="inspector.status", obj=inspector, region_code=inspector.region_id,
                 before=before, after={**snapshot(inspector), "assignments_ended": ended})
    return inspector


@transaction.atomic
def inspector_renew_term(*, actor, inspector: Inspector, term_start: datetime.date) -> Inspector:
    """Re-appoint a part-time inspector for the next term; refused after the maximum consecutive terms."""
    _require_office(actor, inspector.region_id)
    if inspector.kind != InspectorKind.PART_TIME:
        raise ApplicationError("只有兼职督学实行聘期制。")
    if inspector.status == InspectorStatus.EXITED:
        raise ApplicationError("已退出的督学不能续聘。")
    max_terms = int(policy_value("people.parttime_max_terms", inspector.region_id))
    if not engine.can_renew(term_no=inspector.term_no, max_terms=max_terms):
        raise ApplicationError(f"该督学已连续聘任 {inspector.term_no} 届，达到上限 {max_terms} 届，不得续聘。")
    if term_start <= inspector.term_start:
        raise ApplicationError("新聘期开始日期必须晚于本届聘期开始日期。")
    before = snapshot(inspector)
    inspector.term_no += 1
    inspector.term_start = term_start
    inspector.save(update_fields=["term_no", "term_start"])
    audit_record(actor=actor, action="inspector.renew", obj=inspector, region_code=inspector.region_id,
                 before=before, after=snapshot(inspector))
    return inspector


@transaction.atomic
def training_add(*, actor, inspector: Inspector, date: datetime.date, title: str, hours, credits=0,
                 organizer: str = "") -> Training:
    _require_office(actor, inspector.region_id)
    title = (title or "").strip()
    if not title:
        raise ApplicationError("培训名称不能为空。")
    if date > timezone.localdate():
        raise ApplicationError("培训日期不能晚于今天。")
    hours, credits = decimal.Decimal(str(hours)), decimal.Decimal(str(credits or 0))
    if not decimal.Decimal("0") < hours <= decimal.Decimal("200"):
        raise ApplicationError("学时应大于 0 且不超过 200。")
    if credits < 0:
        raise ApplicationError("学分不能为负数。")
    if Training.objects.filter(inspector=inspector, date=date, title=title).exists():
        raise ApplicationError("该督学在这一天已有同名培训记录。")
    training = Training.objects.create(inspector=inspector, date=date, title=title, organizer=organizer,
                                       hours=hours, credits=credits)
    audit_record(actor=actor, action="training.add", obj=training, object_repr=f"{inspector.name}：{title}",
                 region_code=inspector.region_id, after=snapshot(training))
    return training


@transaction.atomic
def review_record(*, actor, inspector: Inspector, year: int, grade: str, comment: str = "") -> Review:
    """Record the annual review; 不合格 means exit (督学管理暂行办法: 考核不合格的予以解聘)."""
    _require_office(actor, inspector.region_id)
    if grade not in InspectorGrade.values:
        raise ApplicationError(f"未知考核等次：{grade}")
    if not 2000 <= year <= timezone.localdate().year:
        raise ApplicationError("考核年度不合理。")
    if Review.objects.filter(inspector=inspector, year=year).exists():
        raise ApplicationError(f"{inspector.name} {year} 年度考核结果已录入。")
    review = Review.objects.create(inspector=inspector, year=year, grade=grade, comment=comment, recorded_by=actor)
    audit_record(actor=actor, action="review.record", obj=review, object_repr=f"{inspector.name} {year}年度",
                 region_code=inspector.region_id, after=snapshot(review))
    if grade == InspectorGrade.FAIL and inspector.status != InspectorStatus.EXITED:
        inspector_set_status(actor=actor, inspector=inspector, status=InspectorStatus.EXITED,
                             reason=f"{year}年度考核不合格", date=timezone.localdate())
    return review


def parse_categories(values) -> str:
    codes = []
    for value in values:
        if value not in ExpertCategory.values:
            raise ApplicationError(f"未知的专业领域：{value}")
        codes.append(value)
    if not codes:
        raise ApplicationError("至少选择一个专业领域。")
    return ",".join(dict.fromkeys(codes))


@transaction.atomic
def expert_save(*, actor, expert: Expert | None = None, **fields) -> Expert:
    creating = expert is None
    before = None if creating else snapshot(expert)
    if not creating:
        _require_office(actor, expert.region_id)
    expert = expert or Expert()
    for name, value in fields.items():
        if name not in EXPERT_FIELDS:
            raise ApplicationError(f"不能修改字段：{name}")
        setattr(expert, name, value)
    _require_office(actor, expert.region_id)
    if Expert.objects.filter(id_key=expert.id_key).exclude(pk=expert.pk).exists():
        raise ApplicationError(f"专家编号 {expert.id_key} 已存在。")
    _clean(expert)
    expert.save()
    audit_record(actor=actor, action="expert.create" if creating else "expert.update", obj=expert,
                 region_code=expert.region_id, before=before, after=snapshot(expert))
    return expert
