"""督学聘任 steps in order: 推荐 → 资格审核 → 公示 (public results page) → 任命 with 文号 and 聘期; every step out of
order refused with its reason; rules as data; renewal and the third-term rule; the office head's exception."""

import datetime

import pytest

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Policy
from dudao.people.models import Inspector
from dudao.rectification.models import Publication, PublicationKind
from dudao.workforce.models import (
    AppointmentBatch,
    AppointmentStatus,
    CandidateRecommender,
    CandidateStatus,
    CandidateTransition,
    InspectorCertificate,
)
from dudao.workforce.services import appointments as services
from tests.workforce.appointments_data import CONTACT, MONDAY, PERSON, at, fresh, make_setup, recommend

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    with at(MONDAY):
        return make_setup(world)


def _batch(world):
    return services.batch_create(actor=fresh(world.office_a), region=world.county_a, title="2026年兼职督学选聘")


def _codes(candidate):
    candidate.refresh_from_db()
    return sorted(f["code"] for f in candidate.flags)


def test_the_whole_procedure_in_order(world, setup, client):
    with at(MONDAY):
        batch = _batch(world)
        school_c = recommend(world, batch, as_="school", name="王老师", employer="甲区第一小学")
        town_c = recommend(world, batch, as_="town", name="镇干部", source="official", employer="甲二镇人民政府",
                           position="科员", gender="男")
        retired_c = recommend(world, batch, name="老校长", source="retired", birth_date=datetime.date(1955, 1, 1),
                              retirement_date=datetime.date(2015, 1, 1), employer="退休")
        renew_c = recommend(world, batch, renewing=setup.second_term, birth_date=datetime.date(1975, 1, 1))
        third_c = recommend(world, batch, renewing=setup.third_term, birth_date=datetime.date(1972, 1, 1))
        assert school_c.home_school == world.schools_a[0]  # a school recommends its own staff
        assert renew_c.phone == "13911112222" and renew_c.home_school == world.schools_a[1]  # from the register

        # out of order: nothing but the review may follow 推荐中
        for step in (lambda: services.batch_publish(actor=fresh(world.office_a), batch=batch, contact=CONTACT),
                     lambda: services.batch_appoint(actor=fresh(world.office_a), batch=batch, doc_no="X〔2026〕1号",
                                                    term_start=MONDAY)):
            with pytest.raises(ApplicationError, match="当前为“推荐中”，不能变为"):
                step()

        services.batch_review(actor=fresh(world.office_a), batch=batch)
        batch.refresh_from_db()
        assert batch.status == AppointmentStatus.REVIEWING
        assert _codes(school_c) == [] and _codes(town_c) == [] and _codes(renew_c) == []
        assert _codes(retired_c) == ["age", "retired_years"]  # 71 years old, retired 11.2 years
        assert _codes(third_c) == ["third_term"]
        retired_c.refresh_from_db()
        assert retired_c.status == CandidateStatus.FLAGGED
        assert "已退休 11.2 年，超过 5 年的上限。" in [f["message"] for f in retired_c.flags]

        with pytest.raises(ApplicationError, match="推荐已截止"):
            recommend(world, batch, name="迟到者")
        with pytest.raises(ApplicationError, match="资格审核未定"):
            services.batch_publish(actor=fresh(world.office_a), batch=batch, contact=CONTACT)

        # the third term cannot be passed, not even by the head
        with pytest.raises(ApplicationError, match="不得破格"):
            services.candidate_except(actor=fresh(world.office_a), candidate=third_c, reason="工作需要，经研究同意破格。",
                                      confirmed=True)
        services.candidate_refuse(actor=fresh(world.office_a), candidate=third_c, reason="已连任三届。")
        # an office user who is not the head cannot pass a flagged candidate
        with pytest.raises(PermissionDenied, match="督导室负责人"):
            services.candidate_except(actor=fresh(setup.clerk), candidate=retired_c, reason="工作需要，经研究同意破格。",
                                      confirmed=True)
        with pytest.raises(ApplicationError, match="请勾选确认"):
            services.candidate_except(actor=fresh(world.office_a), candidate=retired_c, reason="工作需要，经研究同意破格。",
                                      confirmed=False)
        with pytest.raises(ApplicationError, match="不少于 10 个字"):
            services.candidate_except(actor=fresh(world.office_a), candidate=retired_c, reason="同意", confirmed=True)
        retired_c.refresh_from_db()
        assert retired_c.status == CandidateStatus.FLAGGED
        services.candidate_except(actor=fresh(world.office_a), candidate=retired_c,
                                  reason="该同志身体健康，熟悉学前教育督导，本区急需。", confirmed=True)
        retired_c.refresh_from_db()
        assert retired_c.status == CandidateStatus.EXCEPTED and retired_c.exception_by == world.office_a

        services.batch_publish(actor=fresh(world.office_a), batch=batch, contact=CONTACT)
        batch.refresh_from_db()
        assert batch.status == AppointmentStatus.PUBLICITY
        assert (batch.publicity_start, batch.publicity_end) == (MONDAY, datetime.date(2026, 3, 6))  # 5 working days
        pub = batch.publication
        assert pub.kind == PublicationKind.PUBLICITY and pub.region_code == world.county_a.code
        for name in ("王老师", "镇干部", "老校长", "督学乙"):
            assert name in pub.body
        assert "督学丁" not in pub.body  # refused
        for private in ("13800001111", "13911112222", "1980", "1975"):  # the employer is published, as on paper
            assert private not in pub.body, private

        page = client.get("/public/results/").content.decode()
        assert "拟聘人选公示" in page and "督学聘任公示" in page
        detail = client.get(f"/public/results/{pub.pk}/").content.decode()
        assert "王老师" in detail and "13800001111" not in detail

        # objections: only within the window and not after today
        with pytest.raises(ApplicationError, match="公示期内"):
            services.objection_record(actor=fresh(world.office_a), candidate=town_c, objector="群众",
                                      content="有意见", received_on=MONDAY - datetime.timedelta(days=1))
        objection = services.objection_record(actor=fresh(world.office_a), candidate=town_c, objector="匿名",
                                              content="反映该同志长期不在岗。", received_on=MONDAY)
        with pytest.raises(ApplicationError, match="公示期满后方可任命"):
            services.batch_appoint(actor=fresh(world.office_a), batch=batch, doc_no="甲教督〔2026〕5号", term_start=MONDAY)

    with at(datetime.date(2026, 3, 6), 23, 30):  # the last day of the 公示, late evening in Beijing
        with pytest.raises(ApplicationError, match="公示期满后方可任命"):
            services.batch_appoint(actor=fresh(world.office_a), batch=batch, doc_no="甲教督〔2026〕5号",
                                   term_start=MONDAY)

    day = datetime.date(2026, 3, 9)
    with at(day, 0, 30):  # the next Monday, just after midnight in Beijing (still Sunday in UTC)
        with pytest.raises(ApplicationError, match="1 条公示异议未处理"):
            services.batch_appoint(actor=fresh(world.office_a), batch=batch, doc_no="甲教督〔2026〕5号", term_start=day)
        services.objection_handle(actor=fresh(world.office_a), objection=objection, handling="经核实属实。", upheld=True)
        town_c.refresh_from_db()
        assert town_c.status == CandidateStatus.WITHDRAWN
        with pytest.raises(ApplicationError, match="文号"):
            services.batch_appoint(actor=fresh(world.office_a), batch=batch, doc_no="  ", term_start=day)
        with pytest.raises(ApplicationError, match="不能晚于今天"):
            services.batch_appoint(actor=fresh(world.office_a), batch=batch, doc_no="甲教督〔2026〕5号",
                                   term_start=day + datetime.timedelta(days=1))
        services.batch_appoint(actor=fresh(world.office_a), batch=batch, doc_no="甲教督〔2026〕5号", term_start=day)

    batch.refresh_from_db()
    assert batch.status == AppointmentStatus.APPOINTED and batch.doc_no == "甲教督〔2026〕5号"
    assert batch.term_end == datetime.date(2029, 3, 8)
    new = Inspector.objects.get(name="王老师")
    assert new.card_no == "99010220260001" and new.term_no == 1 and new.home_school == world.schools_a[0]
    assert new.term_start == day and new.kind == "parttime"
    assert Inspector.objects.get(name="老校长").card_no == "99010220260002"
    assert not Inspector.objects.filter(name="镇干部").exists()  # withdrawn after the objection
    setup.second_term.refresh_from_db()
    assert (setup.second_term.term_no, setup.second_term.term_start) == (3, day)  # renewed
    setup.third_term.refresh_from_db()
    assert setup.third_term.term_no == 3
    certs = InspectorCertificate.objects.filter(candidate__batch=batch)
    assert certs.count() == 3 and len({c.key for c in certs}) == 3
    assert all(len(c.key) >= 30 and not c.key.isdigit() for c in certs)
    school_c.refresh_from_db()
    assert school_c.status == CandidateStatus.APPOINTED and school_c.inspector == new
    moves = list(CandidateTransition.objects.filter(candidate=school_c).values_list("to_status", flat=True))
    assert moves == ["recommended", "qualified", "appointed"]
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"appointment.create", "appointment.recommend", "appointment.review", "appointment.except",
            "appointment.refuse", "appointment.publish", "appointment.objection", "appointment.objection_handle",
            "appointment.appoint", "inspector.create", "inspector.renew", "publication.publish"} <= actions


