"""述职评议 services: the flow, recusal, aggregation (hand-worked trimmed mean with 5 raters), refusals, findings,
publication, reports and scope."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Policy
from dudao.rectification.models import Finding, FindingSource, Publication
from dudao.reviews.models import Rating, RatingFinding, SessionStatus
from dudao.reviews.services import rating as services
from tests.reviews.rating_fixtures import all_scores, fresh, make_session, rating_fixture, reporter_of  # noqa: F401 -- fixture

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def _score_all(rw, values):
    """values[i] = the value rater i gives every leaf of every reporter they may score; then each submits."""
    for rater, value in zip(rw.raters, values, strict=True):
        for reporter in rw.session.reporters.all():
            if reporter.unit_id == rater.unit_id:
                continue
            services.rating_save(rater=rater, reporter=reporter, scores=all_scores(rw.session, value))
        services.rating_submit(rater=fresh(rater))


def test_flow_aggregates_with_trimmed_mean_and_recusal(world, rating):
    rw = rating
    services.session_open(actor=world.office_a, session=rw.session)
    # raters 1..5 give 10, 8, 6, 9, 3 everywhere; rater 1 belongs to unit_a and is recused from it
    _score_all(rw, [10, 8, 6, 9, 3])
    session = services.session_close(actor=world.office_a, session=rw.session)
    assert session.status == SessionStatus.CLOSED
    other = reporter_of(session, rw.units[1])
    own = reporter_of(session, world.unit_a)
    # others: all five → without 10 and 3: (8 + 6 + 9) / 3 = 7.667 → 76.67
    assert other.score == pytest.approx(230 / 3, abs=1e-3) and other.rater_count == 5 and not other.few_raters
    # unit_a: raters 2..5 → 8, 6, 9, 3 → without 9 and 3: (8 + 6) / 2 = 7 → 70; 4 raters < 5: flagged
    assert own.score == pytest.approx(70) and own.rater_count == 4 and own.few_raters
    assert other.rank == 1 and own.rank == 4 and other.level == "良好" and own.level == "合格"
    assert {r.rank for r in session.reporters.exclude(pk=own.pk)} == {1}  # three equal scores share rank 1
    assert AuditLog.objects.filter(action="reviews.session_close").exists()


def test_recusal_refused_and_nothing_saved(world, rating):
    services.session_open(actor=world.office_a, session=rating.session)
    own = reporter_of(rating.session, world.unit_a)
    with pytest.raises(ApplicationError, match="不能评议本单位"):
        services.rating_save(rater=rating.raters[0], reporter=own, scores=all_scores(rating.session, 9))
    assert not Rating.objects.filter(reporter=own).exists()


@pytest.mark.parametrize("value,message", [("11", "超出"), ("-1", "超出"), ("NaN", "不是有效"), ("inf", "不是有效"),
                                           ("1e308", "超出"), ("abc", "不是数字"), ("N/A", "请评分"), ("9" * 40, "过长")])
def test_bad_values_refused_nothing_saved(world, rating, value, message):
    services.session_open(actor=world.office_a, session=rating.session)
    reporter = reporter_of(rating.session, rating.units[1])
    scores = all_scores(rating.session, 7) | {rating.leaves[0]: value}
    with pytest.raises(ApplicationError, match=message):
        services.rating_save(rater=rating.raters[1], reporter=reporter, scores=scores)
    assert not Rating.objects.exists()


def test_unknown_leaf_codes_and_bad_shapes_refused(world, rating):
    services.session_open(actor=world.office_a, session=rating.session)
    reporter = reporter_of(rating.session, rating.units[1])
    for scores in ({"ZZ.9": "5"}, {"A1": "5"}, ["5"], {rating.leaves[0]: ["5"]}):
        with pytest.raises(ApplicationError):
            services.rating_save(rater=rating.raters[1], reporter=reporter, scores=scores)
    assert not Rating.objects.exists()


def test_reporter_of_another_session_refused(world, rating):
    other = make_session(world, title="另一次评议")
    services.reporters_add(actor=world.office_a, session=other, units=[rating.units[2]])
    services.session_open(actor=world.office_a, session=rating.session)
    with pytest.raises(ApplicationError, match="不在本次评议中"):
        services.rating_save(rater=rating.raters[1], reporter=other.reporters.get(), scores={})
    with pytest.raises(ApplicationError, match="不在本次评议中"):
        services.rating_save(rater=rating.raters[1], reporter="99999999999999999999999", scores={})


def test_closed_or_draft_session_refuses_scores(world, rating):
    reporter = reporter_of(rating.session, rating.units[1])
    with pytest.raises(ApplicationError, match="不在评议期间"):
        services.rating_save(rater=rating.raters[1], reporter=reporter, scores=all_scores(rating.session, 5))
    services.session_open(actor=world.office_a, session=rating.session)
    _score_all(rating, [5, 6, 7, 8, 9])
    services.session_close(actor=world.office_a, session=rating.session)
    rater = rating.raters[1]
    rater.finished_at = None
    rater.save()
    with pytest.raises(ApplicationError, match="不在评议期间"):
        services.rating_save(rater=fresh(rater), reporter=reporter, scores=all_scores(rating.session, 1))


def test_submit_needs_every_reporter_and_then_locks(world, rating):
    services.session_open(actor=world.office_a, session=rating.session)
    rater = rating.raters[1]
    services.rating_save(rater=rater, reporter=reporter_of(rating.session, rating.units[1]),
                         scores=all_scores(rating.session, 8))
    with pytest.raises(ApplicationError, match="还有 3 个单位未评完"):
        services.rating_submit(rater=fresh(rater))
    for unit in rating.units:
        services.rating_save(rater=rater, reporter=reporter_of(rating.session, unit), scores=all_scores(rating.session, 8))
    services.rating_submit(rater=fresh(rater))
    with pytest.raises(ApplicationError, match="已提交"):
        services.rating_save(rater=fresh(rater), reporter=reporter_of(rating.session, rating.units[1]),
                             scores=all_scores(rating.session, 1))
    assert Rating.objects.get(rater=rater, reporter__unit=rating.units[1]).scores[rating.leaves[0]] == "8"


def test_moves_are_declared_and_refusals_say_why(world, rating):
    with pytest.raises(ApplicationError, match="不能变为“已汇总”"):
        services.session_close(actor=world.office_a, session=rating.session)
    empty = make_session(world, title="空评议")
    with pytest.raises(ApplicationError, match="还没有述职单位"):
        services.session_open(actor=world.office_a, session=empty)
    services.session_open(actor=world.office_a, session=rating.session)
    with pytest.raises(ApplicationError, match="还没有评议人提交"):
        services.session_close(actor=world.office_a, session=rating.session)
    with pytest.raises(ApplicationError, match="只有筹备中时可以添加述职单位"):
        services.reporters_add(actor=world.office_a, session=rating.session, units=[world.unit_a])


def test_office_of_another_county_refused(world, rating):
    with pytest.raises(PermissionDenied):
        services.session_open(actor=world.office_b, session=rating.session)
    with pytest.raises(PermissionDenied):
        services.rater_add(actor=world.office_b, session=rating.session, name="x", kind="other")
    with pytest.raises(ApplicationError, match="不属于甲区"):
        services.reporters_add(actor=world.office_a, session=rating.session, units=[world.unit_b])
    with pytest.raises(ApplicationError, match="不属于甲区"):
        services.rater_add(actor=world.office_a, session=rating.session, name="x", kind="other", unit=world.unit_b)
    with pytest.raises(ApplicationError, match="不是甲区的用户"):
        services.rater_add(actor=world.office_a, session=rating.session, name="x", kind="other", user=world.office_b)


def test_framework_of_another_county_or_draft_refused(world):
    from dudao.frameworks.services import framework_from_template
    from tests.reviews.rating_fixtures import frozen_framework
    theirs = frozen_framework(type("W", (), {"office_a": world.office_b, "county_a": world.county_b})(),
                              region=world.county_b)
    with pytest.raises(ApplicationError, match="不属于本区县"):
        make_session(world, framework=theirs)
    draft = framework_from_template(actor=world.office_a, region=world.county_a, template_code="shuzhi")
    with pytest.raises(ApplicationError, match="尚未定版"):
        make_session(world, framework=draft)


def test_reissue_changes_the_key(world, rating):
    old = rating.raters[1].key
    rater = services.rater_reissue(actor=world.office_a, rater=rating.raters[1])
    assert rater.key != old and len(rater.key) >= 32
    assert old not in str(AuditLog.objects.filter(action="reviews.rater_reissue").values_list("after", flat=True)[0])


def _closed(world, rw, values=(10, 8, 6, 9, 3)):
    services.session_open(actor=world.office_a, session=rw.session)
    _score_all(rw, list(values))
    return services.session_close(actor=world.office_a, session=rw.session)


def test_publish_and_unpublish(world, rating):
    session = _closed(world, rating)
    session = services.session_publish(actor=world.office_a, session=session)
    item = Publication.objects.get(pk=session.publication_id)
    assert session.status == SessionStatus.PUBLISHED and item.withdrawn_at is None and item.kind == "result"
    assert "第 1 名" in item.body and "评议人" not in item.body
    session = services.session_unpublish(actor=world.office_a, session=session, reason="名次有误，复核")
    item.refresh_from_db()
    assert session.status == SessionStatus.CLOSED and item.withdrawn_at is not None
    with pytest.raises(ApplicationError, match="撤回原因"):
        services.session_unpublish(actor=world.office_a, session=session, reason=" ")


def test_findings_from_low_items_once(world, rating):
    session = _closed(world, rating, (5, 5, 4, 6, 3))  # others: (5+5+4)/3 → 0.4667 < 0.6
    reporter = reporter_of(session, rating.units[1])
    code = rating.leaves[0]
    due = timezone.localdate() + datetime.timedelta(days=30)
    findings = services.findings_raise(actor=world.office_a, session=session, items=[f"{reporter.pk}:{code}"],
                                       due_date=due)
    finding = findings[0]
    assert finding.source == FindingSource.DUZHENG and finding.unit_id == rating.units[1].pk
    assert finding.source_type == "reviews.reporter" and finding.source_id == str(reporter.pk)
    with pytest.raises(ApplicationError, match="不能重复"):
        services.findings_raise(actor=world.office_a, session=session, items=[f"{reporter.pk}:{code}"], due_date=due)
    with pytest.raises(ApplicationError, match="不在本次评议结果中"):
        services.findings_raise(actor=world.office_a, session=session, items=[f"{reporter.pk}:ZZ"], due_date=due)
    with pytest.raises(ApplicationError, match="无效"):
        services.findings_raise(actor=world.office_a, session=session, items=["x:y"], due_date=due)
    assert Finding.objects.count() == 1 and RatingFinding.objects.count() == 1
    with pytest.raises(ApplicationError, match="不能重新开放"):
        services.session_reopen(actor=world.office_a, session=session, reason="x")


def test_high_items_are_not_findings(world, rating):
    session = _closed(world, rating, (9, 9, 9, 9, 9))
    reporter = reporter_of(session, rating.units[1])
    with pytest.raises(ApplicationError, match="不低于 60%"):
        services.findings_raise(actor=world.office_a, session=session, items=[f"{reporter.pk}:{rating.leaves[0]}"],
                                due_date=timezone.localdate())


def test_min_raters_is_a_policy(world, rating):
    Policy.objects.create(key="reviews.rating_min_raters", region_code=world.county_a.code, value=6)
    session = _closed(world, rating)
    assert all(r.few_raters for r in session.reporters.all())


@pytest.mark.parametrize("clock", ["00:30", "23:30"])
def test_beijing_day_edges(world, rating, clock):
    hour, minute = map(int, clock.split(":"))
    now = datetime.datetime(2026, 12, 31, hour, minute, tzinfo=BEIJING)
    with time_machine.travel(now, tick=False):
        session = _closed(world, rating, (5, 5, 4, 6, 3))
        reporter = reporter_of(session, rating.units[1])
        today = datetime.date(2026, 12, 31)
        with pytest.raises(ApplicationError, match="不能早于今天"):
            services.findings_raise(actor=world.office_a, session=session, items=[f"{reporter.pk}:{rating.leaves[0]}"],
                                    due_date=today - datetime.timedelta(days=1))
        services.findings_raise(actor=world.office_a, session=session, items=[f"{reporter.pk}:{rating.leaves[0]}"],
                                due_date=today)
        assert timezone.localtime(session.closed_at).date() == today


def _pdf():
    return SimpleUploadedFile("述职报告.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


def test_report_upload_by_own_unit_only(world, rating):
    own = reporter_of(rating.session, world.unit_a)
    services.report_upload(actor=world.town_a, reporter=own, upload=_pdf())
    assert reporter_of(rating.session, world.unit_a).report.original_name == "述职报告.pdf"
    with pytest.raises(ApplicationError, match="本单位"):
        services.report_upload(actor=world.town_a, reporter=reporter_of(rating.session, rating.units[1]), upload=_pdf())
    with pytest.raises(ApplicationError):
        services.report_upload(actor=world.town_a, reporter=own,
                               upload=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"))
    xlsx = SimpleUploadedFile("x.xlsx", open("dudao/documents/defaults/rating_result.docx", "rb").read().replace(
        b"word/", b"xl/x/"), content_type="application/octet-stream")
    with pytest.raises(ApplicationError):
        services.report_upload(actor=world.town_a, reporter=own, upload=xlsx)


def test_year_key_events_and_calendar(world, rating):
    from dudao.core.registries import calendar_sources, key_event_sources

    with time_machine.travel(datetime.datetime(2026, 12, 18, 23, 30, tzinfo=BEIJING), tick=False):
        session = services.session_publish(actor=world.office_a, session=_closed(world, rating))
    _label, events = key_event_sources()["reviews.rating"]
    found = list(events(world.county_a.code, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)))
    assert [(e.key, e.day) for e in found] == [(f"reviews.rating_held:{session.pk}", datetime.date(2026, 12, 18)),
                                               (f"reviews.rating_published:{session.pk}", datetime.date(2026, 12, 18))]
    assert not list(events(world.county_b.code, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)))
    assert not list(events(world.county_a.code, datetime.date(2027, 1, 1), datetime.date(2027, 12, 31)))
    items = calendar_sources()["reviews.rating"].items(world.office_a, datetime.date(2026, 12, 1),
                                                       datetime.date(2026, 12, 31))
    assert [i.start for i in items] == [datetime.date(2026, 12, 18)]
    assert not calendar_sources()["reviews.rating"].items(world.office_b, datetime.date(2026, 12, 1),
                                                          datetime.date(2026, 12, 31))
