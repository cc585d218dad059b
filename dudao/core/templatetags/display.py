"""Template filters for names: `{% load display %}` then `{{ t.actor|person }}` or `{{ t.actor|person:"公众" }}`."""

from django import template

from dudao.core.display import SYSTEM, person_name

register = template.Library()


@register.filter
def person(user, nobody: str = SYSTEM) -> str:
    """The user's registered name; "系统" (or the given word) when the record has no user."""
    return person_name(user, nobody=nobody)
