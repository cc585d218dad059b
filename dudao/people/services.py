"""Writes on inspectors, experts, training records and annual reviews. Each checks scope, validates and
leaves one audit record in the same transaction."""

import datetime
import decimal

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import RoleAssignment
from dudao.core.policy import policy_value
from dudao.core.registries import run_hooks
from dudao.core.roles import Role
from dudao.core.scope import owns, require_office_for, scope_for
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
    SchoolSupervisor,
    Training,
)
from dudao.regions.models import RegionLevel
from dudao.schools.models import School

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


def trainee_region(person) -> str:
    """The region whose office keeps this person's training file: an inspector's or expert's region, a
    学校督导管理员's school's region."""
    if isinstance(person, SchoolSupervisor):
        return person.school.region_id
    return person.region_id


@transaction.atomic
def training_add(*, actor, inspector: Inspector | None = None, expert: Expert | None = None,
                 supervisor: SchoolSupervisor | None = None, date: datetime.date, title: str, hours, credits=0,
                 organizer: str = "") -> Training:
    """Enter a training record by hand into the file of exactly one trainee (an inspector, an expert or a
    学校督导管理员); the office of the trainee's region only."""
    given = [(field, person) for field, person in (("inspector", inspector), ("expert", expert),
                                                   ("supervisor", supervisor)) if person is not None]
    if len(given) != 1:
        raise ApplicationError("培训记录须且只能属于一名督学、专家或学校督导管理员。")
    field, person = given[0]
    region_code = trainee_region(person)
    _require_office(actor, region_code)
    title = (title or "").replace("\x00", "").strip()
    organizer = (organizer or "").replace("\x00", "").strip()
    if not title:
        raise ApplicationError("培训名称不能为空。")
    if date > timezone.localdate():
        raise ApplicationError("培训日期不能晚于今天。")
    try:
        hours, credits = decimal.Decimal(str(hours)), decimal.Decimal(str(credits or 0))
    except decimal.InvalidOperation:
        raise ApplicationError("学时和学分须为数字。") from None
    if not hours.is_finite() or not decimal.Decimal("0") < hours <= decimal.Decimal("200"):
        raise ApplicationError("学时应大于 0 且不超过 200。")
    if not credits.is_finite() or credits < 0 or credits > 200:
        raise ApplicationError("学分不能为负数，且不超过 200。")
    noun = {"inspector": "该督学", "expert": "该专家", "supervisor": "该学校督导管理员"}[field]
    if Training.objects.filter(**{field: person}, date=date, title=title).exists():
        raise ApplicationError(f"{noun}在这一天已有同名培训记录。")
    training = Training.objects.create(**{field: person}, date=date, title=title, organizer=organizer,
                                       hours=hours, credits=credits)
    audit_record(actor=actor, action="training.add", obj=training, object_repr=f"{person.name}：{title}",
                 region_code=region_code, after=snapshot(training))
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


# ---- 学校督导管理员 -------------------------------------------------------------------------------------------

SUPERVISOR_FIELDS = ["name", "phone", "position", "appointed_on", "note"]
SUPERVISOR_SNAPSHOT = ["school_id", "name", "phone", "position", "appointed_on", "is_active", "ended_on",
                       "end_reason", "user_id", "role_granted", "note"]


def require_supervisor_manager(actor, school: School) -> None:
    """Who manages a school's 学校督导管理员: the office of the school's region, or the school itself (its school
    role: the principal names their own)."""
    if scope_for(actor).holds(school.region_id, Role.OFFICE) or owns(actor, school_id=school.pk):
        return
    raise PermissionDenied("只有本校或学校所在地区的督导室可以管理该校的学校督导管理员。")


