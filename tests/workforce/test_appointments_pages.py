"""督学聘任 pages: the list (filters, export, scope), one batch at each step, the recommendation form, the office's
actions through their URLs, the 聘书/督学证 page and PDFs, and the public verification page (nothing private)."""

import datetime

import pytest
from django.core.cache import cache

from dudao.core.models import Policy
from dudao.people.models import Inspector, InspectorStatus
from dudao.people.services import inspector_set_status
from dudao.workforce.models import AppointmentBatch, CandidateStatus, InspectorCertificate
from dudao.workforce.services import appointments as services
from tests.workforce.appointments_data import (
    CONTACT,
    MONDAY,
    appointed_batch,
    at,
    fresh,
    make_setup,
    recommend,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    with at(MONDAY):
        return make_setup(world)


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def test_list_scope_filters_and_export(world, setup, login):
    with at(MONDAY):
        batch = services.batch_create(actor=fresh(world.office_a), region=world.county_a, title="2026年兼职督学选聘")
        recommend(world, batch, name="王老师")
        client = login(world.office_a)
        page = client.get("/workforce/appointments/").content.decode()
        assert "2026年兼职督学选聘" in page and "发起选聘" in page
        assert "2026年兼职督学选聘" in client.get("/workforce/appointments/?q=王老师").content.decode()
        assert "没有符合条件的选聘批次" in client.get("/workforce/appointments/?q=没有此人").content.decode()
        assert "没有符合条件的选聘批次" in client.get("/workforce/appointments/?status=appointed").content.decode()
        export = client.get("/workforce/appointments/?export=xlsx")
        assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
        other = login(world.office_b)
        assert "2026年兼职督学选聘" not in other.get("/workforce/appointments/").content.decode()
        assert other.get(f"/workforce/appointments/{batch.pk}/").status_code == 404
        assert other.post(f"/workforce/appointments/{batch.pk}/review/").status_code == 404


def test_school_and_town_recommend_through_the_form(world, setup, login):
    with at(MONDAY):
        batch = services.batch_create(actor=fresh(world.office_a), region=world.county_a, title="选聘")
        recommend(world, batch, name="督导室提名的人")
        school = login(world.principal_a)
        detail = school.get(f"/workforce/appointments/{batch.pk}/").content.decode()
        assert "推荐人选" in detail and "督导室提名的人" not in detail  # a school sees its own recommendations only
        form = school.get(f"/workforce/appointments/{batch.pk}/recommend/").content.decode()
        assert "本人所在学校" not in form and "续聘督学" not in form
        data = {"recommender": f"school:{world.schools_a[0].pk}", "name": "李老师", "gender": "女",
                "birth_date": "1982-04-01", "phone": "13700000000", "employer": "甲区第一小学", "position": "教导主任",
                "kind": "parttime", "source": "teacher", "reason": "骨干教师"}
        response = school.post(f"/workforce/appointments/{batch.pk}/recommend/", data)
        assert response.status_code == 302
        created = batch.candidates.get(name="李老师")
        assert created.home_school == world.schools_a[0] and created.recommended_by == world.principal_a
        # another school's id in the form is refused; nothing is created
        bad = school.post(f"/workforce/appointments/{batch.pk}/recommend/",
                          {**data, "recommender": f"school:{world.schools_a[1].pk}", "name": "冒名"})
        assert bad.status_code == 400 and not batch.candidates.filter(name="冒名").exists()
        # the office types a home school code that does not exist
        office = login(world.office_a)
        bad = office.post(f"/workforce/appointments/{batch.pk}/recommend/",
                          {**data, "recommender": "office", "name": "某人", "home_school": "NOPE"})
        assert bad.status_code == 400 and "没有学校标识码为“NOPE”的学校" in bad.content.decode()
        town = login(world.town_a)
        response = town.post(f"/workforce/appointments/{batch.pk}/recommend/",
                             {**data, "recommender": f"unit:{world.unit_a.pk}", "name": "镇推荐"})
        assert response.status_code == 302 and batch.candidates.get(name="镇推荐").recommender_unit == world.unit_a
        # the inspector (no school or unit role of their own) cannot recommend
        assert login(world.inspector_a).get(f"/workforce/appointments/{batch.pk}/recommend/").status_code == 404


def test_office_actions_through_the_pages(world, setup, login):
    with at(MONDAY):
        batch = services.batch_create(actor=fresh(world.office_a), region=world.county_a, title="选聘")
        flagged = recommend(world, batch, name="老校长", source="retired", birth_date=datetime.date(1955, 1, 1),
                            retirement_date=datetime.date(2015, 1, 1), employer="退休")
        office = login(world.office_a)
        page = office.get(f"/workforce/appointments/{batch.pk}/").content.decode()
        assert "资格审核预览" in page and "1 名候选人有不符合项" in page
        assert office.post(f"/workforce/appointments/{batch.pk}/review/").status_code == 302
        page = office.get(f"/workforce/appointments/{batch.pk}/").content.decode()
        assert "已退休 11.2 年，超过 5 年的上限。" in page and "破格通过（负责人）" in page
        # without the confirmation box: refused with the reason, nothing changes
        response = office.post(f"/workforce/appointments/candidates/{flagged.pk}/except/",
                               {"reason": "本区急需学前教育督学，身体健康。"}, follow=True)
        assert "请勾选确认" in response.content.decode()
        flagged.refresh_from_db()
        assert flagged.status == CandidateStatus.FLAGGED
        office.post(f"/workforce/appointments/candidates/{flagged.pk}/except/",
                    {"reason": "本区急需学前教育督学，身体健康。", "confirm": "yes"})
        flagged.refresh_from_db()
        assert flagged.status == CandidateStatus.EXCEPTED
        clerk = login(setup.clerk)
        assert "不符合条件者只有督导室负责人可以同意通过" not in clerk.get(
            f"/workforce/appointments/{batch.pk}/").content.decode()  # nothing flagged any more
        office = login(world.office_a)
        refused = office.post(f"/workforce/appointments/{batch.pk}/publish/", {"contact": "  "}, follow=True)
        assert "请填写受理异议的电话或地址" in refused.content.decode()
        assert AppointmentBatch.objects.get(pk=batch.pk).publication_id is None
        office.post(f"/workforce/appointments/{batch.pk}/publish/", {"contact": CONTACT})
        assert CONTACT in AppointmentBatch.objects.get(pk=batch.pk).publication.body
        page = office.get(f"/workforce/appointments/{batch.pk}/").content.decode()
        assert "在结果公开页查看" in page and "公示期满后方可任命" in page
        response = office.post(f"/workforce/appointments/candidates/{flagged.pk}/objection/",
                               {"objector": "某家长", "content": "年龄偏大", "received_on": "2026-03-02"})
        objection = flagged.objections.get()
        response = office.post(f"/workforce/appointments/{batch.pk}/appoint/",
                               {"doc_no": "甲教督〔2026〕5号", "term_start": "2026-03-02"}, follow=True)
        assert "公示期满后方可任命" in response.content.decode()
        response = office.post(f"/workforce/appointments/objections/{objection.pk}/handle/",
                               {"handling": "经核实，身体健康。"}, follow=True)
        assert "请选择异议是否成立" in response.content.decode()
        office.post(f"/workforce/appointments/objections/{objection.pk}/handle/",
                    {"handling": "经核实，身体健康，异议不成立。", "upheld": "no"})
    with at(datetime.date(2026, 3, 9)):
        office = login(world.office_a)
        response = office.post(f"/workforce/appointments/{batch.pk}/appoint/",
                               {"doc_no": "甲教督〔2026〕5号", "term_start": "not-a-date"}, follow=True)
        assert "请填写聘期开始日期" in response.content.decode()
        office.post(f"/workforce/appointments/{batch.pk}/appoint/", {"doc_no": "甲教督〔2026〕5号", "term_start": "2026-03-09"})
        batch.refresh_from_db()
        assert batch.status == "appointed"
        page = office.get(f"/workforce/appointments/{batch.pk}/").content.decode()
        assert "聘书与督学证" in page and "甲教督〔2026〕5号" in page
        # the leader reads, acts on nothing
        leader = login(world.leader_a)
        assert leader.get(f"/workforce/appointments/{batch.pk}/").status_code == 200
        assert leader.post(f"/workforce/appointments/{batch.pk}/cancel/", {"reason": "x"}).status_code == 404


def test_certificate_page_and_pdfs(world, setup, login):
    batch = appointed_batch(world, setup)
    cert = InspectorCertificate.objects.get(candidate__batch=batch, inspector__name="王老师")
    office = login(world.office_a)
    page = office.get(f"/workforce/appointments/certificates/{cert.pk}/").content.decode()
    assert "兹聘请 <strong>王老师</strong>" in page and cert.inspector.card_no in page and "2029年3月8日" in page
    assert f"/public/card/{cert.key}/" in page and "<svg" in page
    for kind in ("letter", "card"):
        response = office.get(f"/workforce/appointments/certificates/{cert.pk}/{kind}.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert office.get(f"/workforce/appointments/certificates/{cert.pk}/other.pdf").status_code == 404
    assert login(world.office_b).get(f"/workforce/appointments/certificates/{cert.pk}/").status_code == 404
    assert login(world.principal_a).get(f"/workforce/appointments/certificates/{cert.pk}/").status_code == 404


def test_public_verification_shows_nothing_private(world, setup, client):
    batch = appointed_batch(world, setup)
    cert = InspectorCertificate.objects.get(candidate__batch=batch, inspector__name="王老师")
    renewed = InspectorCertificate.objects.get(candidate__batch=batch, inspector__name="督学乙")
    with at(datetime.date(2026, 3, 10)):
        response = client.get(f"/public/card/{cert.key}/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "王老师" in html and cert.inspector.card_no in html and "在岗" in html and "2029年3月8日" in html
        for private in ("13800001111", "甲区第一小学", "1980", "副校长", "<img", str(cert.inspector.pk) + "/",
                        "甲区第二小学", "13911112222"):
            assert private not in html, private
        html = client.get(f"/public/card/{renewed.key}/").content.decode()
        assert "督学乙" in html and "13911112222" not in html and "甲区第二小学" not in html


def test_forged_unknown_or_sequential_keys_are_404_in_chinese(world, setup, client):
    batch = appointed_batch(world, setup)
    cert = InspectorCertificate.objects.filter(candidate__batch=batch).first()
    for key in (str(cert.pk), cert.key[:-1] + ("A" if cert.key[-1] != "A" else "B"), "x" * 65, cert.key.upper()
                if cert.key.upper() != cert.key else "zz"):
        response = client.get(f"/public/card/{key}/")
        assert response.status_code == 404, key
        assert "未找到该督学证" in response.content.decode()
    assert client.get("/public/card/%00/").status_code == 400  # a NUL is refused before the view, not a 500


def test_status_suspended_exited_and_expired(world, setup, client):
    batch = appointed_batch(world, setup)
    cert = InspectorCertificate.objects.get(candidate__batch=batch, inspector__name="王老师")
    inspector = Inspector.objects.get(pk=cert.inspector_id)
    with at(datetime.date(2026, 4, 1)):
        inspector_set_status(actor=fresh(world.office_a), inspector=inspector, status=InspectorStatus.SUSPENDED,
                             reason="借调", date=datetime.date(2026, 4, 1))
        assert "暂停" in client.get(f"/public/card/{cert.key}/").content.decode()
        inspector_set_status(actor=fresh(world.office_a), inspector=inspector, status=InspectorStatus.ACTIVE,
                             reason="", date=datetime.date(2026, 4, 1))
    with at(datetime.date(2029, 3, 8), 23, 30):  # the last day of the term, late in Beijing
        assert "在岗" in client.get(f"/public/card/{cert.key}/").content.decode()
    with at(datetime.date(2029, 3, 9), 0, 30):  # the day after, just after midnight Beijing
        html = client.get(f"/public/card/{cert.key}/").content.decode()
        assert "已过期" in html and "当前无效" in html


def test_lookups_are_rate_limited_per_address(world, setup, client):
    batch = appointed_batch(world, setup)
    cert = InspectorCertificate.objects.filter(candidate__batch=batch).first()
    Policy.objects.create(key="workforce.card_checks_per_hour", region_code="", value=3)
    for _ in range(3):
        assert client.get(f"/public/card/{cert.key}/").status_code == 200
    limited = client.get(f"/public/card/{cert.key}/")
    assert limited.status_code == 429 and "查验过于频繁" in limited.content.decode()
    assert client.get("/public/card/forged/").status_code == 429  # a prober is stopped too


def test_todos_and_calendar(world, setup):
    from dudao.workforce.todo import appointment_todos
    from dudao.workforce.year import appointment_figures, calendar_publicity
    with at(MONDAY):
        batch = services.batch_create(actor=fresh(world.office_a), region=world.county_a, title="选聘")
        c = recommend(world, batch, name="老校长", source="retired", birth_date=datetime.date(1955, 1, 1),
                      retirement_date=datetime.date(2015, 1, 1), employer="退休")
        services.batch_review(actor=fresh(world.office_a), batch=batch)
        items = appointment_todos(fresh(world.office_a), MONDAY)
        assert [(t.kind, t.object) for t in items] == [("workforce.appointment_review", "选聘 · 1 名候选人不符合条件待定")]
        assert appointment_todos(fresh(world.office_b), MONDAY) == []
        services.candidate_except(actor=fresh(world.office_a), candidate=c, reason="本区急需学前教育督学，身体健康。",
                                  confirmed=True)
        services.batch_publish(actor=fresh(world.office_a), batch=batch, contact=CONTACT)
        services.objection_record(actor=fresh(world.office_a), candidate=c, objector="匿名", content="年龄",
                                  received_on=MONDAY)
        kinds = {t.kind: t for t in appointment_todos(fresh(world.office_a), MONDAY)}
        assert set(kinds) == {"workforce.appointment_objection", "workforce.appointment_appoint"}
        assert kinds["workforce.appointment_appoint"].due == datetime.date(2026, 3, 7)
        items = calendar_publicity(fresh(world.office_a), datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))
        assert [(i.start, i.end) for i in items] == [(MONDAY, datetime.date(2026, 3, 6))]
        assert calendar_publicity(fresh(world.office_b), datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)) == []
    figures = appointment_figures(world.county_a.code, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert [f.value for f in figures] == [0, 0]
    assert AppointmentBatch.objects.count() == 1


def test_year_figures_and_key_event(world, setup):
    from dudao.workforce.year import appointment_events, appointment_figures
    batch = appointed_batch(world, setup)
    figures = appointment_figures(world.county_a.code, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert [(f.key, f.value) for f in figures] == [("workforce.appointed", 2), ("workforce.renewed", 1)]
    assert [f.value for f in appointment_figures(world.county_b.code, datetime.date(2026, 1, 1),
                                                 datetime.date(2026, 12, 31))] == [0, 0]
    events = appointment_events(world.county_a.code, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert [(e.day, e.title) for e in events] == [(batch.appointed_on, "印发甲教督〔2026〕5号，聘任督学 2 名")]
    assert appointment_events(world.county_a.code, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)) == []


def test_administrator_designates_the_office_head_on_its_page(world, setup, login):
    """The page an administrator uses to name a county's 督导室负责人 (the only one who may pass a candidate
    breaking a rule): bad codes and accounts are refused in Chinese and change nothing; office users get 404."""
    from dudao.workforce.models import AppointmentHead

    admin = login(world.admin)
    page = admin.get("/workforce/appointments/heads/").content.decode()
    assert "督导室负责人" in page and world.county_a.name in page
    before = AppointmentHead.objects.count()
    refused = admin.post("/workforce/appointments/heads/", {"region": "000000", "username": setup.clerk.username})
    assert refused.status_code == 400 and "没有这个区划代码" in refused.content.decode()
    refused = admin.post("/workforce/appointments/heads/", {"region": world.county_a.code, "username": "nobody"})
    assert refused.status_code == 400 and "没有这个启用的账号" in refused.content.decode()
    # an account without the county's office role cannot be the head
    refused = admin.post("/workforce/appointments/heads/", {"region": world.county_b.code,
                                                            "username": setup.clerk.username})
    assert refused.status_code == 400 and "须持有该县（区）督导室角色" in refused.content.decode()
    assert AppointmentHead.objects.count() == before
    done = admin.post("/workforce/appointments/heads/", {"region": world.county_a.code,
                                                         "username": setup.clerk.username})
    assert done.status_code == 302
    current = AppointmentHead.objects.get(region_code=world.county_a.code, ended_at__isnull=True)
    assert current.user == setup.clerk and AppointmentHead.objects.count() == before + 1
    assert login(world.office_a).get("/workforce/appointments/heads/").status_code == 404
    assert login(world.office_a).post("/workforce/appointments/heads/", {}).status_code == 404
