"""Core models: who holds which role where, the append-only audit log, login failures, API tokens, policy."""

import hashlib

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core import audit_chain


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    OFFICE = "office", _("督导室")
    INSPECTOR = "inspector", _("督学")
    SCHOOL = "school", _("学校用户")
    UNIT = "unit", _("单位用户")
    EXPERT = "expert", _("评估专家")
    LEADER = "leader", _("领导")


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
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey("regions.GovUnit", null=True, blank=True, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色分配")

    def __str__(self) -> str:
        target = self.region or self.school or self.unit or _("全部")
        return f"{self.get_role_display()} · {target}"


# Chinese names of audit actions; apps add theirs here as they add services.
ACTION_LABELS = {
    "registry.import": _("基础数据导入"), "school.create": _("新增学校"), "school.update": _("修改学校"),
    "unit.create": _("新增政府单位"), "unit.update": _("修改政府单位"), "region.create": _("新增行政区划"),
    "centre.create": _("新增教管中心"), "group.save": _("保存教育集团/学区"), "user.create": _("新建账号"),
    "user.set_password": _("设置密码"), "user.activate": _("启用账号"), "user.deactivate": _("停用账号"),
    "user.locked": _("账号登录失败锁定（多个地址）"), "user.unlock": _("解除锁定"), "role.assign": _("分配角色"),
    "role.revoke": _("撤销角色"), "token.issue": _("签发接口令牌"), "policy.set": _("修改政策参数"),
    "document.template_upload": _("上传文书模板"), "finding.raise": _("登记问题"),
    "inspector.create": _("新增督学"), "inspector.update": _("修改督学信息"), "inspector.status": _("督学状态变更"),
    "inspector.renew": _("督学续聘"), "training.add": _("登记培训"), "review.record": _("录入年度考核"),
    "expert.create": _("新增专家"), "expert.update": _("修改专家信息"), "people.import": _("督学与专家导入"),
    "zone.create": _("新增责任区"), "zone.update": _("修改责任区"), "assignment.set": _("挂牌责任督学"),
    "assignment.end": _("结束挂牌"), "visit.submit": _("提交督导纪实"), "visit.photo": _("补充督导照片"),
    "visit.sign": _("学校签收督导纪实"), "cross.create": _("安排交叉督导"), "complaint.receive": _("受理投诉举报"),
    "complaint.advance": _("办理投诉举报"), "finding.update": _("修改问题"), "notice.issue": _("下发整改通知书"),
    "notice.acknowledge": _("签收整改通知书"), "notice.start": _("开始整改"), "notice.report": _("提交整改报告"),
    "notice.verify": _("核查通过"), "notice.return": _("退回整改"), "order.issue": _("下达督办单"),
    "order.respond": _("主管部门反馈督办落实情况"), "notice.file": _("督学将整改报告报督导室备案"), "talk.propose": _("建议约谈"),
    "talk.hold": _("记录约谈"), "talk.dismiss": _("不予约谈"), "case.file": _("问责立案"),
    "case.investigated": _("问责调查认定"), "case.notified": _("问责书面告知"), "case.defended": _("问责陈述申辩"),
    "case.reviewed": _("问责审定"), "case.decided": _("作出问责决定"),
    "commendation.record": _("登记激励表彰"), "recheck.draw": _("回头看抽样"), "recheck.record": _("记录回头看结果"),
    "finding.reopen": _("回头看未通过，重新整改"), "publication.publish": _("发布公开信息"),
    "publication.withdraw": _("撤回公开信息"),
    "login.success": _("登录成功"),
    "login.failed": _("登录失败"),
    "login.locked": _("账号在该地址登录失败锁定"),
    "login.address_blocked": _("地址登录失败过多暂停登录"),
    "token.revoke": _("撤销接口令牌"),
    "inspection.batch_start": _("批量生成督导意见书"),
    "inspection.batch_retry": _("重试批量生成督导意见书"),
    "document.template_refused": _("拒绝上传不安全或有误的文书模板"),
    "case.filed": _("问责立案"),
    "framework.create": _("新建指标体系"),
    "framework.edit": _("修改指标体系"),
    "framework.freeze": _("指标体系定版"),
    "framework.version": _("指标体系新版本"),
    "inspection.create": _("建立督导项目"),
    "inspection.targets": _("添加督导对象"),
    "inspection.team": _("调整督导组"),
    "inspection.advance": _("督导项目转阶段"),
    "inspection.notice_number": _("设置督导通知文号"),
    "inspection.score": _("督导评分"),
    "inspection.self_score": _("自评评分"),
    "inspection.materials": _("提交自评材料"),
    "inspection.materials_review": _("审核自评材料"),
    "inspection.leaf_evidence": _("上传考查要点佐证"),
    "inspection.opinion_save": _("保存督导意见书"),
    "inspection.followup": _("安排回访督导"),
    "inspection.appeal": _("提出申辩"),
    "inspection.appeal_respond": _("答复申辩"),
    "monitoring.campaign_create": _("建立监测工作"),
    "monitoring.task_add": _("分派监测任务"),
    "monitoring.task_progress": _("更新监测任务进度"),
    "monitoring.county_inputs": _("填报县级监测数据"),
    "monitoring.guarantee_evidence": _("上传保障指标佐证"),
    "monitoring.stats_import": _("导入监测统计数据"),
    "survey.questionnaire_create": _("新建问卷"),
    "survey.questionnaire_edit": _("修改问卷"),
    "survey.questionnaire_publish": _("发布问卷"),
    "survey.questionnaire_version": _("问卷新版本"),
    "survey.round_create": _("发起满意度调查"),
    "survey.round_close": _("结束满意度调查"),
    "survey.codes_generate": _("生成调查码"),
    "survey.response_exclude": _("剔除问卷答卷"),
    "survey.flagged_exclude": _("剔除可疑答卷"),
}


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
        from dudao.core.scope import scope_for

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
    at = models.DateTimeField(_("时间"), default=timezone.now, editable=False, db_index=True)
    # Users are deactivated, never deleted: a user with audit records cannot be deleted.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    region_code = models.CharField(_("所属区划"), max_length=12, blank=True, db_index=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    request_id = models.CharField(_("请求编号"), max_length=36, blank=True)
    ip = models.GenericIPAddressField(_("IP"), null=True, blank=True)
    # SHA-256 over the content above and prev_hash (dudao.core.audit_chain); prev_hash is the hash of the
    # record before in id order (64 zeros for the first). `manage.py audit_verify` checks both.
    prev_hash = models.CharField(_("前一条哈希"), max_length=64, blank=True, editable=False)
    hash = models.CharField(_("哈希"), max_length=64, blank=True, editable=False)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
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

    key = models.CharField(_("参数"), max_length=64)
    region_code = models.CharField(_("适用区划"), max_length=12, blank=True, default="")
    value = models.JSONField(_("取值"))
    note = models.CharField(_("依据"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("政策参数")
        constraints = [models.UniqueConstraint(fields=["key", "region_code"], name="uniq_policy_key_region")]

    def __str__(self) -> str:
        return f"{self.key}@{self.region_code or '全国'}={self.value}"


class Notification(models.Model):
    """An in-app inbox item: what needs this user's action or is due soon. `key` makes sending idempotent:
    the same event (e.g. "notice:12:remind") reaches a user once, however often a job runs."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=96)
    kind = models.CharField(_("类别"), max_length=32)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
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
