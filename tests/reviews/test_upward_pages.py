"""迎检 pages and API with scope: the office's flow (create, import with preview → confirm, assign, accept,
return), a unit seeing only its indicators and assignments (pages and API; 404 for another unit's), another
county's office seeing nothing, the evidence upload through the page and the API, the boards and exports."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dudao.core.models import Notification, Role
from dudao.core.services import token_issue
from dudao.reviews.models import Assignment, AssignmentStatus, Evidence, Review
from dudao.reviews.services import upward as services
from tests.reviews.upward_helpers import (
    ROWS,
    dept,
    due,
    import_rows,
    leaf,
    make_review,
    pdf,
    png,
    unit_user,
    workbook,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    review = make_review(world)
    import_rows(world, review)
    finance = dept(world)
    finance_user = unit_user(world, finance)
    services.assignments_create(actor=world.office_a, review=review, indicators=[leaf(review, "1.1").pk],
                                units=[world.unit_a.pk], due_on=due())
    services.assignments_create(actor=world.office_a, review=review, indicators=[leaf(review, "2.1").pk],
                                units=[finance.pk], due_on=due())
    return review, finance, finance_user


def test_office_creates_and_imports_with_confirmation(world, login):
    client = login(world.office_a)
    response = client.post(reverse("reviews:review_create"), {
        "region": world.county_a.code, "title": "2026年省级专项督导", "level": "province", "kind": "special",
        "body": "省人民政府教育督导室", "year": 2026})
    review = Review.objects.get(title="2026年省级专项督导")
    assert response.status_code == 302
    rows = [r[:] for r in ROWS]
    rows[0][3] = 35
    response = client.post(reverse("reviews:indicators_import", args=[review.pk]),
                           {"file": SimpleUploadedFile("指标.xlsx", workbook(rows))})
    assert response.status_code == 200 and "一级指标分值合计为 95" in response.content.decode()
    assert review.indicators.count() == 0
    digest = client.session["reviews-indicator-import"]["digest"]
    response = client.post(reverse("reviews:indicators_confirm", args=[review.pk]), {"digest": "x" * 64})
    assert review.indicators.count() == 0
    response = client.post(reverse("reviews:indicators_confirm", args=[review.pk]), {"digest": digest})
    assert response.status_code == 302 and review.indicators.count() == 6
    # replay of the same confirmation: the kept rows are gone
    client.post(reverse("reviews:indicators_confirm", args=[review.pk]), {"digest": digest})
    assert review.indicators.count() == 6


def test_import_errors_listed_with_sheet_row_column(world, login):
    review = make_review(world)
    client = login(world.office_a)
    response = client.post(reverse("reviews:indicators_import", args=[review.pk]),
                           {"file": SimpleUploadedFile("指标.xlsx", workbook(ROWS + [["1", "", "重复", 1, ""]]))})
    body = response.content.decode()
    assert response.status_code == 400 and "编号“1”与第 2 行重复" in body and "A（编号）" in body


def test_template_download(world, login):
    response = login(world.office_a).get(reverse("reviews:indicators_template"))
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert services.indicators_read(response.content, "t.xlsx").rows


def test_unit_sees_only_its_own(world, login, setup):
    review, finance, finance_user = setup
    mine = Assignment.objects.get(unit=world.unit_a)
    theirs = Assignment.objects.get(unit=finance)
    client = login(world.town_a)
    page = client.get(reverse("reviews:review_detail", args=[review.pk])).content.decode()
    assert "财政教育经费" in page and "消除大班额" not in page and "甲区财政局" not in page
    assert client.get(reverse("reviews:assignment_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("reviews:assignment_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reviews:review_board", args=[review.pk])).status_code == 404
    assert client.get(reverse("reviews:indicators_import", args=[review.pk])).status_code == 404
    tasks = client.get(reverse("reviews:my_tasks")).content.decode()
    assert "财政教育经费" in tasks and "消除大班额" not in tasks
    # posting on another unit's assignment: 404, nothing stored
    response = client.post(reverse("reviews:evidence_submit", args=[theirs.pk]), {"statement": "x"})
    assert response.status_code == 404 and not Evidence.objects.exists()
    assert login(world.principal_a).get(reverse("reviews:review_detail", args=[review.pk])).status_code == 404


def test_other_county_office_sees_nothing(world, login, setup):
    review, *_ = setup
    client = login(world.office_b)
    assert client.get(reverse("reviews:review_detail", args=[review.pk])).status_code == 404
    assert "2026年市政府" not in client.get(reverse("reviews:review_list")).content.decode()
    a = Assignment.objects.first()
    assert client.post(reverse("reviews:assignment_delete", args=[a.pk])).status_code == 404


def test_hand_in_accept_return_through_pages(world, login, setup):
    review, finance, finance_user = setup
    mine = Assignment.objects.get(unit=world.unit_a)
    client = login(world.town_a)
    response = client.post(reverse("reviews:evidence_submit", args=[mine.pk]),
                           {"statement": "经费两个只增不减已落实", "files": [pdf(), png()]})
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.files.count() == 2
    # the unit cannot accept
    assert client.post(reverse("reviews:evidence_accept", args=[evidence.pk])).status_code == 404
    office = login(world.office_a)
    page = office.get(reverse("reviews:assignment_detail", args=[mine.pk])).content.decode()
    assert "采纳" in page and "经费两个只增不减已落实" in page
    office.post(reverse("reviews:evidence_return", args=[evidence.pk]), {"reason": ""})
    evidence.refresh_from_db()
    assert evidence.decision == "pending"
    office.post(reverse("reviews:evidence_return", args=[evidence.pk]), {"reason": "请补充2025年决算"})
    evidence.refresh_from_db()
    assert evidence.decision == "returned"
    assert Notification.objects.filter(user=world.town_a, kind="review_decision").exists()


def test_assign_through_page_bulk(world, login):
    review = make_review(world)
    import_rows(world, review)
    ids = [leaf(review, c).pk for c in ("1.1", "1.2", "2.2")]
    response = login(world.office_a).post(reverse("reviews:assignments_create", args=[review.pk]), {
        "indicators": ids, "units": [world.unit_a.pk], "users": [world.office_a.pk], "request": "材料",
        "due_on": due().isoformat()})
    assert response.status_code == 302 and Assignment.objects.count() == 6
    response = login(world.office_a).post(reverse("reviews:assignments_create", args=[review.pk]), {
        "indicators": ids, "units": [world.unit_b.pk], "due_on": due().isoformat()})
    assert Assignment.objects.count() == 6


def test_lists_boards_exports(world, login, setup):
    review, *_ = setup
    client = login(world.office_a)
    for name, args, query in [("reviews:review_list", [], "?year=2026&level=city&q=甲区"),
                              ("reviews:review_list", [], "?export=xlsx"),
                              ("reviews:review_detail", [review.pk], ""),
                              ("reviews:review_board", [review.pk], "?sort=-overdue"),
                              ("reviews:review_board", [review.pk], "?export=xlsx"),
                              ("reviews:my_tasks", [], "?export=xlsx"),
                              ("reviews:province_board", [], "?year=2026&sort=name"),
                              ("reviews:review_edit", [review.pk], "")]:
        response = client.get(reverse(name, args=args) + query)
        assert response.status_code == 200, (name, query)
    board = client.get(reverse("reviews:review_board", args=[review.pk])).content.decode()
    assert "甲区财政局" in board and "甲二镇人民政府" in board


def test_province_board_groups_by_county_and_department(world, login, setup):
    from dudao.core.services import role_assign, user_create
    from dudao.regions.models import GovUnit, Region
    from dudao.reviews.selectors.upward import province_board

    city_office = user_create(actor=world.admin, username="city_office", full_name="市督导室", password="Test-pass-2026")
    role_assign(actor=world.admin, user=city_office, role=Role.OFFICE, region=Region.objects.get(code="990100"))
    other = services.review_create(actor=world.admin, region=world.county_b, title="乙县迎检", level="city",
                                   kind="duties", body="市人民政府教育督导室", year=2026)
    import_rows(world, other, actor=world.admin)
    b_finance = GovUnit.objects.create(code="UB02", name="甲区财政局", kind="department", region=world.county_b)
    services.assignments_create(actor=world.admin, review=other, indicators=[leaf(other, "1.1").pk, leaf(other, "1.2").pk],
                                units=[b_finance.pk], due_on=due())
    Assignment.objects.filter(unit=b_finance).update(status=AssignmentStatus.ACCEPTED)
    counties, departments = province_board(city_office, 2026)
    assert {(r.key, r.assigned, r.accepted) for r in counties} == {("990102", 2, 0), ("990103", 2, 2)}
    assert {(r.name, r.assigned, r.accepted) for r in departments} == {("甲区财政局", 3, 2), ("甲二镇人民政府", 1, 0)}
    counties, _ = province_board(world.office_a, 2026)
    assert [r.key for r in counties] == ["990102"]
    assert login(city_office).get(reverse("reviews:province_board")).status_code == 200


def test_overdue_on_board_at_beijing_day_edges(world, setup):
    import time_machine

    from dudao.reviews.selectors.upward import board_by_assignee

    review, *_ = setup
    Assignment.objects.update(due_on=datetime.date(2026, 3, 10))
    for clock, overdue in [("2026-03-10 23:30", 0), ("2026-03-11 00:30", 1)]:
        with time_machine.travel(datetime.datetime.fromisoformat(clock + "+08:00"), tick=False):
            rows = {r.name: r.overdue for r in board_by_assignee(review)}
            assert rows["甲二镇人民政府"] == overdue, clock


# ---- API -------------------------------------------------------------------------------------------------------------

def bearer(user) -> dict:
    key, _token = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_api_list_and_detail_scoped(world, client, setup):
    review, finance, finance_user = setup
    body = client.get("/api/v1/reviews?year=2026&status=preparing", **bearer(world.office_a)).json()
    assert [r["id"] for r in body["items"]] == [review.pk]
    detail = client.get(f"/api/v1/reviews/{review.pk}", **bearer(world.office_a)).json()
    assert len(detail["indicators"]) == 6 and detail["progress"]["assigned"] == 2
    mine = client.get(f"/api/v1/reviews/{review.pk}", **bearer(world.town_a)).json()
    assert [i["code"] for i in mine["indicators"]] == ["1.1"]
    assert [a["assignee"] for a in mine["indicators"][0]["assignments"]] == ["甲二镇人民政府"]
    assert mine["progress"]["total_score"] is None
    assert client.get(f"/api/v1/reviews/{review.pk}", **bearer(world.office_b)).status_code == 404
    assert client.get("/api/v1/reviews", **bearer(world.office_b)).json()["items"] == []


def test_api_evidence_upload(world, client, setup):
    review, finance, finance_user = setup
    mine = Assignment.objects.get(unit=world.unit_a)
    theirs = Assignment.objects.get(unit=finance)
    url = f"/api/v1/reviews/assignments/{mine.pk}/evidence"
    response = client.post(url, {"statement": "已落实", "files": [pdf()]}, **bearer(world.town_a))
    assert response.status_code == 201 and response.json()["version"] == 1
    response = client.post(url, {"statement": "再交"}, **bearer(world.town_a))
    assert response.status_code == 400 and "尚待督导室审核" in response.json()["detail"]
    response = client.post(f"/api/v1/reviews/assignments/{theirs.pk}/evidence", {"statement": "x"},
                           **bearer(world.town_a))
    assert response.status_code == 404
    Evidence.objects.update(decision="returned")
    Assignment.objects.filter(pk=mine.pk).update(status=AssignmentStatus.RETURNED)
    bad = SimpleUploadedFile("x.docx", b"MZ" + b"\x00" * 50, content_type="application/msword")
    response = client.post(url, {"statement": "再交", "files": [bad]}, **bearer(world.town_a))
    assert response.status_code == 400 and "类型不受支持" in response.json()["detail"]


def test_exports_keep_formulas_as_text(world, login):
    import io
    import zipfile

    make_review(world, title='=HYPERLINK("http://evil.example","点我")')
    response = login(world.office_a).get(reverse("reviews:review_list") + "?export=xlsx")
    sheet = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"HYPERLINK" in zipfile.ZipFile(io.BytesIO(response.content)).read(
        "xl/sharedStrings.xml")


def test_hostile_parameters_are_harmless(world, login, setup):
    review, *_ = setup
    client = login(world.office_a)
    for query in ("?sort=__class__", "?sort=-" + "x" * 500, "?year=99999999999999999999"):
        assert client.get(reverse("reviews:review_board", args=[review.pk]) + query).status_code == 200
        assert client.get(reverse("reviews:province_board") + query).status_code == 200
    response = client.post(reverse("reviews:self_scores", args=[review.pk]), {f"score_{leaf(review, '1.1').pk}": "1e309"})
    assert response.status_code == 302 and leaf(review, "1.1").self_score is None
    response = client.post(reverse("reviews:review_move", args=[review.pk]), {"to": "closed"})
    review.refresh_from_db()
    assert review.status == "preparing"