def test_rules_are_data_change_the_policy_the_review_changes(world, setup):
    with at(MONDAY):
        batch = _batch(world)
        c = recommend(world, batch, name="年长者", birth_date=datetime.date(1968, 1, 1))  # 58
        Policy.objects.create(key="workforce.appointment_age_max", region_code=world.county_a.code, value=55)
        services.batch_review(actor=fresh(world.office_a), batch=batch)
        assert _codes(c) == ["age"]
        assert c.flags[0]["message"] == "年龄 58 周岁，超过 55 周岁的上限。"

        other = _batch(world)
        d = recommend(world, other, name="年长者二", birth_date=datetime.date(1968, 1, 1))
        Policy.objects.filter(key="workforce.appointment_age_max").update(value=60)
        services.batch_review(actor=fresh(world.office_a), batch=other)
        assert _codes(d) == []


def test_shares_after_the_batch_flag_the_part_time_candidates(world, setup):
    # serving: 3 full-time of 5. Six new part-time → 3 / 11 = 27.3 % < 30 %.
    with at(MONDAY):
        batch = _batch(world)
        cs = [recommend(world, batch, name=f"兼职{i}") for i in range(6)]
        services.batch_review(actor=fresh(world.office_a), batch=batch)
        for c in cs:
            assert _codes(c) == ["fulltime_share"]
            assert "任命本批后专职督学占比为 27.3%（专职 3 名 / 在岗 11 名）" in c.flags[0]["message"]
        # the same batch with the threshold at 25 % passes
        other = _batch(world)
        ds = [recommend(world, other, name=f"兼职{i}") for i in range(6)]
        Policy.objects.create(key="zones.fulltime_share_min", region_code="", value=0.25)
        services.batch_review(actor=fresh(world.office_a), batch=other)
        assert all(_codes(d) == [] for d in ds)


