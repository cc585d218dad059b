"""兼职督学劳务补贴 (workforce, area allowances)."""

from django.db import models  # noqa: F401
