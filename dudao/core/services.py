"""Writes on accounts, roles, tokens and policy. Each one is atomic and leaves exactly one audit record."""

import datetime
import ipaddress
import secrets
from dataclasses import dataclass

from django.contrib import auth
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.middleware import client_ip
from dudao.core.models import (
    ROLE_TARGET,
    ApiToken,
    AuditLog,
    Counter,
    LoginAddress,
    LoginFailure,
    Notification,
    Policy,
    Role,
    RoleAssignment,
)
from dudao.core.policy import DEFAULTS, PolicyTable, policy_value
from dudao.core.scope import scope_for
from dudao.core.tasks import send_notification_mail

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
    revoked = _revoke_all_tokens(user)  # a token must not outlive the password that obtained it
    audit_record(actor=actor, action="user.set_password", obj=user, after={"revoked_tokens": revoked})


@transaction.atomic
def user_set_active(*, actor, user, active: bool) -> None:
    _require_admin(actor)
    if user.pk == actor.pk and not active:
        raise ApplicationError("不能停用自己的账号。")
    before = snapshot(user, USER_FIELDS)
    user.is_active = active
    user.save(update_fields=["is_active"])
    after = snapshot(user, USER_FIELDS)
    if not active:
        after["revoked_tokens"] = _revoke_all_tokens(user)
    audit_record(actor=actor, action="user.activate" if active else "user.deactivate", obj=user,
                 before=before, after=after)


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


# ---- login throttling ----------------------------------------------------------------------------
# Failures are counted per (username, address) and per address; a username is locked as a whole only when the
# failures come from several addresses. So an anonymous visitor can lock `admin` only for their own address,
# a sprayer trying many usernames loses their address, and the real admin still logs in from the office.
# An "address" is an IPv4 address or an IPv6 network (`auth.ipv6_prefix`, /64: one subscriber gets a whole
# /64, so its single addresses cost an attacker nothing). A network from which the user logged in within
# `auth.known_address_days` is exempt from the account-wide lock (the per-address limits still apply).
# Each attempt is recorded before the password is checked, so parallel requests see each other.
# The login page and POST /api/v1/auth/token both go through login_attempt().

LOGIN_REFUSED = "登录失败次数过多，暂时不能登录，请稍后再试或联系系统管理员。"
LOGIN_BAD_CREDENTIALS = "用户名或密码错误。"
LOGIN_POLICIES = ["auth.lockout_attempts", "auth.lockout_minutes", "auth.address_attempts",
                  "auth.account_attempts", "auth.account_addresses", "auth.ipv6_prefix", "auth.known_address_days"]


@dataclass(frozen=True)
class LoginResult:
    user: object | None
    error: str = ""
    refused: bool = False  # throttled (HTTP 429) rather than a wrong password


def login_network(ip: str | None, limits: PolicyTable | None = None) -> str:
    """The address as the login throttle counts it: an IPv4 address (also when written IPv4-mapped), the
    IPv6 network of `auth.ipv6_prefix` bits around an IPv6 address, "" when unknown."""
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.version == 4:
        return str(address)
    prefix = (limits or PolicyTable(["auth.ipv6_prefix"])).get("auth.ipv6_prefix")
    prefix = min(max(int(prefix), 32), 128)  # never one bucket for a whole ISP or more
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _recent_failures(limits: PolicyTable):
    since = timezone.now() - datetime.timedelta(minutes=limits.get("auth.lockout_minutes"))
    return LoginFailure.objects.filter(cleared=False, at__gte=since)


def _known_network(username: str, net: str, limits: PolicyTable) -> bool:
    """Did this username log in successfully from this network within `auth.known_address_days`?"""
    if not net:
        return False
    since = timezone.now() - datetime.timedelta(days=limits.get("auth.known_address_days"))
    return LoginAddress.objects.filter(user__username__iexact=username, net=net, last_at__gte=since).exists()


def _counts(username: str, net: str, limits: PolicyTable, *, exclude: int | None = None) -> dict:
    recent = _recent_failures(limits)
    if exclude is not None:
        recent = recent.exclude(pk=exclude)
    account = recent.filter(username__iexact=username).aggregate(
        n=Count("id"), addresses=Count("net", distinct=True, filter=~Q(net="")))
    return {
        "pair": recent.filter(net=net, username__iexact=username).count(),
        "address": recent.filter(net=net).count(),
        "account": account["n"],
        "account_addresses": account["addresses"],
    }


