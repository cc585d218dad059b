"""培训活动、签到、结业与培训证书、40 学时达标 (workforce, area training)."""

from django.db import models  # noqa: F401
