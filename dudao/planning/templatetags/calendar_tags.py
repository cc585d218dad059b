"""Small filters of the 行事历 page: a dict lookup (a source's colour and label) and the Chinese weekday."""

from django import template

register = template.Library()

WEEKDAYS = "一二三四五六日"


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def weekday_cn(day) -> str:
    """"星期一" … "星期日" for a date."""
    return "星期" + WEEKDAYS[day.weekday()] if day else ""
