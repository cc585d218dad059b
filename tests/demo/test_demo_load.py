"""The demo district: deterministic, complete enough to show every screen, safe to load twice.

The demo is loaded once for the module (committed, flushed at the end); each test reads it inside its own
transaction, and the tests that load it again (idempotence) do so inside that transaction."""

import pytest
from django.contrib.auth import authenticate, get_user_model

from dudao.core.scope import scope_for
from dudao.demo.services import DEMO_ACCOUNTS, demo_load
from dudao.people.models import Expert, Inspector
from dudao.regions.models import GovUnit, Region
from dudao.schools.models import Campus, EducationGroup, ManagementCentre, School, SchoolType
from dudao.zones import selectors
from dudao.zones.models import Complaint, ComplaintStatus, LessonObservation, Visit, VisitFile
from tests.demo_snapshot import restore

User = get_user_model()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo's passwords; the demo stays loaded until the module's last test, then the tables are flushed.
    The load itself is the process's snapshot (`manage.py load_demo` run once, tests/demo_snapshot.py), copied in;
    the tests below load it again on top to check it is deterministic and idempotent."""
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_it_loads_a_county_with_every_type_of_school(demo, db):
    passwords = demo
    assert Region.objects.filter(level="town", code__startswith="990102").count() == 8
    assert 140 <= School.objects.count() <= 160
    assert set(School.objects.values_list("school_type", flat=True)) == set(SchoolType.values)
    assert School.objects.filter(school_type="teaching_point", students_primary__lt=50).exists()
    assert School.objects.filter(school_type="kindergarten", ownership="private", is_puhui=True).exists()
    assert Campus.objects.exists() and EducationGroup.objects.count() == 2 and ManagementCentre.objects.count() == 1
    assert GovUnit.objects.count() >= 20
    for username, _name, role in DEMO_ACCOUNTS:
        user = authenticate(username=username, password=passwords[username])
        assert user is not None, username
        assert role in scope_for(user).roles, username  # the inspector's role comes from the registry


def test_it_loads_the_supervision_year(demo, db):
    inspectors = Inspector.objects.filter(region_id="990102")
    assert inspectors.count() >= 35
    assert inspectors.filter(kind="fulltime").count() / inspectors.count() >= 0.30
    assert inspectors.filter(source="retired").exists() and Expert.objects.count() >= 8
    coverage = selectors.coverage(User.objects.get(username="demo_office"))
    assert len(coverage["uncovered"]) == 2
    assert Visit.objects.count() > 1000 and VisitFile.objects.exists() and LessonObservation.objects.exists()
    assert set(Complaint.objects.values_list("status", flat=True)) == set(ComplaintStatus.values)
    assert inspectors.filter(trainings__isnull=False).exists()
    account = User.objects.get(username="demo_inspector")
    assert account.get_full_name() == Inspector.objects.get(user=account).name  # one name, not 李老师 and 陈建


def test_every_action_in_the_demos_audit_log_has_a_chinese_label(demo, db):
    from dudao.core.models import ACTION_LABELS, AuditLog

    actions = set(AuditLog.objects.values_list("action", flat=True).distinct())
    assert len(actions) > 30 and "inspection.self_score" in actions
    assert actions - set(ACTION_LABELS) == set()


def test_the_demo_principal_sees_the_demo_inspectors_visits(demo, db):
    principal, inspector = User.objects.get(username="demo_school"), User.objects.get(username="demo_inspector")
    school_ids = scope_for(principal).school_ids
    assert len(school_ids) == 1 and school_ids <= scope_for(inspector).school_ids
    waiting = Visit.objects.visible_to(principal).filter(inspector__user=inspector, status="submitted")
    assert waiting.exists()  # something to sign for when the demo is shown


def test_it_is_deterministic_and_idempotent(demo, db):
    first = list(School.objects.order_by("code").values_list("code", "name", "students_primary"))
    demo_load(seed=2026)
    assert list(School.objects.order_by("code").values_list("code", "name", "students_primary")) == first


def test_it_loads_the_rectification_loop(demo, db):
    from dudao.core.models import Notification
    from dudao.rectification.models import (
        Finding,
        FindingSource,
        NoticeStatus,
        RectificationNotice,
        SupervisionOrder,
        Talk,
    )

    assert set(RectificationNotice.objects.values_list("status", flat=True)) == set(NoticeStatus.values)
    assert set(Finding.objects.values_list("source", flat=True)) == set(FindingSource.values)
    assert RectificationNotice.objects.filter(unit__isnull=False).exists()
    assert RectificationNotice.objects.filter(reminded_at__isnull=False).exists()
    orders = SupervisionOrder.objects.all()
    assert orders.count() == 3 and orders.filter(status="acknowledged").exists()
    assert Talk.objects.filter(key__startswith="order:").count() == 1  # the 督办单 that went overdue too
    assert Notification.objects.filter(user__username="demo_bureau", kind="order").count() == 3
    principal = User.objects.get(username="demo_school")
    assert RectificationNotice.objects.visible_to(principal).filter(status=NoticeStatus.RECTIFYING).exists()
    assert RectificationNotice.objects.visible_to(principal).filter(status=NoticeStatus.ISSUED).exists()  # to sign
    demo_load(seed=2026)  # a second load adds nothing
    assert SupervisionOrder.objects.count() == 3 and RectificationNotice.objects.count() == 9


def test_it_loads_a_talk_and_accountability_cases(demo, db):
    from dudao.rectification.models import AccountabilityCase, Finding, Talk

    held = Talk.objects.get(status="held")
    assert held.record is not None and Finding.objects.filter(source="talk", source_id=str(held.pk)).count() == 2
    assert set(AccountabilityCase.objects.values_list("step", flat=True)) == {"notified", "decided"}


def test_it_loads_commendations_rechecks_and_published_results(demo, db, client):
    from dudao.rectification.models import Commendation, Publication, RecheckItem

    # research (issue 24, calls) adds the 征集评选 winners' commendations and its 评选结果 publication
    assert Commendation.objects.exclude(basis__endswith="评选结果").count() == 3 and Commendation.objects.exclude(person_name="").exists()
    assert RecheckItem.objects.filter(result="failed").count() == 1 and RecheckItem.objects.filter(result="pending").exists()
    # reviews adds its own: the 述职评议 result (rating) and the 公报 (bulletin)
    assert Publication.objects.exclude(title__endswith="述职评议结果").exclude(kind="communique").exclude(
        title__endswith="年检结果公告").exclude(title__endswith="专项检查情况的通报").exclude(
        kind__in=["audit", "publicity", "award"]).count() == 3  # issue 24: audits adds one 审计报告 summary,
    # workforce two 督学聘任公示, research one 评选结果
    assert Publication.objects.filter(kind="audit", withdrawn_at__isnull=True).count() == 1
    # checks (issue 23) adds last year's 年检 results and the 节前安全稳定 round's 通报
    assert "整改情况" in client.get("/public/results/").content.decode()


def test_it_loads_the_surveys(demo, db):
    from dudao.monitoring.models import CountyInputs
    from dudao.rectification.models import Finding
    from dudao.surveys import selectors
    from dudao.surveys.models import SurveyResponse, SurveyRound

    office = User.objects.get(username="demo_office")
    year_end = SurveyRound.objects.get(name="示范区2025年度中小学家长满意度调查")
    total = SurveyResponse.objects.filter(round__year=2025, round__feeds_recognition=False).count()
    assert 4000 <= total <= 6500
    results = selectors.round_results(office, year_end)
    failing = [s for s in results.schools if s["passes"] is False]
    withheld = [s for s in results.schools if s["withheld"]]
    assert 1 <= len(failing) <= 5 and len(withheld) == 1
    assert results.overall["passes"]
    assert SurveyRound.objects.filter(year=2026).get().is_open()
    rate = CountyInputs.objects.get(region_id="990102", year=2025).recognition_rate
    assert 85 <= rate <= 95
    assert Finding.objects.filter(source="survey").count() == 1
    demo_load(seed=2026)  # safe to load twice
    assert SurveyResponse.objects.filter(round__year=2025, round__feeds_recognition=False).count() == total


def test_it_loads_the_inspections(demo, db):
    from dudao.frameworks.models import Framework
    from dudao.inspections.models import Inspection, Opinion
    from dudao.rectification.models import Finding

    done = Inspection.objects.get(kind="comprehensive")
    assert done.stage == "rectifying" and done.targets.count() == 10
    assert Opinion.objects.filter(number__isnull=False).count() == 10
    assert Finding.objects.filter(source="inspection").count() >= 10
    principal = User.objects.get(username="demo_school")
    assert done.targets.filter(school__in=scope_for(principal).school_ids).exists()
    assert Inspection.objects.get(kind="followup").previous == done
    assert Inspection.objects.get(kind="special").stage == "onsite"
    duzheng = Inspection.objects.get(kind="duzheng")
    assert duzheng.stage == "self" and duzheng.targets.count() >= 8
    assert Framework.objects.filter(status="draft").exists()
    levels = set(done.targets.values_list("level", flat=True))
    assert len(levels) >= 2
    demo_load(seed=2026)
    assert Inspection.objects.count() == 6  # targets (issue 21): + the 集团化办学 evaluation and the annual assessment


def test_a_demo_password_never_looks_like_its_user_name(monkeypatch):
    """CI once drew "Dd-OeRMLha_hEr8" for demo_leader; the password rules refused it and the load failed."""
    from dudao.demo import services

    drawn = iter(["OeRMLha_hEr8", "x7Qp2LmZ9wKa"])
    monkeypatch.setattr(services.secrets, "token_urlsafe", lambda _n: next(drawn))
    assert services._password("demo_leader") == "Dd-x7Qp2LmZ9wKa"


def test_it_loads_two_quality_rounds_of_one_cohort(demo, db):
    from django.db.models import Count

    from dudao.quality import selectors
    from dudao.quality.models import ReportBatch, Round, ScoreImport, StudentScore
    from dudao.quality.services.rounds import draw_subject
    from dudao.rectification.models import Finding

    office = User.objects.get(username="demo_office")
    spring, autumn = Round.objects.filter(region_id="990102").order_by("test_date")
    assert (spring.term, spring.grade, spring.status) == ("spring", 7, "published")
    assert (autumn.term, autumn.grade, autumn.status) == ("autumn", 8, "published")
    assert spring.cohort == autumn.cohort and spring.test_date.month == 6 and autumn.test_date.month == 11
    for round_ in (spring, autumn):
        names = list(round_.subjects.order_by("order").values_list("name", flat=True))
        assert names[:2] == ["语文", "数学"] and len(names) == 3
        assert names[2] == draw_subject(round_.draw_pool, round_.draw_seed)["name"]  # reproducible from the seed
        sizes = StudentScore.objects.filter(round=round_, subject__name="数学").values("school").annotate(
            n=Count("id")).values_list("n", flat=True)
        assert len(sizes) >= 15 and min(sizes) >= 20 and max(sizes) <= 60
    # Imported through the scores import: its counts, with the autumn priors linked to the spring round.
    batch = ScoreImport.objects.get(round=autumn)
    assert batch.linked_round == spring and batch.prior_linked > 0.85 * batch.rows
    assert batch.prior_linked + batch.prior_missing + batch.prior_from_file == batch.rows
    math = autumn.subjects.get(name="数学")
    added = selectors.value_added(autumn, math, user=office)
    flags = {s["flag"] for s in added["schools"]}
    assert {"above", "below"} <= flags and 0.6 <= added["fixed"]["prior"] <= 0.95
    assert "error" in selectors.value_added(spring, spring.subjects.get(name="数学"), user=office)  # no prior
    quality = Finding.objects.filter(source="quality")
    assert quality.filter(source_id__startswith=f"{autumn.pk}:", source_id__endswith="value_added").exists()
    assert quality.filter(source_id__startswith=f"{spring.pk}:", source_id__endswith="pass_rate").exists()
    assert autumn.reports.filter(school__isnull=True).count() == 2  # the district report, Word and PDF
    assert autumn.reports.count() == 2 * (1 + autumn.round_schools.count())
    assert ReportBatch.objects.get(round=spring).status == "pending"  # queued for the worker
    count = quality.count()
    keys = list(quality.values_list("school_id", "source_id"))
    assert len(keys) == len(set(keys))  # once per school, subject, round and kind
    demo_load(seed=2026)
    assert Round.objects.count() == 2 and Finding.objects.filter(source="quality").count() == count
    assert StudentScore.objects.count() == sum(b.rows for b in ScoreImport.objects.all())
    from dudao.quality.models import ExternalReport

    principal = User.objects.get(username="demo_school")
    assert ExternalReport.objects.visible_to(principal).count() == ExternalReport.objects.count() == 1


def test_it_loads_a_published_rating_session_of_the_towns(demo, db):
    """述职评议 (issue 21): last year's session of the towns, held and published in January (never the load day)."""
    import datetime

    from django.utils import timezone

    from dudao.core.dates import local_date
    from dudao.reviews.models import Rating, RatingSession, SessionStatus

    session = RatingSession.objects.get()
    year = timezone.localdate().year
    assert session.year == year - 1 and session.status == SessionStatus.PUBLISHED
    assert session.held_on == datetime.date(year, 1, 16) and local_date(session.published_at) == datetime.date(year, 1, 23)
    assert session.publication.withdrawn_at is None and local_date(session.publication.published_at).month == 1
    reporters = list(session.reporters.order_by("rank"))
    assert 6 <= len(reporters) <= 8 and [r.rank for r in reporters] == list(range(1, len(reporters) + 1))
    assert len({r.level for r in reporters}) >= 2 and all(r.score is not None for r in reporters)
    raters = list(session.raters.all())
    assert len(raters) == 9 and len({r.kind for r in raters}) == 5 and all(r.finished_at for r in raters)
    recused = [r for r in raters if r.unit_id in {p.unit_id for p in reporters}]
    assert len(recused) == 1 and not Rating.objects.filter(rater=recused[0], reporter__unit=recused[0].unit).exists()
    assert session.reporters.filter(unit__region__name="南湖镇").exists()  # the demo unit account's town