def _account_locked(counts: dict, limits: PolicyTable) -> bool:
    return (counts["account"] >= limits.get("auth.account_attempts")
            and counts["account_addresses"] >= limits.get("auth.account_addresses"))


def _refusal(username: str, net: str, counts: dict, limits: PolicyTable) -> str:
    if counts["pair"] >= limits.get("auth.lockout_attempts"):
        return "pair"
    if counts["address"] >= limits.get("auth.address_attempts"):
        return "address"
    if _account_locked(counts, limits) and not _known_network(username, net, limits):
        return "account"
    return ""


def login_refusal(*, username: str, ip: str | None) -> str:
    """Why this username may not try to log in from this address now: "pair" (this username from this
    address), "address" (too many failures from the address across usernames), "account" (failures of this
    username from several addresses, and the user has not logged in from here lately), or "" when it may try."""
    limits = PolicyTable(LOGIN_POLICIES)
    username, net = username[:150], login_network(ip, limits)
    return _refusal(username, net, _counts(username, net, limits), limits)


def account_lock_state(username: str) -> dict:
    """For the account page: is the account locked as a whole, and from which addresses is it locked."""
    limits = PolicyTable(LOGIN_POLICIES)
    recent = _recent_failures(limits).filter(username__iexact=username)
    counts = recent.aggregate(account=Count("id"), account_addresses=Count("net", distinct=True, filter=~Q(net="")))
    per_net = recent.values("net").annotate(n=Count("id")).filter(n__gte=limits.get("auth.lockout_attempts"))
    return {
        "account": _account_locked(counts, limits),
        "addresses": sorted(row["net"] or "未知" for row in per_net),
    }


def _shown_username(username: str) -> str:
    """A typed username as it may appear in the audit log: printable characters only, at most 64."""
    return "".join(ch for ch in username if ch.isprintable())[:64]


def _administrators() -> set[int]:
    ids = set(RoleAssignment.objects.filter(role="admin", user__is_active=True).values_list("user_id", flat=True))
    ids |= set(User.objects.filter(is_superuser=True, is_active=True).values_list("pk", flat=True))
    return ids


def _attempt_begin(*, username: str, ip: str | None, net: str, limits: PolicyTable) -> LoginFailure | None:
    """Record the attempt as a failure BEFORE the password is checked, then judge it by every other recorded
    attempt, including those of parallel requests: each one that goes on has its row committed before it
    counts, so however many requests an address sends at once, no more than the limits reach the password
    check. A refused attempt's row is removed (refusals do not count); the right password removes it in
    login_succeeded(). Must run outside any transaction (autocommit) for the rows to be seen."""
    attempt = LoginFailure.objects.create(username=username, ip=ip, net=net)
    if _refusal(username, net, _counts(username, net, limits, exclude=attempt.pk), limits):
        attempt.delete()
        return None
    return attempt


@transaction.atomic
def login_failed(*, attempt: LoginFailure, via: str = "web") -> str:
    """Audit a failed login whose failure row `attempt` is already recorded (`login.failed`) and return the
    refusal now in force ("" if none). Crossing a limit is audited once (`login.locked`,
    `login.address_blocked`, `user.locked`); the account-wide lock also puts a notice in every
    administrator's inbox. Attempts refused by the throttle never get here, so one address adds at most
    `auth.address_attempts` rows per window."""
    username, ip, net = attempt.username, attempt.ip, attempt.net
    shown = _shown_username(username)
    user = User.objects.filter(username__iexact=username).first()
    target = {"obj": user, "object_repr": shown} if user else {"object_type": "auth.user", "object_repr": shown}
    audit_record(actor=None, action="login.failed", after={"via": via}, **target)
    limits = PolicyTable(LOGIN_POLICIES)
    counts = _counts(username, net, limits)
    if counts["pair"] == limits.get("auth.lockout_attempts"):
        audit_record(actor=None, action="login.locked", after={"failures": counts["pair"], "ip": ip}, **target)
    if counts["address"] == limits.get("auth.address_attempts"):
        audit_record(actor=None, action="login.address_blocked", object_type="network.address",
                     object_repr=net or "未知", after={"failures": counts["address"], "ip": ip})
    refusal = _refusal(username, net, counts, limits)
    since = timezone.now() - datetime.timedelta(minutes=limits.get("auth.lockout_minutes"))
    same_account = {"object_type": "auth.user", "object_id": str(user.pk)} if user else {"object_repr": shown}
    if (_account_locked(counts, limits)
            and not AuditLog.objects.filter(action="user.locked", at__gte=since, **same_account).exists()):
        audit_record(actor=None, action="user.locked", after={
            "failures": counts["account"], "addresses": counts["account_addresses"]}, **target)
        if user is not None:
            minutes = limits.get("auth.lockout_minutes")
            notify(messages=[(Message(
                key=f"login-account-locked:{user.pk}:{attempt.pk}", kind="security",
                title=f"账号“{shown}”因多个地址登录失败已被锁定",
                body=(f"{minutes} 分钟内该账号登录失败 {counts['account']} 次，来自 {counts['account_addresses']} 个"
                      f"不同地址，可能正受到密码猜测攻击。锁定将在 {minutes} 分钟无新失败后解除；"
                      "本人近期登录成功过的地址不受影响。确认是本人后可在账号页面解除登录锁定。"),
                url=reverse("core:user_detail", args=[user.pk])), _administrators())])
    return refusal


