import datetime

import pytest
from django.core.cache import cache, caches
from django.utils import timezone

from dudao.surveys import services
from dudao.surveys.builtin import TEMPLATES

GOOD = {"q1": "母亲", "q2": 5, "q3": {str(i): 4 for i in range(1, 9)}, "q4": "30分钟以内", "q5": "没有"}


def answers(overall: int = 5, rows: int = 4, **extra) -> dict:
    return {**GOOD, "q2": overall, "q3": {str(i): rows for i in range(1, 9)}, **extra}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    caches["local"].clear()
    yield
    cache.clear()
    caches["local"].clear()


@pytest.fixture
def published(world):
    q = services.questionnaire_from_template(actor=world.office_a, county=world.county_a, template_code="parent_school")
    return services.questionnaire_publish(actor=world.office_a, questionnaire=q)


@pytest.fixture
def survey(world, published):
    now = timezone.now()
    return services.round_create(
        actor=world.office_a, questionnaire=published, name="甲区2026年家长满意度调查", year=2026,
        schools=world.schools_a[:3], opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=7), feeds_recognition=True)


assert "parent_school" in TEMPLATES
