"""The demo's reviews (issue 21): rating (述职评议). Idempotent: a second load adds nothing.

Last year's 述职评议 of the towns of the demo county, held in January of this year (last year itself is archived by
the planning demo): 7 town governments report, 9 raters of mixed kinds score them with deterministic pseudo-random
scores (one 委员 belongs to a town and is recused from it), the session is closed (ranks and levels) and published.
Its moments are set to fixed days of January, never the load day."""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.frameworks.models import Framework, FrameworkStatus
from dudao.frameworks.services import framework_freeze, framework_from_template
from dudao.rectification.models import Publication
from dudao.regions.models import GovUnit, UnitKind
from dudao.reviews.models import Rater, RaterKind, Rating, RatingSession, SessionTransition
from dudao.reviews.services import rating as services

REPORTERS = 7
RATERS = [  # name, kind, unit: "bureau" (the education bureau), "town" (a reporting town: recused) or None
    ("王建国", RaterKind.MEMBER, "bureau"), ("李红梅", RaterKind.MEMBER, "town"), ("赵志强", RaterKind.MEMBER, None),
    ("陈立新", RaterKind.DEPUTY, None), ("周文华", RaterKind.DEPUTY, None), ("吴海燕", RaterKind.CPPCC, None),
    ("郑国平", RaterKind.CPPCC, None), ("孙丽娟", RaterKind.PRINCIPAL, None), ("何振东", RaterKind.OTHER, None),
]
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _beijing(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _framework(office_user, county) -> Framework:
    found = Framework.objects.filter(region=county, template_code="shuzhi", status=FrameworkStatus.FROZEN).first()
    if found:
        return found
    draft = framework_from_template(actor=office_user, region=county, template_code="shuzhi")
    return framework_freeze(actor=office_user, framework=draft)


def _towns(county) -> list[GovUnit]:
    towns = list(GovUnit.objects.filter(region__code__startswith=county.code,
                                        kind__in=(UnitKind.TOWN_GOV, UnitKind.SUBDISTRICT)).order_by("code"))
    nanhu = [t for t in towns if t.region.name == "南湖镇"]  # the demo unit account's town reports too
    return list(dict.fromkeys(nanhu + towns))[:REPORTERS]


def load(*, admin, office_user, county) -> None:
    year = timezone.localdate().year - 1
    title = f"{year}年度乡镇（街道）履行教育职责述职评议"
    if RatingSession.objects.filter(region=county, year=year, title=title).exists():
        return
    towns = _towns(county)
    if len(towns) < 2:
        return
    held = datetime.date(year + 1, 1, 16)
    session = services.session_create(actor=office_user, region=county, title=title, year=year, held_on=held,
                                      framework=_framework(office_user, county), combine="trimmed")
    services.reporters_add(actor=office_user, session=session, units=towns)
    for reporter in session.reporters.order_by("position")[:3]:
        services.report_upload(actor=office_user, reporter=reporter, upload=SimpleUploadedFile(
            f"{reporter.unit.name}{year}年度履行教育职责述职报告.pdf", PDF, content_type="application/pdf"))
    bureau = GovUnit.objects.filter(region__code__startswith=county.code, is_education_authority=True).first()
    units = {"bureau": bureau, "town": towns[1], None: None}
    raters = [services.rater_add(actor=office_user, session=session, name=name, kind=kind, unit=units[unit])
              for name, kind, unit in RATERS]
    services.session_open(actor=office_user, session=session)
    rng = random.Random(year)
    quality = {t.pk: 6.2 + 3.4 * i / max(1, len(towns) - 1) for i, t in enumerate(reversed(towns))}
    leaves = services.scorable_leaves(session)
    for rater in raters:
        for reporter in session.reporters.all():
            if reporter.unit_id == rater.unit_id:
                continue  # recused from their own town
            base = quality[reporter.unit_id]
            scores = {leaf.code: str(max(0, min(10, round(base + rng.uniform(-1.4, 1.4))))) for leaf in leaves}
            services.rating_save(rater=rater, reporter=reporter, scores=scores)
        services.rating_submit(rater=Rater.objects.get(pk=rater.pk))
    session = services.session_close(actor=office_user, session=session)
    session = services.session_publish(actor=office_user, session=session)
    _backdate(session, held)


def _backdate(session: RatingSession, held: datetime.date) -> None:
    """The session's moments on fixed January days: prepared on the 5th, rated on the day, published on the 23rd."""
    published = _beijing(held + datetime.timedelta(days=7), 10)
    closed = _beijing(held, 17, 30)
    RatingSession.objects.filter(pk=session.pk).update(created_at=_beijing(held - datetime.timedelta(days=11), 9),
                                                       closed_at=closed, published_at=published)
    Publication.objects.filter(pk=session.publication_id).update(published_at=published)
    Rater.objects.filter(session=session).update(finished_at=_beijing(held, 16, 40))
    Rating.objects.filter(reporter__session=session).update(submitted_at=_beijing(held, 16, 20))
    moments = {"draft": held - datetime.timedelta(days=11), "open": held, "closed": held, "published": published}
    for transition in SessionTransition.objects.filter(session=session):
        at = moments[transition.to_status]
        at = at if isinstance(at, datetime.datetime) else _beijing(at, {"draft": 9, "open": 14, "closed": 17}[
            transition.to_status], 30 if transition.to_status == "closed" else 0)
        SessionTransition.objects.filter(pk=transition.pk).update(at=at)
    session.reporters.update(computed_at=closed)
    session.reporters.filter(report__isnull=False).update(report_at=_beijing(held - datetime.timedelta(days=3), 11))
