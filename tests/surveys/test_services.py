"""Questionnaires (drafts, publication, versions), rounds, the public submission's safeguards, the office's
review, and the loop: a finding from a low item, 社会认可度 into monitoring."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Policy
from dudao.monitoring.models import CountyInputs
from dudao.rectification.models import Finding
from dudao.surveys import selectors, services
from dudao.surveys.models import AccessCode, RefusedSubmission, SurveyResponse
from dudao.surveys.responses import SubmissionRefused, response_submit
from tests.surveys.conftest import answers


def submit(survey, school, data=None, **kw):
    kw.setdefault("ip", "10.0.0.1")
    return response_submit(survey_round=survey, school=school, raw_answers=data or answers(), **kw)


def test_draft_edits_publication_and_versions(world):
    q = services.questionnaire_from_template(actor=world.office_a, county=world.county_a, template_code="teacher")
    q = services.question_add(actor=world.office_a, questionnaire=q, section="工作与保障",
                              question={"type": "single", "text": "您是否担任班主任？", "required": True,
                                        "options": ["是", "否"]})
    assert q.definition["sections"][1]["questions"][-1]["code"] == "q5"
    with pytest.raises(ApplicationError, match="至少需要 2 个"):
        services.question_add(actor=world.office_a, questionnaire=q, section="x",
                              question={"type": "single", "text": "坏题", "options": ["只有一个"]})
    q = services.question_move(actor=world.office_a, questionnaire=q, code="q5", step=-1)
    assert [x["code"] for x in q.definition["sections"][1]["questions"]] == ["q2", "q5", "q3"]
    q = services.questionnaire_publish(actor=world.office_a, questionnaire=q)
    with pytest.raises(ApplicationError, match="已发布"):
        services.question_remove(actor=world.office_a, questionnaire=q, code="q5")
    draft = services.questionnaire_new_version(actor=world.office_a, questionnaire=q)
    assert draft.version == 2 and draft.family == q.family and not draft.is_published
    with pytest.raises(ApplicationError, match="未发布的第 2 版"):
        services.questionnaire_new_version(actor=world.office_a, questionnaire=q)


def test_publication_refuses_broken_skip_logic_and_changes_nothing(world):
    q = services.questionnaire_from_template(actor=world.office_a, county=world.county_a, template_code="student")
    definition = q.definition
    definition["sections"][0]["questions"][0]["show_if"] = {"code": "q9", "equals": "是"}
    q = services.questionnaire_save(actor=world.office_a, questionnaire=q, title=q.title, intro="", group="student",
                                    definition=definition)
    with pytest.raises(ApplicationError, match="显示条件"):
        services.questionnaire_publish(actor=world.office_a, questionnaire=q)
    q.refresh_from_db()
    assert not q.is_published
    with pytest.raises(ApplicationError, match="格式不正确"):
        services.questionnaire_save(actor=world.office_a, questionnaire=q, title="x", intro="", group="student",
                                    definition={"sections": "oops"})


def test_only_the_county_office_manages_surveys(world, published):
    with pytest.raises(PermissionDenied):
        services.questionnaire_from_template(actor=world.office_b, county=world.county_a, template_code="teacher")
    now = timezone.now()
    with pytest.raises(ApplicationError, match="不在甲区"):
        services.round_create(actor=world.office_a, questionnaire=published, name="x", year=2026,
                              schools=world.schools_b, opens_at=now, closes_at=now + datetime.timedelta(days=1))
    with pytest.raises(ApplicationError, match="晚于"):
        services.round_create(actor=world.office_a, questionnaire=published, name="x", year=2026,
                              schools=world.schools_a, opens_at=now, closes_at=now)


def test_a_response_is_stored_cleaned(world, survey):
    response = submit(survey, world.schools_a[0], answers(q6="不该出现", q7=" <b>好</b> "), device="d1")
    assert response.answers["q7"] == "<b>好</b>" and "q6" not in response.answers
    assert response.ip_hash and response.ip_hash != "10.0.0.1"


def test_refusals_change_nothing_and_are_counted(world, survey):
    school = world.schools_a[0]
    submit(survey, school, device="dev-1")
    with pytest.raises(SubmissionRefused, match="已经提交过"):
        submit(survey, school, device="dev-1")
    with pytest.raises(SubmissionRefused, match="标红") as exc:
        submit(survey, school, {"q1": "母亲"}, device="dev-2")
    assert set(exc.value.fields) == {"q2", "q3", "q4", "q5"}
    with pytest.raises(SubmissionRefused, match="不在本次调查范围"):
        submit(survey, world.schools_b[0])
    services.round_close(actor=world.office_a, survey_round=survey)
    survey.refresh_from_db()
    with pytest.raises(SubmissionRefused, match="已经结束"):
        submit(survey, school, device="dev-3")
    assert SurveyResponse.objects.count() == 1
    reasons = {r.reason: r.count for r in RefusedSubmission.objects.all()}
    assert reasons == {"duplicate": 1, "closed": 1}


def test_rate_limit_per_address(world, survey, settings):
    from dudao.core.models import Policy

    Policy.objects.create(key="surveys.responses_per_ip_hour", region_code=world.county_a.code, value=3)
    for _ in range(3):
        submit(survey, world.schools_a[0], ip="10.9.9.9")
    for _ in range(20):
        with pytest.raises(SubmissionRefused, match="过于频繁"):
            submit(survey, world.schools_a[0], ip="10.9.9.9")
    submit(survey, world.schools_a[0], ip="10.9.9.10")
    assert SurveyResponse.objects.count() == 4
    assert RefusedSubmission.objects.get(reason="rate").count == 20


def test_identical_bursts_from_one_address_are_flagged_not_dropped(world, survey):
    for i in range(6):
        submit(survey, world.schools_a[0], ip="10.1.1.1", device=f"d{i}")
    submit(survey, world.schools_a[0], answers(overall=3), ip="10.1.1.1", device="other")
    flagged = SurveyResponse.objects.filter(flagged=True).count()
    assert flagged == 6 and SurveyResponse.objects.count() == 7
    count = services.flagged_exclude(actor=world.office_a, survey_round=survey, note="同一地址集中提交")
    assert count == 6
    # Excluded responses leave the results:
    frame = selectors.rated_frame([survey.pk])
    assert frame["response"].n_unique() == 1


def test_access_codes_are_single_use(world, published):
    now = timezone.now()
    survey = services.round_create(actor=world.office_a, questionnaire=published, name="凭码", year=2026,
                                   schools=world.schools_a[:1], opens_at=now - datetime.timedelta(hours=1),
                                   closes_at=now + datetime.timedelta(days=1), use_codes=True)
    codes = services.codes_generate(actor=world.office_a, survey_round=survey, school=world.schools_a[0],
                                    label="三年级2班", count=3)
    assert len({c.code for c in codes}) == 3
    with pytest.raises(SubmissionRefused, match="访问码"):
        submit(survey, world.schools_a[0])
    submit(survey, world.schools_a[0], code=codes[0].code.lower())
    with pytest.raises(SubmissionRefused, match="已经使用"):
        submit(survey, world.schools_a[0], code=codes[0].code, ip="10.0.0.2")
    assert AccessCode.objects.filter(used_at__isnull=False).count() == 1
    assert SurveyResponse.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_access_code_used_once_under_concurrent_submissions(world, published):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL in CI")
    now = timezone.now()
    survey = services.round_create(actor=world.office_a, questionnaire=published, name="并发", year=2026,
                                   schools=world.schools_a[:1], opens_at=now - datetime.timedelta(hours=1),
                                   closes_at=now + datetime.timedelta(days=1), use_codes=True)
    code = services.codes_generate(actor=world.office_a, survey_round=survey, school=world.schools_a[0],
                                   label="", count=1)[0].code
    outcomes = []
    barrier = threading.Barrier(6)

    def attempt(i):
        barrier.wait()
        try:
            submit(survey, world.schools_a[0], code=code, ip=f"10.2.0.{i}", device=f"c{i}")
            outcomes.append("ok")
        except SubmissionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1 and outcomes.count("refused") == 5
    assert SurveyResponse.objects.filter(round=survey).count() == 1


def _fill(survey, school, satisfied: int, unsatisfied: int, start: int = 0):
    for i in range(satisfied):
        submit(survey, school, answers(overall=5, rows=4), ip=f"10.3.{start}.{i}", device=f"s{start}-{i}")
    for i in range(unsatisfied):
        submit(survey, school, answers(overall=2, rows=1, q7=f"食堂饭菜不好吃{i}"), ip=f"10.4.{start}.{i}",
               device=f"u{start}-{i}")


def test_results_finding_and_recognition(world, survey):
    a, b, c = world.schools_a[:3]
    _fill(survey, a, 12, 0, 1)   # 100%
    _fill(survey, b, 6, 6, 2)    # 50%
    _fill(survey, c, 3, 0, 3)    # 3 responses: withheld
    results = selectors.round_results(world.office_a, survey)
    by_name = {s["name"]: s for s in results.schools}
    assert by_name[a.name]["rate"] == 1 and by_name[b.name]["rate"] == pytest.approx(0.5)
    assert by_name[c.name]["withheld"] and by_name[c.name]["rate"] is None
    # overall: 27 responses × 9 rated items; 6 unsatisfied responses rate everything below 3.
    assert results.overall["rate"] == pytest.approx(21 / 27)
    assert {cell["school"] for cell in results.low} == {b.name}
    finding = services.finding_from_item(actor=world.office_a, survey_round=survey, school=b, item="q3.7",
                                         due_date=datetime.date(2027, 1, 31))
    assert finding.source == "survey" and "食堂饭菜质量与卫生" in finding.description and "50%" in finding.description
    assert finding.severity == 2   # 35 points under the 85% line: over the default margin of 15 points (较重)
    Policy.objects.create(key="surveys.severe_margin", region_code=world.county_a.code, value=0.4)
    assert services.finding_from_item(actor=world.office_a, survey_round=survey, school=b, item="q3.1").severity == 1
    assert Finding.objects.visible_to(world.principal_a).filter(pk=finding.pk).count() == 0
    with pytest.raises(ApplicationError, match="已就该题"):
        services.finding_from_item(actor=world.office_a, survey_round=survey, school=b, item="q3.7")
    with pytest.raises(ApplicationError, match="不足"):
        services.finding_from_item(actor=world.office_a, survey_round=survey, school=c, item="q2")
    with pytest.raises(ApplicationError, match="没有已结束"):
        services.recognition_publish(actor=world.office_a, county=world.county_a, year=2026)
    services.round_close(actor=world.office_a, survey_round=survey)
    rate = services.recognition_publish(actor=world.office_a, county=world.county_a, year=2026)
    assert rate == pytest.approx(77.8)
    assert CountyInputs.objects.get(region=world.county_a, year=2026).recognition_rate == pytest.approx(77.8)
    assert AuditLog.objects.filter(action="monitoring.county_inputs").exists()


def test_the_pass_line_is_the_recognition_standard(world, survey):
    """One setting: raising the 社会认可度 standard of 优质均衡 moves the survey's 达标 line too."""
    _fill(survey, world.schools_a[0], 9, 1, 1)   # 90% satisfied
    assert selectors.round_results(world.office_a, survey).overall["passes"] is True
    Policy.objects.create(key="monitoring.guarantee_limits", region_code=world.county_a.code,
                          value={"recognition_rate": 0.95})
    assert selectors.rules_for(world.county_a.code).threshold == 0.95
    assert selectors.round_results(world.office_a, survey).overall["passes"] is False


