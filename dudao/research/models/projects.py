"""课题：成员、开题、中期、结题 (research, area projects)."""

from django.db import models  # noqa: F401