def test_renewal_recusal_flag(world, setup):
    # 督学乙's own school becomes one of their 挂牌 schools: the renewal is flagged for recusal
    from dudao.zones.models import Zone
    from dudao.zones.services import assignment_set
    with at(MONDAY):
        zone = Zone.objects.get(code="Z01")
        batch = _batch(world)
        c = recommend(world, batch, renewing=setup.second_term, birth_date=datetime.date(1975, 1, 1))
        assignment_set(actor=fresh(world.office_a), zone=zone, inspector=setup.second_term, school=world.schools_a[2],
                       started_on=datetime.date(2025, 9, 1))
        from dudao.zones.models import Assignment
        Assignment.objects.filter(inspector=setup.second_term).update(school=world.schools_a[1])  # bypass the hook
        services.batch_review(actor=fresh(world.office_a), batch=batch)
        assert _codes(c) == ["recusal"]


def test_who_may_recommend(world, setup):
    with at(MONDAY):
        batch = _batch(world)
        # a school only for itself
        with pytest.raises(PermissionDenied, match="本校"):
            services.candidate_recommend(actor=fresh(world.principal_a), batch=batch,
                                         as_recommender=CandidateRecommender.SCHOOL, school=world.schools_a[1],
                                         **PERSON)
        # a town of another district cannot recommend here; nor can the principal as the office
        with pytest.raises(PermissionDenied, match="乡镇"):
            services.candidate_recommend(actor=fresh(world.town_a), batch=batch,
                                         as_recommender=CandidateRecommender.TOWN, unit=world.unit_b, **PERSON)
        with pytest.raises(PermissionDenied, match="只有本区县督导室"):
            services.candidate_recommend(actor=fresh(world.principal_a), batch=batch,
                                         as_recommender=CandidateRecommender.OFFICE, name="某人", gender="男",
                                         birth_date=datetime.date(1980, 1, 1), phone="1", employer="某单位",
                                         kind="parttime", source="teacher")
        # district B's office cannot open a batch in A, nor review A's
        with pytest.raises(PermissionDenied):
            services.batch_create(actor=fresh(world.office_b), region=world.county_a, title="越权")
        recommend(world, batch, name="甲")
        with pytest.raises(PermissionDenied):
            services.batch_review(actor=fresh(world.office_b), batch=batch)
        # renewals only by the office, for the county's own inspectors
        with pytest.raises(PermissionDenied, match="续聘由督导室提名"):
            services.candidate_recommend(actor=fresh(world.principal_a), batch=batch,
                                         as_recommender=CandidateRecommender.SCHOOL, school=world.schools_a[0],
                                         renewing=setup.second_term, **PERSON)
        with pytest.raises(ApplicationError, match="不在本区县"):
            services.candidate_recommend(actor=fresh(world.office_a), batch=batch,
                                         as_recommender=CandidateRecommender.OFFICE,
                                         renewing=Inspector.objects.create(
                                             card_no="B1", name="乙县督学", phone="1", kind="parttime", source="teacher",
                                             region=world.county_b, appointed_on=MONDAY, term_start=MONDAY), **PERSON)


