"""Core models: who holds which role where, the append-only audit log, login failures, API tokens, policy."""

import hashlib

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from dudao.core import audit_chain
from dudao.core.roles import Role
from dudao.core.scope import scope_for

# Which target each role is scoped by (DESIGN.md §1).
ROLE_TARGET = {
    Role.ADMIN: None,
    Role.OFFICE: "region",
    Role.LEADER: "region",
    Role.INSPECTOR: "school",
    Role.SCHOOL: "school",
    Role.UNIT: "unit",
    Role.EXPERT: None,
}


class RoleAssignment(models.Model):
    """One role a user holds, scoped to a region subtree, a school or a government unit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "角色分配"

    def __str__(self) -> str:
        target = self.region or self.school or self.unit or "全部"
        return f"{self.get_role_display()} · {target}"


# Chinese names of audit actions. core's own are here; every other app registers the verbs it writes from
# its AppConfig.ready() (dudao/<app>/registrations.py), so core imports no app.
ACTION_LABELS: dict[str, str] = {
    "user.create": "新建账号",
    "user.set_password": "设置密码",
    "user.activate": "启用账号",
    "user.deactivate": "停用账号",
    "user.locked": "账号登录失败锁定（多个地址）",
    "user.unlock": "解除锁定",
    "role.assign": "分配角色",
    "role.revoke": "撤销角色",
    "token.issue": "签发接口令牌",
    "policy.set": "修改政策参数",
    "login.success": "登录成功",
    "login.failed": "登录失败",
    "login.locked": "账号在该地址登录失败锁定",
    "login.address_blocked": "地址登录失败过多暂停登录",
    "token.revoke": "撤销接口令牌",
}


def register_action_labels(labels: dict[str, str]) -> None:
    """Add an app's audit action labels; the same action may not get two different labels."""
    for action, label in labels.items():
        if ACTION_LABELS.setdefault(action, label) != label:
            raise ValueError(f"audit action {action!r} is labelled twice")


class AuditLogQuerySet(models.QuerySet):
    """Audit records can be added and read, never changed or removed."""

    def update(self, **kwargs):
        raise PermissionError("audit log is append-only")

    def delete(self):
        raise PermissionError("audit log is append-only")

    def _update(self, values):
        raise PermissionError("audit log is append-only")

    def _raw_delete(self, using):
        raise PermissionError("audit log is append-only")

    def bulk_update(self, objs, fields, batch_size=None):
        raise PermissionError("audit log is append-only")

    def update_or_create(self, *args, **kwargs):
        raise PermissionError("audit log is append-only")

    def bulk_create(self, objs, batch_size=None, ignore_conflicts=False, update_conflicts=False, **kwargs):
        """Chain the new records onto the last one, in list order (the ids come out in that order)."""
        objs = list(objs)
        if ignore_conflicts or update_conflicts or any(obj.pk is not None for obj in objs):
            raise PermissionError("audit records are appended with new ids only")
        if not objs:
            return objs
        with transaction.atomic(using=self.db, savepoint=False):
            prev_hash = audit_chain.chain_tip(self.db)
            for obj in objs:
                prev_hash = audit_chain.seal(obj, prev_hash)
            return super().bulk_create(objs, batch_size=batch_size)

    def visible_to(self, user):
        scope = scope_for(user)
        if scope.everything:
            return self
        if not scope.region_prefixes:
            return self.none()
        q = models.Q()
        for prefix in scope.region_prefixes:
            q |= models.Q(region_code__startswith=prefix)
        return self.filter(q)


class AuditLog(models.Model):
    """An append-only record of one change, written by the service in the same transaction."""

    # Set before the insert (not auto_now_add, which sets it during the insert) because it enters the hash.
    at = models.DateTimeField("时间", default=timezone.now, editable=False, db_index=True)
    # Users are deactivated, never deleted: a user with audit records cannot be deleted.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=64, db_index=True)
    object_type = models.CharField("对象类型", max_length=64, db_index=True)
    object_id = models.CharField("对象编号", max_length=64, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=255, blank=True)
    region_code = models.CharField("所属区划", max_length=12, blank=True, db_index=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=36, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    # SHA-256 over the content above and prev_hash (dudao.core.audit_chain); prev_hash is the hash of the
    # record before in id order (64 zeros for the first). `manage.py audit_verify` checks both.
    prev_hash = models.CharField("前一条哈希", max_length=64, blank=True, editable=False)
    hash = models.CharField("哈希", max_length=64, blank=True, editable=False)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = "审计日志"
        ordering = ["-at", "-id"]
        # Related lookups and Model.save go through the refusing queryset too.
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("update_fields") is not None:
            raise PermissionError("audit log is append-only")
        using = kwargs.get("using") or router.db_for_write(AuditLog, instance=self)
        with transaction.atomic(using=using, savepoint=False):
            audit_chain.seal(self, audit_chain.chain_tip(using))
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit log is append-only")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


class LoginFailure(models.Model):
    """A failed login, counted for the lockout window; cleared (not deleted) when an admin unlocks."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    # The address as the throttle counts it: an IPv4 address, or its IPv6 network (/64 by default), "" unknown.
    net = models.CharField(max_length=50, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    cleared = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"], name="core_loginfailure_ip_at"),
                   models.Index(fields=["net", "at"], name="core_loginfailure_net_at")]

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"


class LoginAddress(models.Model):
    """A network (as LoginFailure.net) from which a user logged in successfully, and when last: failures
    from elsewhere cannot lock the account as a whole for the user there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_addresses")
    net = models.CharField(max_length=50)
    last_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "net"], name="core_loginaddress_user_net")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.net}"


class ApiToken(models.Model):
    """A bearer token for scripts and the tablet app; only its SHA-256 is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_ip = models.GenericIPAddressField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"令牌 #{self.pk} ({self.user_id})"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class Policy(models.Model):
    """An override of a policy number (DOMAIN.md rule 6) for a region subtree; '' means nationwide."""

    key = models.CharField("参数", max_length=64)
    region_code = models.CharField("适用区划", max_length=12, blank=True, default="")
    value = models.JSONField("取值")
    note = models.CharField("依据", max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "政策参数"
        constraints = [models.UniqueConstraint(fields=["key", "region_code"], name="uniq_policy_key_region")]

    def __str__(self) -> str:
        return f"{self.key}@{self.region_code or '全国'}={self.value}"


class Notification(models.Model):
    """An in-app inbox item: what needs this user's action or is due soon. `key` makes sending idempotent:
    the same event (e.g. "notice:12:remind") reaches a user once, however often a job runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=96)
    kind = models.CharField("类别", max_length=32)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=255, blank=True)
    created_at = models.DateTimeField("时间", db_index=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "消息"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="uniq_notification_user_key")]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.title


class Counter(models.Model):
    """A named sequence for document numbers (文号), e.g. "notice:990102:2026"; taken under a row lock."""

    key = models.CharField(max_length=64, unique=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"
