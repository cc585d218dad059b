"""The demo's reviews (issue 21): bulletin. Idempotent: a second load adds nothing.

Last year's 公报 of the county, built from the demo's data, with a few lines typed over by the office (as an office
does when the 事业统计 are corrected after the platform's import) and one line the platform does not hold (教育经费),
published on 20 March of this year (the day before the load if that is still ahead); this year's draft beside it."""

import datetime

from django.utils import timezone

from dudao.rectification.models import Publication
from dudao.reviews.models import Bulletin
from dudao.reviews.services import bulletin as services

# 字段名 → the value the office typed over the platform's figure
EDITED = {"在校生数": "41236", "整改率": "96.8"}
# lines the demo data leaves empty, filled by the office
FILLED = {"社会认可度": "93.6", "优质均衡达标项数": "6", "学前普惠达标项数": "7"}
NEXT_STEPS = ("六、下一步工作\n"
              "（一）深化督政：开展区政府职能部门履行教育职责年度述职，结果纳入年度考核。\n"
              "（二）做实督学：落实责任督学挂牌督导“每月进校”要求，严控进校频次，提高问题整改实效。\n"
              "（三）强化评估监测：巩固义务教育优质均衡发展成果，推进学前教育普及普惠督导评估。\n"
              "（四）强化结果运用：督导结果作为干部任用、评优评先和绩效考核的重要依据，向社会公开。")


def _publish_day(year: int) -> datetime.datetime:
    tz = timezone.get_current_timezone()
    day = datetime.datetime(year + 1, 3, 20, 10, 0, tzinfo=tz)
    return min(day, timezone.now() - datetime.timedelta(days=1))


def load_last_year(*, office_user, county, year: int) -> None:
    if Bulletin.objects.filter(region=county, year=year).exists():
        return
    bulletin = services.bulletin_create(actor=office_user, region=county, year=year)
    body = bulletin.body.split("六、下一步工作")[0] + NEXT_STEPS + \
        "\n\n附：全年教育经费总投入 {{ 教育经费投入 }} 亿元（区财政局提供）。"
    services.body_update(actor=office_user, bulletin=bulletin, title=bulletin.title, body=body)
    services.field_add(actor=office_user, bulletin=bulletin, key="教育经费投入", label="教育经费总投入（区财政局）",
                       unit="亿元", value="18.6", required=True)
    fields = {f.key: f for f in bulletin.fields.all()}
    for key, value in EDITED.items():
        if key in fields:
            services.field_update(actor=office_user, bulletin=bulletin, field=fields[key], value=value)
    for f in bulletin.fields.filter(value=""):
        services.field_update(actor=office_user, bulletin=bulletin, field=f, value=FILLED.get(f.key, "0"))
    bulletin = services.bulletin_publish(actor=office_user, bulletin=bulletin)
    # A 公报 is published in spring: date it (and so its public item, feed entry and 大事记) 20 March.
    when = _publish_day(year)
    Bulletin.objects.filter(pk=bulletin.pk).update(published_at=when)
    Publication.objects.filter(pk=bulletin.publication_id).update(published_at=when)


def load_this_year(*, office_user, county, year: int) -> None:
    if Bulletin.objects.filter(region=county, year=year).exists():
        return
    services.bulletin_create(actor=office_user, region=county, year=year)


def load(*, admin, office_user, county) -> None:
    today = timezone.localdate()
    load_last_year(office_user=office_user, county=county, year=today.year - 1)
    load_this_year(office_user=office_user, county=county, year=today.year)

