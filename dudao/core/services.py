"""Writes on accounts, roles, tokens and policy. Each one is atomic and leaves exactly one audit record."""

import datetime
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import (
    ROLE_TARGET,
    ApiToken,
    Counter,
    LoginFailure,
    Notification,
    Policy,
    Role,
    RoleAssignment,
)
from dudao.core.policy import DEFAULTS, policy_value
from dudao.core.scope import scope_for

User = get_user_model()
USER_FIELDS = ["id", "username", "first_name", "email", "is_active", "is_superuser"]


def _require_admin(actor) -> None:
    if not scope_for(actor).everything:
        raise PermissionDenied("只有系统管理员可以管理账号和参数。")


def _role_snapshot(assignment: RoleAssignment) -> dict:
    return {"user": assignment.user_id, "role": assignment.role, "region": assignment.region_id,
            "school": assignment.school_id, "unit": assignment.unit_id}


def _validate_password(password: str, user=None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ApplicationError("密码不符合要求：" + "；".join(exc.messages)) from None


@transaction.atomic
def user_create(*, actor, username: str, full_name: str, password: str, email: str = ""):
    """Create an account (admin only). Roles are added with role_assign."""
    _require_admin(actor)
    username = username.strip()
    if not username:
        raise ApplicationError("用户名不能为空。")
    if User.objects.filter(username=username).exists():
        raise ApplicationError(f"用户名“{username}”已存在。")
    user = User(username=username, first_name=full_name.strip(), email=email.strip())
    _validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=actor, action="user.create", obj=user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_set_password(*, actor, user, password: str) -> None:
    """Set a password: by the user themself (password change) or by an admin (reset)."""
    if actor.pk != user.pk:
        _require_admin(actor)
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="user.set_password", obj=user)


@transaction.atomic
def user_set_active(*, actor, user, active: bool) -> None:
    _require_admin(actor)
    if user.pk == actor.pk and not active:
        raise ApplicationError("不能停用自己的账号。")
    before = snapshot(user, USER_FIELDS)
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="user.activate" if active else "user.deactivate", obj=user,
                 before=before, after=snapshot(user, USER_FIELDS))


@transaction.atomic
def role_assign(*, actor, user, role: str, region=None, school=None, unit=None) -> RoleAssignment:
    """Give a user a role over exactly the kind of target that role is scoped by."""
    _require_admin(actor)
    if role not in Role.values:
        raise ApplicationError(f"未知角色：{role}")
    targets = {"region": region, "school": school, "unit": unit}
    needed = ROLE_TARGET[role]
    given = [name for name, value in targets.items() if value is not None]
    if needed is None and given:
        raise ApplicationError(f"“{Role(role).label}”角色不需要指定范围。")
    if needed is not None and given != [needed]:
        label = {"region": "行政区划", "school": "学校", "unit": "政府单位"}[needed]
        raise ApplicationError(f"“{Role(role).label}”角色必须且只能指定一个{label}。")
    if RoleAssignment.objects.filter(user=user, role=role, region=region, school=school, unit=unit).exists():
        raise ApplicationError("该用户已有此角色。")
    assignment = RoleAssignment.objects.create(user=user, role=role, region=region, school=school, unit=unit)
    region_code = region.code if region else (school.region_id if school else (unit.region_id if unit else ""))
    audit_record(actor=actor, action="role.assign", obj=assignment, region_code=region_code,
                 after=_role_snapshot(assignment))
    return assignment


@transaction.atomic
def role_revoke(*, actor, assignment: RoleAssignment) -> None:
    _require_admin(actor)
    before = _role_snapshot(assignment)
    repr_ = str(assignment)
    pk = assignment.pk
    assignment.delete()
    audit_record(actor=actor, action="role.revoke", object_type="core.roleassignment", object_id=str(pk),
                 object_repr=repr_, before=before)


# ---- login lockout -----------------------------------------------------------------------------

def login_locked(username: str) -> bool:
    """True while the user has at least the limit of uncleared failures inside the window."""
    window = datetime.timedelta(minutes=policy_value("auth.lockout_minutes"))
    recent = LoginFailure.objects.filter(
        username__iexact=username, cleared=False, at__gte=timezone.now() - window
    ).count()
    return recent >= policy_value("auth.lockout_attempts")


