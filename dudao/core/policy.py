"""Policy numbers (DOMAIN.md rule 6): defaults here, overrides per region subtree in the Policy table."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class PolicyDefault:
    default: object
    label: str
    source: str


DEFAULTS: dict[str, PolicyDefault] = {
    "auth.lockout_attempts": PolicyDefault(5, _("连续登录失败锁定次数"), "平台安全要求"),
    "auth.lockout_minutes": PolicyDefault(15, _("登录失败统计及锁定时长（分钟）"), "平台安全要求"),
    "auth.token_days": PolicyDefault(30, _("接口令牌有效期（天）"), "平台安全要求"),
    "zones.schools_per_inspector": PolicyDefault(5, _("每名责任督学负责学校数上限"), "挂牌督导办法 1:5 [OK]"),
    "zones.large_school_enrolment": PolicyDefault(2000, _("大规模学校在校生数（1:1 配备）"), "DOMAIN.md §4.5 [LOCAL]"),
}


def policy_value(key: str, region_code: str = ""):
    """The value in force for a region: the longest matching region override, else the default."""
    from dudao.core.models import Policy
    from dudao.core.scope import region_prefix

    if key not in DEFAULTS:
        raise KeyError(key)
    overrides = {p.region_code: p.value for p in Policy.objects.filter(key=key)}
    best, best_len = None, -1
    for code, value in overrides.items():
        prefix = region_prefix(code) if code else ""
        if region_code.startswith(prefix) and len(prefix) > best_len:
            best, best_len = value, len(prefix)
    return DEFAULTS[key].default if best_len < 0 else best
