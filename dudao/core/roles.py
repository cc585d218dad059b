"""The roles a user can hold (kept apart from core.models so that core.scope can use them)."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    OFFICE = "office", "督导室"
    INSPECTOR = "inspector", "督学"
    SCHOOL = "school", "学校用户"
    UNIT = "unit", "单位用户"
    EXPERT = "expert", "评估专家"
    LEADER = "leader", "领导"
