"""Template filters: `{% load display %}`, then `{{ t.actor|person }}` (or `{{ t.actor|person:"公众" }}`) and
`{{ notice.due_date|cn_date }}`."""

from django import template

from dudao.core import dates
from dudao.core.display import SYSTEM, person_name

register = template.Library()


@register.filter
def person(user, nobody: str = SYSTEM) -> str:
    """The user's registered name; "系统" (or the given word) when the record has no user."""
    return person_name(user, nobody=nobody)


@register.filter
def cn_date(value) -> str:
    """`{{ notice.due_date|cn_date }}` -> "2026年3月6日"; a datetime is shown as its Asia/Shanghai day."""
    if value in (None, ""):
        return ""
    return dates.cn_date(value)
