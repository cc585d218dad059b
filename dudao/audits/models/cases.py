"""审计计划、审计事项、审计组、资料、发现问题、审计报告与公开 (audits, area cases)."""

from django.db import models  # noqa: F401
