"""Policy numbers (DOMAIN.md rule 6): defaults here, overrides per region subtree in the Policy table."""

from dataclasses import dataclass

from dudao.core.models import Policy
from dudao.core.scope import region_prefix


@dataclass(frozen=True)
class PolicyDefault:
    default: object
    label: str
    source: str


# core's own defaults; every other app registers its policy numbers from its AppConfig.ready()
# (dudao/<app>/registrations.py), so core imports no app.
DEFAULTS: dict[str, PolicyDefault] = {
    "auth.lockout_attempts": PolicyDefault(5, "同一账号从同一地址登录失败锁定次数（只锁该账号在该地址的登录）", "平台安全要求"),
    "auth.lockout_minutes": PolicyDefault(15, "登录失败统计及锁定时长（分钟）", "平台安全要求"),
    "auth.address_attempts": PolicyDefault(20, "同一地址登录失败（不论账号）达到此数即暂停该地址登录", "平台安全要求"),
    "auth.account_attempts": PolicyDefault(50, "账号登录失败（各地址合计）达到此数即锁定整个账号", "平台安全要求"),
    "auth.account_addresses": PolicyDefault(5, "锁定整个账号还须失败来自的不同地址数下限", "平台安全要求"),
    "auth.ipv6_prefix": PolicyDefault(64, "IPv6 地址按此前缀长度的网段合并计算登录失败（IPv4 按单个地址）", "平台安全要求"),
    "auth.known_address_days": PolicyDefault(30, "账号在此天数内登录成功过的地址（网段）不受整个账号锁定影响", "平台安全要求"),
    "auth.token_days": PolicyDefault(30, "接口令牌有效期（天）", "平台安全要求"),
    "files.max_upload_mb": PolicyDefault(20, "单个上传文件大小上限（MB）", "平台安全要求"),
}


def register_policy_defaults(defaults: dict[str, PolicyDefault]) -> None:
    """Add an app's policy numbers; a key may be declared once."""
    for key, default in defaults.items():
        if DEFAULTS.setdefault(key, default) is not default:
            raise ValueError(f"policy {key!r} is declared twice")


def policy_value(key: str, region_code: str = ""):
    """The value in force for a region: the longest matching region override, else the default."""
    return PolicyTable([key]).get(key, region_code)


class PolicyTable:
    """Several policies for many regions from one query: pages that judge every county of a province
    read their limits through this instead of one policy_value() query per county and key."""

    def __init__(self, keys):
        unknown = [k for k in keys if k not in DEFAULTS]
        if unknown:
            raise KeyError(unknown[0])
        self._overrides: dict[str, list[tuple[str, object]]] = {k: [] for k in keys}
        for key, code, value in Policy.objects.filter(key__in=list(keys)).values_list("key", "region_code", "value"):
            self._overrides[key].append((region_prefix(code) if code else "", value))
        for rows in self._overrides.values():
            rows.sort(key=lambda row: -len(row[0]))  # the longest prefix first

    def values(self, key: str) -> list:
        """Every value the key takes anywhere (the default and each override), e.g. for the widest window."""
        return [DEFAULTS[key].default] + [value for _prefix, value in self._overrides[key]]

    def get(self, key: str, region_code: str = ""):
        for prefix, value in self._overrides[key]:
            if region_code.startswith(prefix):
                return value
        return DEFAULTS[key].default