def test_a_school_sees_only_its_own_aggregates(world, survey):
    _fill(survey, world.schools_a[0], 10, 2, 1)
    _fill(survey, world.schools_a[1], 2, 10, 2)
    mine = selectors.round_results(world.principal_a, survey, world.schools_a[0])
    assert [s["name"] for s in mine.schools] == [world.schools_a[0].name] and mine.low == []
    assert mine.overall["responses"] == 12
    assert SurveyResponse.objects.visible_to(world.principal_a).count() == 0
    assert SurveyResponse.objects.visible_to(world.leader_a).count() == 0
    assert SurveyResponse.objects.visible_to(world.office_b).count() == 0
    assert SurveyResponse.objects.visible_to(world.office_a).count() == 24


def test_open_answers_word_frequency(world, survey):
    _fill(survey, world.schools_a[0], 0, 4, 1)
    found, words, total = selectors.open_answers(world.office_a, survey, keyword="食堂")
    assert selectors.open_answers(world.principal_a, survey)[2] == 0  # raw answers: office only
    assert total == 4 and dict(words).get("食堂") == 4


def test_breakdown_by_identity_withholds_small_groups(world, survey):
    a = world.schools_a[0]
    for i in range(10):
        submit(survey, a, answers(overall=5, rows=4, q1="母亲"), ip=f"10.5.0.{i}", device=f"m{i}")
    for i in range(3):
        submit(survey, a, answers(overall=1, rows=1, q1="祖辈"), ip=f"10.6.0.{i}", device=f"g{i}")
    result = selectors.round_results(world.office_a, survey)
    groups = {g["option"]: g for g in result.breakdown["options"]}
    assert groups["母亲"]["rate"] == 1 and groups["母亲"]["responses"] == 10
    assert groups["祖辈"]["withheld"] and groups["祖辈"]["rate"] is None


