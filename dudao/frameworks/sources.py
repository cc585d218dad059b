"""Data sources a numeric check point (考查要点) can read its value from: a registry that higher apps fill.

A leaf rule may name a source:
    {"kind": "numeric", "op": ">=", "threshold": 60, "unit": "%",
     "source": {"key": "quality.pass_rate", "subject": "数学", "round": "latest"}}
When a school is scored against such a leaf, the scoring form is prefilled with the value the source finds for
that school, with a note saying where it came from; the scorer may keep or change it. The scoring engine
(scoring.py) stays pure: it only checks that the key is registered (rule_problems) and scores the value recorded.

frameworks is below the apps that hold such data (quality: 学业质量监测), so those apps register their sources
from their registrations.py: `register_indicator_source("quality.pass_rate", "学业质量监测合格率", resolver,
check=params_check)`. A resolver is resolver(school, params) -> IndicatorValue | None (None: no value found);
a check is check(params) -> [Chinese problems]. Pure Python: nothing here imports Django.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IndicatorValue:
    value: float
    note: str  # where the value came from, shown next to the prefilled field: "来自质量监测：…"


@dataclass(frozen=True)
class IndicatorSource:
    key: str
    label: str
    resolver: Callable[[Any, Mapping], IndicatorValue | None]
    check: Callable[[Mapping], list[str]] | None = None


_SOURCES: dict[str, IndicatorSource] = {}


def register_indicator_source(key: str, label: str, resolver: Callable[[Any, Mapping], IndicatorValue | None], *,
                              check: Callable[[Mapping], list[str]] | None = None) -> None:
    """Register (or re-register: harmless) a data source under `key`."""
    _SOURCES[key] = IndicatorSource(key, label, resolver, check)


def indicator_sources() -> dict[str, str]:
    """Every registered source: key → Chinese label (for the editor and the rule text)."""
    return {key: source.label for key, source in sorted(_SOURCES.items())}


def source_problems(source: Any) -> list[str]:
    """Chinese problems of a rule's "source" entry: its shape, an unknown key, the source's own parameter check."""
    if not isinstance(source, Mapping) or not isinstance(source.get("key"), str):
        return ["数据来源应写明来源标识（key）。"]
    registered = _SOURCES.get(source["key"])
    if registered is None:
        known = "、".join(indicator_sources()) or "无"
        return [f"未知的数据来源“{source['key'][:64]}”（可用：{known}）。"]
    return list(registered.check(source)) if registered.check else []


def source_label(source: Mapping) -> str:
    registered = _SOURCES.get(source.get("key", "")) if isinstance(source, Mapping) else None
    return registered.label if registered else ""


def resolve_indicator(source: Any, school) -> IndicatorValue | None:
    """The value a rule's source finds for a school, or None (no source, unknown key, or no data)."""
    if source_problems(source):
        return None
    return _SOURCES[source["key"]].resolver(school, source)
