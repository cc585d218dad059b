"""督学聘任、公示、聘书与督学证、公开验证 (workforce, area appointments)."""

from django.db import models  # noqa: F401