@pytest.mark.parametrize("bad, message", [
    ({"name": "  "}, "请填写姓名"),
    ({"name": "\x00\x00"}, "请填写姓名"),
    ({"gender": "X"}, "请选择性别"),
    ({"phone": ""}, "请填写联系电话"),
    ({"kind": "boss"}, "请选择专职或兼职"),
    ({"source": "alien"}, "请选择人员来源"),
    ({"birth_date": datetime.date(2030, 1, 1)}, "出生日期不合理"),
    ({"birth_date": datetime.date(1900, 1, 1)}, "出生日期不合理"),
    ({"source": "retired", "retirement_date": None}, "须填写退休日期"),
    ({"source": "retired", "retirement_date": datetime.date(2027, 1, 1)}, "退休日期晚于今天"),
    ({"retirement_date": datetime.date(1970, 1, 1)}, "退休日期应晚于出生日期"),
])
def test_hostile_candidate_input_is_refused_and_changes_nothing(world, setup, bad, message):
    with at(MONDAY):
        batch = _batch(world)
        with pytest.raises(ApplicationError, match=message):
            recommend(world, batch, **bad)
        assert not batch.candidates.exists()


def test_a_home_school_of_another_district_and_duplicates_are_refused(world, setup):
    with at(MONDAY):
        batch = _batch(world)
        with pytest.raises(ApplicationError, match="不在本区县"):
            recommend(world, batch, home_school=world.schools_b[0])
        recommend(world, batch, name="张三")
        with pytest.raises(ApplicationError, match="已在本批次的推荐名单中"):
            recommend(world, batch, name="张三")
        recommend(world, batch, renewing=setup.second_term)
        with pytest.raises(ApplicationError, match="已在本批次的续聘名单中"):
            recommend(world, batch, renewing=setup.second_term)