def test_towns_in_the_region_view_only(world, survey):
    _fill(survey, world.schools_a[0], 10, 0, 1)   # 甲一街道
    _fill(survey, world.schools_a[2], 6, 6, 2)    # 甲二镇
    towns = {t["area"]: t for t in selectors.round_results(world.office_a, survey).towns}
    assert towns["甲一街道"]["rate"] == 1 and towns["甲二镇"]["rate"] == pytest.approx(0.5)
    assert selectors.round_results(world.principal_a, survey, world.schools_a[0]).towns is None


REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    """The shared cache a multi-worker deployment uses (CACHE_URL=redis://…); Redis runs on the CI machine."""
    import os

    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail("Redis is not reachable at 127.0.0.1:6379")
        pytest.skip("Redis is not running here")
    # Keys under this process's own prefix, deleted by prefix (not FLUSHDB): parallel workers and a second suite
    # running at the same time share the Redis database.
    prefix = f"test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    settings.CACHES = {**settings.CACHES, "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}

    def clear():
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)

    clear()
    yield
    clear()


def test_limits_hold_in_the_shared_redis_cache(world, survey, redis_cache, client):
    from django.core.cache import caches

    from dudao.core.models import Policy

    assert caches["default"].__class__.__name__ == "RedisCache"
    Policy.objects.create(key="surveys.responses_per_ip_hour", region_code=world.county_a.code, value=3)
    for _ in range(3):
        submit(survey, world.schools_a[0], ip="10.9.9.9")
    with pytest.raises(SubmissionRefused, match="过于频繁"):
        submit(survey, world.schools_a[0], ip="10.9.9.9")
    page = client.get(f"/public/survey/{survey.token}/{world.schools_a[0].code}/")  # the cached round, pickled in Redis
    assert page.status_code == 200 and world.schools_a[0].name in page.content.decode()
    assert SurveyResponse.objects.count() == 3
