"""scores_import: all-or-nothing, office of the round's county, prior attainment linked across rounds, re-import
replaces, the round moves to 成绩已导入, and the pages (upload, confirm, history, template, rows)."""

import io

import pytest
from python_calamine import CalamineWorkbook

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.quality.models import RoundStatus, RoundTransition, ScoreImport, StudentScore
from dudao.quality.services.scores import scores_import
from tests.quality.factories import csv_bytes, make_round, score_rows


def run(world, round, rows, *, actor=None, confirm=False):
    return scores_import(actor=actor or world.office_a, round=round, data=csv_bytes(rows), filename="成绩.csv",
                         confirm=confirm)


def test_import_writes_rows_counts_audit_and_moves_round(world):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    result = run(world, round, score_rows(world))
    assert result.batch is not None and result.rows == 36
    assert StudentScore.objects.filter(round=round).count() == 36
    batch = ScoreImport.objects.get()
    assert (batch.rows, batch.replaced, batch.prior_from_file, batch.prior_linked, batch.prior_missing) == (
        36, 0, 36, 0, 0)
    assert len(batch.sha256) == 64
    row = StudentScore.objects.get(round=round, student="P000", subject__name="语文")
    assert (row.score, row.prior, row.prior_source, row.gender, row.class_name) == (60.0, 55.0, "file", "女", "1班")
    round.refresh_from_db()
    assert round.status == RoundStatus.SCORED
    assert RoundTransition.objects.filter(round=round, to_status="scored").count() == 1
    log = AuditLog.objects.get(action="quality.scores_import")
    assert log.after["rows"] == 36 and log.region_code == world.county_a.code


def test_any_error_imports_nothing(world):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    rows = score_rows(world)
    rows[7][4] = "abc"
    rows[9][1] = world.schools_b[0].code
    with pytest.raises(ApplicationError) as caught:
        run(world, round, rows)
    assert {(e.row, e.column) for e in caught.value.errors} == {(9, "E（成绩）"), (11, "B（学校标识码）")}
    assert any("其他区县" in e.message for e in caught.value.errors)
    assert not StudentScore.objects.exists() and not ScoreImport.objects.exists()
    round.refresh_from_db()
    assert round.status == RoundStatus.PLANNED


def test_warnings_need_confirmation(world):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    rows = [r for r in score_rows(world) if r[1] != world.schools_a[2].code]  # one school of the round missing
    result = run(world, round, rows)
    assert result.needs_confirmation and result.batch is None
    assert any("没有任何成绩" in w.message for w in result.warnings)
    assert not StudentScore.objects.exists()
    result = run(world, round, rows, confirm=True)
    assert result.batch.warnings and StudentScore.objects.count() == 24


def test_prior_linked_from_earlier_round_of_same_cohort(world):
    earlier = make_round(world, year=2024, term="spring", grade=7, schools=world.schools_a[:3])  # cohort 2017, spring of 2024-25
    run(world, earlier, score_rows(world, grade=7, prior=False), confirm=True)
    older = make_round(world, year=2023, term="autumn", grade=6, schools=world.schools_a[:3])  # same cohort, older: not the one linked
    run(world, older, score_rows(world, grade=6, prior=False, offset=-30), confirm=True)
    other_cohort = make_round(world, year=2025, term="spring", grade=9, schools=world.schools_a[:3])  # later, another cohort
    assert other_cohort.cohort != earlier.cohort
    current = make_round(world, year=2025, term="autumn", grade=8, schools=world.schools_a[:3])
    rows = score_rows(world, prior=False)
    rows[0][5] = "41"  # one prior from the file
    rows = [r for r in rows if not (r[0] == "P105" and r[3] == "数学")]
    rows.append(["NEW01", world.schools_a[1].code, "8", "数学", "70", "", "", ""])  # no earlier score
    result = run(world, current, rows)
    assert result.linked_round == earlier
    assert (result.prior_from_file, result.prior_linked, result.prior_missing) == (1, 34, 1)
    batch = result.batch
    assert (batch.prior_from_file, batch.prior_linked, batch.prior_missing, batch.linked_round) == (1, 34, 1, earlier)
    linked = StudentScore.objects.get(round=current, student="P102", subject__name="数学")
    assert linked.prior == StudentScore.objects.get(round=earlier, student="P102", subject__name="数学").score
    assert linked.prior_source == "linked"
    assert StudentScore.objects.get(round=current, student="NEW01").prior is None


def test_no_earlier_round_other_county_not_linked(world):
    other = make_round(world, year=2024, term="spring", grade=7, region=world.county_b, schools=world.schools_b)
    assert other.cohort == 2017
    current = make_round(world, year=2025, schools=world.schools_a[:3])
    result = run(world, current, score_rows(world, prior=False))
    assert result.linked_round is None and result.prior_missing == 36


def test_reimport_replaces_pairs_in_file(world):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    run(world, round, score_rows(world))
    first_school = world.schools_a[0]
    rows = [r for r in score_rows(world, offset=5) if r[1] == first_school.code and r[3] == "语文"]
    result = run(world, round, rows)
    assert result.replaced == 6 and result.rows == 6
    assert StudentScore.objects.filter(round=round).count() == 36
    assert StudentScore.objects.get(round=round, student="P000", subject__name="语文").score == 65.0
    assert StudentScore.objects.get(round=round, student="P000", subject__name="数学").score == 60.0
    assert ScoreImport.objects.count() == 2