def _clean_line(value, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def _account_for_supervisor(*, actor, school: School, supervisor: SchoolSupervisor | None, username: str,
                            password: str, full_name: str):
    """The account to link: an existing one (no password given) or a new one (username + initial password).
    An existing account may hold no role but this school's school role, and no other supervisor record."""
    user_model = get_user_model()
    username = _clean_line(username, 150)
    existing = user_model.objects.filter(username=username).first()
    if existing is None:
        if not password:
            raise ApplicationError(f"账号“{username}”不存在；新建账号须填写初始密码。")
        user = user_model(username=username, first_name=full_name)
        try:
            user_model.username_validator(username)
            password_validation.validate_password(password, user)
        except ValidationError as exc:
            raise ApplicationError("账号不符合要求：" + "；".join(exc.messages)) from None
        user.set_password(password)
        user.save()
        audit_record(actor=actor, action="user.create", obj=user, region_code=school.region_id,
                     after={"username": user.username, "first_name": user.first_name, "for": "学校督导管理员"})
        return user
    if password:
        raise ApplicationError(f"账号“{username}”已存在，关联已有账号时不要填写密码。")
    if not existing.is_active:
        raise ApplicationError(f"账号“{username}”已停用，不能关联。")
    if existing.is_superuser:
        raise ApplicationError("不能把系统管理员账号设为学校督导管理员。")
    other_roles = (RoleAssignment.objects.filter(user=existing)
                   .exclude(role=Role.SCHOOL, school_id=school.pk).select_related("school", "region"))
    if other_roles.exists():
        raise ApplicationError(f"账号“{username}”已有其他角色（{'、'.join(str(r) for r in other_roles[:3])}），"
                               "不能作为本校学校督导管理员。")
    linked = SchoolSupervisor.objects.filter(user=existing).exclude(pk=supervisor.pk if supervisor else None).first()
    if linked is not None:
        raise ApplicationError(f"账号“{username}”已关联学校督导管理员记录（{linked.name}），不能重复关联。")
    # An account with no role belongs to no school yet: only the office may give it this school (a school user
    # could otherwise draw any unassigned account, of anyone, into their school). A school links accounts that
    # already hold its school role (the principal's), or creates a new one.
    holds_school = RoleAssignment.objects.filter(user=existing, role=Role.SCHOOL, school_id=school.pk).exists()
    if not holds_school and not scope_for(actor).holds(school.region_id, Role.OFFICE):
        raise ApplicationError(f"账号“{username}”不是本校的账号：学校只能关联已有本校角色的账号，或新建账号；"
                               "关联其他已有账号请联系督导室。")
    return existing


def _grant_school_role(*, actor, supervisor: SchoolSupervisor) -> bool:
    """Give the account the school role of the supervisor's school (so it receives the school's to-do items);
    False when it already held it (then 离任 leaves it alone)."""
    if RoleAssignment.objects.filter(user_id=supervisor.user_id, role=Role.SCHOOL, school_id=supervisor.school_id).exists():
        return False
    assignment = RoleAssignment.objects.create(user_id=supervisor.user_id, role=Role.SCHOOL, school_id=supervisor.school_id)
    audit_record(actor=actor, action="role.assign", obj=assignment, region_code=supervisor.school.region_id,
                 after={"user": assignment.user_id, "role": assignment.role, "school": assignment.school_id,
                        "for": "学校督导管理员"})
    return True


def _check_cap(school: School, *, exclude_pk: int | None = None) -> None:
    cap = int(policy_value("people.school_supervisors_max", school.region_id))
    serving = SchoolSupervisor.objects.filter(school=school, is_active=True).exclude(pk=exclude_pk).count()
    if serving >= cap:
        raise ApplicationError(f"每所学校最多设 {cap} 名学校督导管理员，{school.name}已有 {serving} 名在任；"
                               "请先办理离任再新增。")


@transaction.atomic
def supervisor_save(*, actor, school: School | None = None, supervisor: SchoolSupervisor | None = None,
                    username: str = "", password: str = "", **fields) -> SchoolSupervisor:
    """Appoint (supervisor=None, at `school`) or update a 学校督导管理员. At most `people.school_supervisors_max`
    serve at a school. A username links an existing account or, with an initial password, creates one; the
    account receives the school role of the school (the school's supervision tasks reach it with the
    principal's). The account of a record is set once."""
    creating = supervisor is None
    if creating and school is None:
        raise ApplicationError("请选择学校。")
    if not creating:
        school = supervisor.school
        if not supervisor.is_active:
            raise ApplicationError("已离任的学校督导管理员不能再修改，请新增记录。")
    # One writer per school at a time: two appointments at once cannot pass the cap together.
    school = School.objects.select_for_update().get(pk=school.pk)
    require_supervisor_manager(actor, school)
    before = None if creating else snapshot(supervisor, SUPERVISOR_SNAPSHOT)
    supervisor = supervisor or SchoolSupervisor(school=school, is_active=True)
    for name, value in fields.items():
        if name not in SUPERVISOR_FIELDS:
            raise ApplicationError(f"不能修改字段：{name}")
        setattr(supervisor, name, _clean_line(value, 2000) if isinstance(value, str) else value)
    if not supervisor.name:
        raise ApplicationError("请填写姓名。")
    if not supervisor.phone:
        raise ApplicationError("请填写联系电话。")
    if supervisor.appointed_on is None:
        raise ApplicationError("请填写任命日期。")
    if supervisor.appointed_on > timezone.localdate():
        raise ApplicationError("任命日期不能晚于今天。")
    if creating:
        _check_cap(school)
    username = _clean_line(username, 150)
    if username and supervisor.user_id and supervisor.user.username != username:
        raise ApplicationError("该记录已关联登录账号，不能改为其他账号；如需更换请办理离任后新增。")
    new_account = bool(username) and not supervisor.user_id
    if not username and password:
        raise ApplicationError("填写了初始密码，请同时填写登录账号。")
    if new_account:
        supervisor.user = _account_for_supervisor(actor=actor, school=school, supervisor=supervisor,
                                                  username=username, password=password, full_name=supervisor.name)
    _clean(supervisor)
    supervisor.save()
    if new_account:
        supervisor.role_granted = _grant_school_role(actor=actor, supervisor=supervisor)
        supervisor.save(update_fields=["role_granted"])
    audit_record(actor=actor, action="supervisor.create" if creating else "supervisor.update", obj=supervisor,
                 object_repr=f"{school.name}：{supervisor.name}", region_code=school.region_id, before=before,
                 after=snapshot(supervisor, SUPERVISOR_SNAPSHOT))
    return supervisor


@transaction.atomic
def supervisor_end(*, actor, supervisor: SchoolSupervisor, date: datetime.date, reason: str) -> SchoolSupervisor:
    """离任: the record stays (with its training file); the school role this record gave its account is revoked."""
    supervisor = SchoolSupervisor.objects.select_for_update().select_related("school").get(pk=supervisor.pk)
    require_supervisor_manager(actor, supervisor.school)
    if not supervisor.is_active:
        raise ApplicationError(f"{supervisor.name}已于 {supervisor.ended_on:%Y-%m-%d} 离任。")
    reason = _clean_line(reason, 255)
    if not reason:
        raise ApplicationError("请填写离任原因。")
    if date is None or date > timezone.localdate():
        raise ApplicationError("离任日期不能晚于今天。")
    if date < supervisor.appointed_on:
        raise ApplicationError("离任日期不能早于任命日期。")
    before = snapshot(supervisor, SUPERVISOR_SNAPSHOT)
    supervisor.is_active, supervisor.ended_on, supervisor.end_reason = False, date, reason
    supervisor.save(update_fields=["is_active", "ended_on", "end_reason"])
    revoked = 0
    if supervisor.role_granted and supervisor.user_id:
        for assignment in RoleAssignment.objects.filter(user_id=supervisor.user_id, role=Role.SCHOOL,
                                                        school_id=supervisor.school_id):
            pk, repr_ = assignment.pk, str(assignment)
            assignment.delete()
            revoked += 1
            audit_record(actor=actor, action="role.revoke", object_type="core.roleassignment", object_id=str(pk),
                         object_repr=repr_, region_code=supervisor.school.region_id,
                         before={"user": supervisor.user_id, "role": Role.SCHOOL, "school": supervisor.school_id})
    audit_record(actor=actor, action="supervisor.end", obj=supervisor,
                 object_repr=f"{supervisor.school.name}：{supervisor.name}", region_code=supervisor.school.region_id,
                 before=before, after={**snapshot(supervisor, SUPERVISOR_SNAPSHOT), "roles_revoked": revoked})
    return supervisor
