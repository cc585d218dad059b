"""Round factory for the quality tests: a valid round, built by the service, in district A (import it)."""

import datetime

from django.utils import timezone

from dudao.quality.services import rounds as services


def school_year() -> int:
    """The school year in progress (its first calendar year)."""
    today = timezone.localdate()
    return today.year if today.month >= 9 else today.year - 1


def make_round(world, **overrides):
    year = school_year()
    fields = dict(actor=world.office_a, region=world.county_a, title="甲区八年级学业质量监测", year=year,
                  term="autumn", grade=8, test_date=datetime.date(year, 11, 20),
                  subjects=[{"name": "语文", "full_marks": 100}, {"name": "数学", "full_marks": 120}],
                  draw_pool=[{"name": "英语", "full_marks": 100}, {"name": "物理", "full_marks": 100},
                             {"name": "道德与法治", "full_marks": 100}],
                  selection="type", selection_params={"school_types": ["junior", "nine_year"]})
    fields.update(overrides)
    return services.round_create(**fields)

