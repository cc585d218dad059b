"""Demo: rounds (issue 23). The office copies two checklist samples from the library into its own templates and
starts two rounds from them, through the services:

- "2026年岁末年初节前安全稳定专项检查": window in the past (30 to 16 days ago), 12 targets — the demo inspector's
  first four 挂牌 schools (a typed list) and eight more public schools drawn by a seeded sample — opened; the fill
  area fills its answers and closes it.
- "暑期违规补课专项检查": open today (from 7 days ago to 14 days ahead): every training institution, checked by the
  demo inspector (named), and three junior schools by their 责任督学.

Deterministic: fixed seed, schools in code order, dates relative to today. Loading again adds nothing."""

import datetime

from django.utils import timezone

from dudao.checks.models import CheckRound
from dudao.checks.services import rounds as services
from dudao.people.models import Inspector
from dudao.schools.models import School
from dudao.zones.models import Assignment

HOLIDAY_TITLE = "2026年岁末年初节前安全稳定专项检查"
SUMMER_TITLE = "暑期违规补课专项检查"
SEED = 2026


def load(*, admin, office_user, county) -> None:
    if CheckRound.objects.filter(region=county, title__in=[HOLIDAY_TITLE, SUMMER_TITLE]).exists():
        return  # loaded before: the demo is loaded again on top (its idempotence test), nothing to add
    today = timezone.localdate()
    inspector = Inspector.objects.filter(user__username="demo_inspector").first()
    holiday_template = services.template_copy(actor=office_user, region=county, code="holiday_safety")
    summer_template = services.template_copy(actor=office_user, region=county, code="summer_tutoring")

    holiday = services.round_create(
        actor=office_user, region=county, title=HOLIDAY_TITLE, kind=holiday_template.kind,
        starts_on=today - datetime.timedelta(days=30), ends_on=today - datetime.timedelta(days=16),
        items=holiday_template.items, template=holiday_template,
        description="岁末年初及元旦、春节前，责任督学到校检查消防、食品、校车、值班和寒假安全教育落实情况。")
    own = list(Assignment.objects.current().filter(inspector=inspector).order_by("school__code")
               .values_list("school__code", flat=True).distinct()[:4]) if inspector else []
    if own:
        services.targets_select(actor=office_user, round=holiday, rule="list", codes="\n".join(own))
    services.targets_select(actor=office_user, round=holiday, rule="sample", types=["primary", "junior", "kindergarten"],
                            size=12 - len(own), seed=SEED)
    services.round_open(actor=office_user, round=holiday)

    summer = services.round_create(
        actor=office_user, region=county, title=SUMMER_TITLE, kind=summer_template.kind,
        starts_on=today - datetime.timedelta(days=7), ends_on=today + datetime.timedelta(days=14),
        items=summer_template.items, template=summer_template,
        description="对辖区校外培训机构和部分初中开展违规补课、违规学科类培训专项检查。")
    if School.objects.filter(region__code__startswith=county.code, school_type="training").exists():
        services.targets_select(actor=office_user, round=summer, rule="training", inspector=inspector)
    juniors = list(School.objects.filter(region__code__startswith=county.code, school_type="junior")
                   .order_by("code").values_list("code", flat=True)[:3])
    if juniors:
        services.targets_select(actor=office_user, round=summer, rule="list", codes="\n".join(juniors))
    services.round_open(actor=office_user, round=summer)