@transaction.atomic
def login_failed(*, username: str, ip: str | None) -> bool:
    """Record a failed login; returns True if this failure locked the account (audited once then)."""
    LoginFailure.objects.create(username=username[:150], ip=ip)
    locked = login_locked(username)
    if locked:
        limit = policy_value("auth.lockout_attempts")
        window = datetime.timedelta(minutes=policy_value("auth.lockout_minutes"))
        recent = LoginFailure.objects.filter(
            username__iexact=username, cleared=False, at__gte=timezone.now() - window).count()
        if recent == limit:
            user = User.objects.filter(username__iexact=username).first()
            audit_record(actor=None, action="user.locked", obj=user, object_type="auth.user",
                         object_repr=username, after={"failures": recent})
    return locked


@transaction.atomic
def user_unlock(*, actor, user) -> int:
    """Clear the failures that keep an account locked (kept as records, marked cleared)."""
    _require_admin(actor)
    cleared = LoginFailure.objects.filter(username__iexact=user.username, cleared=False).update(cleared=True)
    audit_record(actor=actor, action="user.unlock", obj=user, after={"cleared_failures": cleared})
    return cleared


# ---- API tokens --------------------------------------------------------------------------------

@transaction.atomic
def token_issue(*, user) -> tuple[str, ApiToken]:
    """A new bearer token for a user who just authenticated; the plain key is returned once."""
    key = secrets.token_urlsafe(32)
    days = policy_value("auth.token_days")
    token = ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash_key(key), expires_at=timezone.now() + datetime.timedelta(days=days)
    )
    audit_record(actor=user, action="token.issue", obj=token, object_repr=f"令牌 #{token.pk}",
                 after={"expires_at": token.expires_at.isoformat()})
    return key, token


@transaction.atomic
def policy_set(*, actor, key: str, value, region_code: str = "", note: str = "") -> Policy:
    """Override a policy number for a region subtree ('' = nationwide)."""
    _require_admin(actor)
    if key not in DEFAULTS:
        raise ApplicationError(f"未知参数：{key}")
    default = DEFAULTS[key].default
    if isinstance(default, int | float) and not isinstance(value, int | float):
        raise ApplicationError(f"参数“{DEFAULTS[key].label}”应为数值。")
    policy = Policy.objects.filter(key=key, region_code=region_code).first()
    before = snapshot(policy, ["key", "region_code", "value", "note"])
    if policy is None:
        policy = Policy(key=key, region_code=region_code)
    policy.value, policy.note = value, note
    policy.save()
    audit_record(actor=actor, action="policy.set", obj=policy, region_code=region_code, before=before,
                 after=snapshot(policy, ["key", "region_code", "value", "note"]))
    return policy


# ---- notifications -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Message:
    """One inbox item to put in front of a set of users; `key` names the event, so it is sent once."""

    key: str
    kind: str
    title: str
    body: str = ""
    url: str = ""


MAIL_CHUNK = 200  # notification e-mails per task


def notify(*, messages: list[tuple[Message, set[int]]], at=None) -> int:
    """Deliver inbox items (a user gets each key once: later calls with the same key add nothing) and queue the
    e-mail of the new ones (a background task, sent by the worker) when the transaction commits. Returns how many
    were new."""
    now = at or timezone.now()
    wanted = {(user_id, m.key): m for m, user_ids in messages for user_id in user_ids}
    if not wanted:
        return 0
    keys = {key for _uid, key in wanted}
    existing = set(Notification.objects.filter(key__in=keys, user_id__in={uid for uid, _k in wanted}).values_list(
        "user_id", "key"))
    new = [Notification(user_id=uid, key=key, kind=m.kind, title=m.title[:200], body=m.body, url=m.url, created_at=now)
           for (uid, key), m in wanted.items() if (uid, key) not in existing]
    Notification.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)  # a concurrent run: no duplicate
    if new:
        from dudao.core.tasks import send_notification_mail

        items = [[n.user_id, n.title, n.body, n.url] for n in new]
        for start in range(0, len(items), MAIL_CHUNK):
            chunk = items[start:start + MAIL_CHUNK]
            transaction.on_commit(lambda chunk=chunk: send_notification_mail.enqueue(chunk))
    return len(new)


def notification_read(*, user, ids=None) -> int:
    """Mark the user's own inbox items read (all unread ones when ids is None)."""
    qs = Notification.objects.filter(user_id=user.pk, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


def counter_take(key: str, count: int = 1) -> int:
    """Reserve `count` consecutive numbers of a named sequence and return the first. The counter row is
    locked until the caller's transaction ends, so two requests never get the same 文号."""
    Counter.objects.bulk_create([Counter(key=key)], ignore_conflicts=True)
    with transaction.atomic():
        counter = Counter.objects.select_for_update().get(key=key)
        first = counter.value + 1
        counter.value += count
        counter.save(update_fields=["value"])
    return first