@transaction.atomic
def login_succeeded(*, user, attempt: LoginFailure, via: str = "web") -> None:
    """Audit a successful login: drop the attempt's provisional failure row, forget this address's earlier
    failures for the user (kept, marked cleared; failures from other addresses still count) and remember
    the address as one the user logs in from."""
    net = attempt.net
    LoginFailure.objects.filter(pk=attempt.pk).delete()
    LoginFailure.objects.filter(net=net, username__iexact=user.username, cleared=False).update(cleared=True)
    if net:
        LoginAddress.objects.update_or_create(user=user, net=net, defaults={"last_at": timezone.now()})
    audit_record(actor=user, action="login.success", obj=user, after={"via": via})


def login_attempt(*, request, username: str, password: str, via: str = "web") -> LoginResult:
    """The one login flow of the site and the API: refuse a throttled (username, address) before checking
    the password, otherwise record the attempt, authenticate and record the outcome. The messages never tell
    whether the username exists."""
    ip = client_ip(request)
    username = username[:150]
    limits = PolicyTable(LOGIN_POLICIES)
    attempt = _attempt_begin(username=username, ip=ip, net=login_network(ip, limits), limits=limits)
    if attempt is None:
        return LoginResult(None, LOGIN_REFUSED, refused=True)
    user = auth.authenticate(request, username=username, password=password)
    if user is None:
        if login_failed(attempt=attempt, via=via):
            return LoginResult(None, LOGIN_REFUSED, refused=True)
        return LoginResult(None, LOGIN_BAD_CREDENTIALS)
    login_succeeded(user=user, attempt=attempt, via=via)
    return LoginResult(user)


@transaction.atomic
def user_unlock(*, actor, user) -> int:
    """Clear the failures that keep an account locked, from every address (kept as records, marked cleared)."""
    _require_admin(actor)
    cleared = LoginFailure.objects.filter(username__iexact=user.username, cleared=False).update(cleared=True)
    audit_record(actor=actor, action="user.unlock", obj=user, after={"cleared_failures": cleared})
    return cleared


# ---- API tokens --------------------------------------------------------------------------------

@transaction.atomic
def token_issue(*, user, ip: str | None = None) -> tuple[str, ApiToken]:
    """A new bearer token for a user who just authenticated; the plain key is returned once."""
    key = secrets.token_urlsafe(32)
    days = policy_value("auth.token_days")
    token = ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash_key(key), expires_at=timezone.now() + datetime.timedelta(days=days),
        created_ip=ip,
    )
    audit_record(actor=user, action="token.issue", obj=token, object_repr=f"令牌 #{token.pk}",
                 after={"expires_at": token.expires_at.isoformat()})
    return key, token


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> None:
    """Revoke one token: the owner's own, or any token by an administrator."""
    if token.user_id != actor.pk:
        _require_admin(actor)
    if token.revoked:
        raise ApplicationError("该令牌已撤销。")
    token.revoked, token.revoked_at = True, timezone.now()
    token.save(update_fields=["revoked", "revoked_at"])
    audit_record(actor=actor, action="token.revoke", obj=token, object_repr=f"令牌 #{token.pk}",
                 after={"user": token.user_id, "reason": "manual"})


def _revoke_all_tokens(user) -> int:
    """Revoke every live token of a user (inside the caller's transaction and audit record)."""
    return ApiToken.objects.filter(user=user, revoked=False).update(revoked=True, revoked_at=timezone.now())


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