def test_only_office_of_the_county(world):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    for user in (world.office_b, world.principal_a, world.inspector_a, world.leader_a):
        with pytest.raises(PermissionDenied):
            run(world, round, score_rows(world), actor=user)
    assert not StudentScore.objects.exists()
    assert run(world, round, score_rows(world), actor=world.admin).batch


def test_published_round_refused(world):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    round.status = RoundStatus.PUBLISHED
    round.save()
    with pytest.raises(ApplicationError, match="已发布"):
        run(world, round, score_rows(world))


def test_round_without_schools_or_subjects(world):
    round = make_round(world, schools=[], year=2025)
    with pytest.raises(ApplicationError, match="尚未确定监测学校"):
        run(world, round, score_rows(world))


def test_upload_page_errors_and_confirm(world, login):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    client = login(world.office_a)
    url = f"/quality/rounds/{round.pk}/scores/"
    assert client.get(url).status_code == 200
    rows = score_rows(world)
    rows[3][4] = "999"
    response = client.post(url, {"file": _upload(csv_bytes(rows))})
    assert response.status_code == 400
    assert "超出范围" in response.content.decode() and not StudentScore.objects.exists()
    rows = [r for r in score_rows(world) if r[1] != world.schools_a[2].code]
    response = client.post(url, {"file": _upload(csv_bytes(rows))})
    page = response.content.decode()
    assert response.status_code == 200 and "确认导入" in page and not StudentScore.objects.exists()
    sha = ScoreImport.sha256.field.max_length and response.context["result"].sha256
    assert client.post(f"{url}confirm/", {"sha256": "0" * 64}).status_code == 302
    assert not StudentScore.objects.exists()
    response = client.post(f"{url}confirm/", {"sha256": sha}, follow=True)
    assert "导入成功：24 行" in response.content.decode()
    assert StudentScore.objects.count() == 24
    assert client.post(f"{url}confirm/", {"sha256": sha}).status_code == 302  # used once only
    assert StudentScore.objects.count() == 24 and ScoreImport.objects.count() == 1


def test_pages_are_office_only(world, login):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    run(world, round, score_rows(world))
    for user in (world.office_b, world.principal_a, world.leader_a, world.inspector_a):
        client = login(user)
        for path in ("", "template/", "rows/"):
            assert client.get(f"/quality/rounds/{round.pk}/scores/{path}").status_code == 404, (user, path)
        assert client.post(f"/quality/rounds/{round.pk}/scores/confirm/", {"sha256": "x"}).status_code == 404


def test_template_and_rows_page(world, login):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    run(world, round, score_rows(world))
    client = login(world.office_a)
    response = client.get(f"/quality/rounds/{round.pk}/scores/template/")
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = workbook.get_sheet_by_name("学生成绩").to_python()
    assert [h.rstrip("*") for h in rows[0]] == ["学生编号", "学校标识码", "年级", "学科", "成绩", "前测成绩", "性别", "班级"]
    assert rows[1][1] == world.schools_a[0].code
    school = world.schools_a[1]
    response = client.get(f"/quality/rounds/{round.pk}/scores/rows/", {"school": school.pk, "class": "2班"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 6
    assert {s.school_id for s in response.context["page"].object_list} == {school.pk}
    response = client.get(f"/quality/rounds/{round.pk}/scores/rows/", {"export": "xlsx"})
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("学生成绩").to_python()
    assert len(sheet) == 37


def _upload(data: bytes, name="成绩.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415 -- test helper

    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_hostile_text_is_stored_as_text_and_escaped(world, login):
    round = make_round(world, year=2025, schools=world.schools_a[:3])
    rows = score_rows(world)
    rows[0][0] = "<script>alert(1)</script>"
    rows[0][7] = "<b>1班</b>"
    run(world, round, rows)
    page = login(world.office_a).get(f"/quality/rounds/{round.pk}/scores/rows/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>1班</b>" not in page


def test_files_left_waiting_for_confirmation_are_dropped_by_the_next_upload_and_the_daily_sweep(world, settings):
    import datetime

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from dudao.quality.services.scores import PENDING_DAYS, pending_drop, pending_keep, pending_sweep

    first = pending_keep(user_id=7, round_id=3, sha256="a" * 64, data=b"x")
    other_round = pending_keep(user_id=7, round_id=4, sha256="b" * 64, data=b"y")
    second = pending_keep(user_id=7, round_id=3, sha256="c" * 64, data=b"z")
    assert not default_storage.exists(first) and default_storage.exists(second)
    assert default_storage.exists(other_round)
    assert pending_drop(user_id=7, round_id=3) == 1 and not default_storage.exists(second)
    assert pending_sweep(now=timezone.now()) == 0
    later = timezone.now() + datetime.timedelta(days=PENDING_DAYS, hours=1)
    assert pending_sweep(now=later) == 1 and not default_storage.exists(other_round)
