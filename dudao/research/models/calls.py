"""征集评选：作品、专家评分、排名、获奖与文集 (research, area calls)."""

from django.db import models  # noqa: F401