def test_review_needs_candidates_and_publish_needs_someone_passed(world, setup):
    with at(MONDAY):
        batch = _batch(world)
        with pytest.raises(ApplicationError, match="还没有候选人"):
            services.batch_review(actor=fresh(world.office_a), batch=batch)
        c = recommend(world, batch, renewing=setup.third_term)
        services.batch_review(actor=fresh(world.office_a), batch=batch)
        services.candidate_refuse(actor=fresh(world.office_a), candidate=c, reason="三届已满")
        with pytest.raises(ApplicationError, match="没有通过资格审核的候选人"):
            services.batch_publish(actor=fresh(world.office_a), batch=batch, contact=CONTACT)
        assert not Publication.objects.exists()


def test_cancel_withdraws_the_publicity(world, setup):
    with at(MONDAY):
        batch = _batch(world)
        recommend(world, batch, name="甲", kind="fulltime", source="official")
        services.batch_review(actor=fresh(world.office_a), batch=batch)
        services.batch_publish(actor=fresh(world.office_a), batch=batch, contact=CONTACT)
        with pytest.raises(ApplicationError, match="须写明原因"):
            services.batch_cancel(actor=fresh(world.office_a), batch=batch, reason="")
        services.batch_cancel(actor=fresh(world.office_a), batch=batch, reason="名额调整")
        batch.refresh_from_db()
        assert batch.status == AppointmentStatus.CANCELLED and batch.publication.withdrawn_at is not None
        with pytest.raises(ApplicationError, match="不能变为"):
            services.batch_cancel(actor=fresh(world.office_a), batch=batch, reason="再撤")


def test_withdraw_by_the_recommender_before_review(world, setup):
    with at(MONDAY):
        batch = _batch(world)
        c = recommend(world, batch, as_="school", name="王老师")
        with pytest.raises(PermissionDenied):
            services.candidate_withdraw(actor=fresh(world.town_a), candidate=c, reason="不是我推荐的")
        services.candidate_withdraw(actor=fresh(world.principal_a), candidate=c, reason="本人不愿意")
        c.refresh_from_db()
        assert c.status == CandidateStatus.WITHDRAWN


def test_head_designation(world, setup):
    with pytest.raises(PermissionDenied):
        services.head_designate(actor=fresh(world.office_a), region=world.county_a, user=setup.clerk)
    with pytest.raises(ApplicationError, match="督导室角色"):
        services.head_designate(actor=world.admin, region=world.county_a, user=world.principal_a)
    services.head_designate(actor=world.admin, region=world.county_a, user=setup.clerk)
    assert services.is_head(fresh(setup.clerk), world.county_a.code)
    assert not services.is_head(fresh(world.office_a), world.county_a.code)  # the previous designation ended
    assert not services.is_head(world.admin, world.county_a.code)


def test_batch_creation_refusals(world, setup):
    town = world.schools_a[0].region
    with pytest.raises(ApplicationError, match="聘期应在 1 到 3 年之间"):
        services.batch_create(actor=fresh(world.office_a), region=world.county_a, title="选聘", term_years=5)
    with pytest.raises(ApplicationError, match="聘期应在 1 到 3 年之间"):
        services.batch_create(actor=fresh(world.office_a), region=world.county_a, title="选聘", term_years=0)
    with pytest.raises(ApplicationError, match="请填写批次名称"):
        services.batch_create(actor=fresh(world.office_a), region=world.county_a, title=" \x00 ")
    with pytest.raises(ApplicationError, match="县（区）督导室发起"):
        services.batch_create(actor=fresh(world.office_a), region=town, title="选聘")
    assert not AppointmentBatch.objects.exists()
