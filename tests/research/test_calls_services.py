"""征集评选 services: deadline edges (Beijing time), eligibility, hostile inputs, recusal, scoring, rating, award
adjustment and publication (评选结果, 表彰, 信息报送)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.planning.models import Submission
from dudao.rectification.models import Commendation, Publication
from dudao.research.models import CallEntry, CallStatus, EntryScore
from dudao.research.selectors import calls as selectors
from dudao.research.services import calls as services
from tests.research import calls_support
from tests.research.calls_support import (
    AFTER,
    BJ,
    DEADLINE,
    at,
    close,
    docx_upload,
    make_call,
    pdf_bytes,
    pdf_upload,
    score,
    submit,
)

pytestmark = pytest.mark.django_db
cw = calls_support.cw  # the fixture


# ---- deadline edges -----------------------------------------------------------------------------------------------

def test_entry_at_2330_on_the_deadline_day_counts_and_0030_next_day_is_refused(world, cw):
    late = datetime.datetime(2026, 4, 30, 23, 30, tzinfo=BJ)  # 15:30 UTC, still the deadline day in Beijing
    entry = submit(world.principal_a, cw.call, option=f"school:{world.schools_a[0].pk}", when=late)
    assert entry.code == "2026-案例-001"
    too_late = datetime.datetime(2026, 5, 1, 0, 30, tzinfo=BJ)  # 2026-04-30 16:30 UTC: the UTC date is still 4-30
    with pytest.raises(ApplicationError, match="已于 2026-04-30 截止"):
        submit(world.principal_a, cw.call, option=f"school:{world.schools_a[0].pk}", when=too_late)
    assert CallEntry.objects.count() == 1


def test_entry_before_the_opening_date_is_refused(world, cw):
    with pytest.raises(ApplicationError, match="尚未开始"):
        submit(world.principal_a, cw.call, when=datetime.datetime(2026, 2, 28, 23, 0, tzinfo=BJ))


def test_review_cannot_start_on_the_deadline_day(world, cw):
    submit(world.principal_a, cw.call)
    with at(datetime.datetime(2026, 4, 30, 23, 59, tzinfo=BJ)), pytest.raises(ApplicationError, match="截止日期"):
        services.call_close(actor=world.office_a, call=cw.call)
    close(world, cw.call)


def test_withdraw_before_deadline_only_by_the_submitter(world, cw):
    entry = submit(world.principal_a, cw.call)
    with at(datetime.datetime(2026, 4, 30, 12, 0, tzinfo=BJ)), pytest.raises(PermissionDenied):
        services.entry_withdraw(actor=world.office_a, entry=entry)
    with at(datetime.datetime(2026, 5, 1, 0, 30, tzinfo=BJ)), pytest.raises(ApplicationError, match="已截止"):
        services.entry_withdraw(actor=world.principal_a, entry=entry)
    with at(datetime.datetime(2026, 4, 30, 23, 30, tzinfo=BJ)):
        services.entry_withdraw(actor=world.principal_a, entry=entry)
    entry.refresh_from_db()
    assert entry.status == "withdrawn"


# ---- eligibility and hostile inputs -----------------------------------------------------------------------------

def test_eligibility_follows_the_call(world, cw):
    keys = [o.key for o in selectors.submit_options(world.inspector_a, cw.call)]
    assert keys == ["inspector"]
    assert [o.key for o in selectors.submit_options(world.principal_a, cw.call)] == [f"school:{world.schools_a[0].pk}"]
    assert [o.key for o in selectors.submit_options(world.office_a, cw.call)] == ["office"]
    assert selectors.submit_options(world.office_b, cw.call) == []  # another district
    assert selectors.submit_options(world.town_a, cw.call) == []    # a town government is not eligible
    with pytest.raises(PermissionDenied):
        submit(world.office_b, cw.call)
    services.call_update(actor=world.office_a, call=cw.call, allow_schools=False)
    cw.call.refresh_from_db()
    with pytest.raises(PermissionDenied):
        submit(world.principal_a, cw.call)


def test_inspector_entry_carries_their_employer(world, cw):
    entry = submit(world.inspector_a, cw.call, co_authors="钱老师、孙老师、钱老师")
    assert (entry.submitted_as, entry.origin_name, entry.school_id) == ("inspector", "甲区教研室", None)
    assert entry.co_authors == ["钱老师", "孙老师"] and entry.authors_display == "赵督学、钱老师、孙老师"


@pytest.mark.parametrize("upload, message", [
    (lambda: SimpleUploadedFile("a.xlsx", b"not a document"), "不是支持的文档"),
    (lambda: SimpleUploadedFile("evil.docx", b"MZ\x90\x00 an exe renamed"), "不是支持的文档"),
    (lambda: SimpleUploadedFile("empty.pdf", b""), "空文件"),
    # a PDF the experts' copy could not be rewritten from: damaged, or locked with an opening password
    (lambda: SimpleUploadedFile("damaged.pdf", b"%PDF-1.4\n1 0 obj<</Author (Wang)>>endobj\n%%EOF\n"), "PDF 文件无法读取"),
    (lambda: pdf_upload(password="secret"), "设置了打开密码"),
])
def test_hostile_documents_are_refused_and_nothing_is_stored(world, cw, upload, message):
    with pytest.raises(ApplicationError, match=message):
        submit(world.principal_a, cw.call, upload=upload())
    assert not CallEntry.objects.exists()


def test_an_xlsx_is_a_real_document_but_not_an_entry(world, cw):
    import io

    import xlsxwriter
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    book.add_worksheet().write(0, 0, "x")
    book.close()
    with pytest.raises(ApplicationError, match="只能是 Word"):
        submit(world.principal_a, cw.call, upload=SimpleUploadedFile("a.xlsx", buffer.getvalue()))


def test_oversized_document_is_refused_before_reading(world, cw, settings):
    upload = docx_upload()
    upload.size = 500 * 1024 * 1024
    with pytest.raises(ApplicationError, match="超过上限"):
        submit(world.principal_a, cw.call, upload=upload)


@pytest.mark.parametrize("field, value, message", [
    ("title", "  ", "请填写作品标题"), ("title", "题" * 201, "不能超过 200"), ("category", "不存在的类别", "请选择作品类别"),
    ("co_authors", "、".join(f"人{i}" for i in range(12)), "最多 10"), ("option", "office", "请选择投稿身份"),
])
def test_bad_entry_fields_are_refused(world, cw, field, value, message):
    kwargs = {"option": f"school:{world.schools_a[0].pk}", field: value}
    with pytest.raises(ApplicationError, match=message):
        submit(world.principal_a, cw.call, **kwargs)
    assert not CallEntry.objects.exists()


def test_bad_call_settings_are_refused(world):
    framework = services.call_default_framework(actor=world.office_a, region=world.county_a)
    base = dict(title="征集", kind="paper", categories="", opens_on=datetime.date(2026, 3, 1),
                deadline=datetime.date(2026, 4, 1), framework=framework)
    for change, message in [({"kind": "poem"}, "征集类别"), ({"deadline": datetime.date(2026, 2, 1)}, "不能早于"),
                            ({"quota_basis": "share", "quota_first": 60, "quota_second": 50}, "不能超过 100%"),
                            ({"quota_first": "-1"}, "0—1000"), ({"quota_first": "abc"}, "整数"),
                            ({"allow_inspectors": False, "allow_schools": False, "allow_offices": False}, "至少选择"),
                            ({"framework": None}, "请选择评分指标体系"), ({"quota_per_category": True}, "作品类别")]:
        with pytest.raises(ApplicationError, match=message):
            services.call_create(actor=world.office_a, region=world.county_a, **{**base, **change})
    with pytest.raises(PermissionDenied):
        services.call_create(actor=world.office_b, region=world.county_a, **base)


# ---- recusal and scoring ------------------------------------------------------------------------------------------

def test_recusal_own_entry_own_school_and_employer(world, cw):
    from_school0 = submit(world.principal_a, cw.call, option=f"school:{world.schools_a[0].pk}")
    by_expert2 = submit(cw.expert_users[1], cw.call, option=f"school:{world.schools_a[0].pk}")
    co_authored = submit(world.inspector_a, cw.call, co_authors="陈专家")
    school1_user = world.admin  # an office entry would not name school 1; build one with school 1 as origin
    from dudao.core.services import role_assign
    role_assign(actor=world.admin, user=world.leader_a, role="school", school=world.schools_a[1])
    from_school1 = submit(world.leader_a, cw.call, option=f"school:{world.schools_a[1].pk}")
    close(world, cw.call)
    plain, principal, employer = cw.experts
    ctx = selectors.conflict_context(cw.experts)
    assert selectors.conflict_reason(co_authored, plain, ctx) == "本人是作者之一"
    assert selectors.conflict_reason(by_expert2, principal, ctx) == "本人提交的作品"
    assert selectors.conflict_reason(from_school0, principal, ctx) == "作品来自本人所在学校"
    assert selectors.conflict_reason(from_school1, employer, ctx) == "作品来自本人工作单位"
    assert selectors.conflict_reason(from_school0, plain, ctx) == ""
    mine, recused = selectors.expert_entries(cw.call, principal, selectors.assignment_for(cw.call, principal))
    assert {e.pk for e in mine} == {co_authored.pk, from_school1.pk} and recused == 2
    # forcing a score is refused, audited, and stores nothing
    for user, entry, reason in [(cw.expert_users[1], from_school0, "所在学校"), (cw.expert_users[0], co_authored, "作者"),
                                (cw.expert_users[2], from_school1, "工作单位"), (cw.expert_users[1], by_expert2, "本人提交")]:
        with pytest.raises(ApplicationError, match=reason):
            score(user, entry)
    assert not EntryScore.objects.exists()
    assert AuditLog.objects.filter(action="call.score_refused").count() == 4
    assert school1_user  # keeps the admin referenced


def test_scoring_rules(world, cw):
    entry = submit(world.principal_a, cw.call)
    with pytest.raises(ApplicationError, match="评分已关闭"):
        score(cw.expert_users[0], entry)  # still 征集中
    close(world, cw.call)
    with pytest.raises(ApplicationError, match="超出 0—25"):
        score(cw.expert_users[0], entry, points=(26, 25, 25, 10))
    with pytest.raises(ApplicationError, match="不是数字"):
        score(cw.expert_users[0], entry, points=("NaN", 25, 25, 10))
    with pytest.raises(ApplicationError, match="未评分"):
        score(cw.expert_users[0], entry, points=("", 25, 25, 10))
    with pytest.raises(PermissionDenied):
        score(world.office_a, entry)  # not an expert
    first = score(cw.expert_users[0], entry, points=(20, 25, 25, 10))
    assert first.total == 80
    again = score(cw.expert_users[0], entry, points=(25, 30, 30, 15))  # edited while 评审中
    assert again.pk == first.pk and again.total == 100 and EntryScore.objects.count() == 1


def test_category_assignment_limits_what_an_expert_scores(world, cw):
    teaching = submit(world.principal_a, cw.call, category="教学")
    assignment = selectors.assignment_for(cw.call, cw.experts[0])
    assignment.categories = ["德育"]
    assignment.save()
    close(world, cw.call)
    with pytest.raises(PermissionDenied, match="类别"):
        score(cw.expert_users[0], teaching)


# ---- rating, adjustment and publication ---------------------------------------------------------------------------

def _rated(world, cw):
    a = submit(world.principal_a, cw.call, title="甲", option=f"school:{world.schools_a[0].pk}")
    b = submit(world.inspector_a, cw.call, title="乙")
    c = submit(world.office_a, cw.call, title="丙", option="office")
    d = submit(world.principal_a, cw.call, title="丁", option=f"school:{world.schools_a[0].pk}")
    close(world, cw.call)
    score(cw.expert_users[0], a, (25, 30, 30, 15))  # 100
    score(cw.expert_users[0], b, (20, 25, 25, 10))  # 80
    score(cw.expert_users[1], b, (20, 25, 25, 10))  # 80 → mean 80
    score(cw.expert_users[0], c, (20, 25, 25, 10))  # 80 (one expert, same lowest: more experts wins → b before c)
    score(cw.expert_users[0], d, (10, 10, 10, 10))  # 40
    with at(AFTER):
        services.call_rate(actor=world.office_a, call=cw.call)
    return [CallEntry.objects.get(pk=e.pk) for e in (a, b, c, d)]


def test_rating_needs_every_entry_scored(world, cw):
    submit(world.principal_a, cw.call)
    close(world, cw.call)
    with at(AFTER), pytest.raises(ApplicationError, match="没有专家评分：2026-案例-001"):
        services.call_rate(actor=world.office_a, call=cw.call)


def test_rating_ranks_awards_and_closes_scoring(world, cw):
    a, b, c, d = _rated(world, cw)
    assert [(e.rank, e.award) for e in (a, b, c, d)] == [(1, "first"), (2, "second"), (3, "third"), (4, "")]
    assert "评分专家多者在前" in b.rank_note and b.score_count == 2
    with pytest.raises(ApplicationError, match="评分已关闭"):
        score(cw.expert_users[0], d)


def test_award_adjustment_needs_a_reason_and_is_recorded(world, cw):
    _a, _b, c, d = _rated(world, cw)
    with pytest.raises(ApplicationError, match="调整理由"):
        services.award_adjust(actor=world.office_a, entry=d, award="merit", reason=" ")
    with pytest.raises(PermissionDenied):
        services.award_adjust(actor=world.office_b, entry=d, award="merit", reason="x")
    services.award_adjust(actor=world.office_a, entry=d, award="merit", reason="专家组复议：实践价值突出")
    d.refresh_from_db()
    assert (d.award, d.award_computed, d.award_reason) == ("merit", "", "专家组复议：实践价值突出")
    log = AuditLog.objects.get(action="call.award_adjust")
    assert log.before == {"award": ""} and log.after["reason"] == "专家组复议：实践价值突出"


def test_publish_writes_publication_commendations_and_submission(world, cw):
    a, b, c, _d = _rated(world, cw)
    with at(AFTER), pytest.raises(ApplicationError, match="报送对象"):
        services.call_publish(actor=world.office_a, call=cw.call, recipient="")
    with at(AFTER):
        services.call_publish(actor=world.office_a, call=cw.call, recipient="市教育督导室")
    cw.call.refresh_from_db()
    assert cw.call.status == CallStatus.PUBLISHED
    pub = Publication.objects.get(pk=cw.call.publication_id)
    assert pub.kind == "award" and "甲" in pub.body and "一等奖" in pub.body
    # one commendation: only entry a comes from a school; the inspector (no school) and the office are listed only
    commendation = Commendation.objects.get()
    assert commendation.school_id == world.schools_a[0].pk and "一等奖" in commendation.title
    assert CallEntry.objects.get(pk=a.pk).commendation_id == commendation.pk
    sub = Submission.objects.get(pk=cw.call.submission_id)
    assert sub.recipient == "市教育督导室" and sub.file.original_name.endswith("获奖名单.xlsx")
    with at(AFTER), pytest.raises(ApplicationError, match="已公布"):
        services.call_publish(actor=world.office_a, call=cw.call, recipient="市教育督导室")


def test_reopen_scoring_needs_a_reason(world, cw):
    _rated(world, cw)
    with pytest.raises(ApplicationError, match="理由"):
        services.call_reopen_scoring(actor=world.office_a, call=cw.call, reason="")
    services.call_reopen_scoring(actor=world.office_a, call=cw.call, reason="一位专家评分有误")
    cw.call.refresh_from_db()
    assert cw.call.status == CallStatus.REVIEWING


def test_workflow_refuses_skipping(world):
    call = make_call(world)
    with pytest.raises(ApplicationError, match="不能变为"):
        services.call_rate(actor=world.office_a, call=call)


def test_experts_outside_the_region_or_without_account_are_refused(world, cw):
    from dudao.people.models import Expert
    outsider = Expert.objects.create(name="乙县专家", phone="9", id_key="ZJB", categories="research",
                                     region=world.county_b)
    no_account = Expert.objects.create(name="无账号", phone="8", id_key="ZJN", categories="research",
                                       region=world.county_a)
    with pytest.raises(ApplicationError, match="本区域"):
        services.expert_assign(actor=world.office_a, call=cw.call, expert=outsider)
    with pytest.raises(ApplicationError, match="没有登录账号"):
        services.expert_assign(actor=world.office_a, call=cw.call, expert=no_account)
    with pytest.raises(ApplicationError, match="已在评审名单"):
        services.expert_assign(actor=world.office_a, call=cw.call, expert=cw.experts[0])
    with pytest.raises(ApplicationError, match="不是本次征集"):
        services.expert_assign(actor=world.office_a, call=cw.call,
                               expert=Expert.objects.create(name="新", phone="7", id_key="ZJX", categories="x",
                                                            region=world.county_a, user=world.town_a),
                               categories=["体育"])


def test_pdf_entries_are_accepted(world, cw):
    entry = submit(world.principal_a, cw.call, upload=pdf_upload())
    assert entry.document.content_type == "application/pdf" and not entry.is_docx
    # a permissions-only password (no password to open) is not a lock: pypdf reads it, so it is accepted
    permissions_only = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    permissions_only.encrypt(user_password="", owner_password="owner")
    out = io.BytesIO()
    permissions_only.write(out)
    entry = submit(world.principal_a, cw.call, upload=SimpleUploadedFile("b.pdf", out.getvalue()))
    assert entry.document.content_type == "application/pdf"
    assert DEADLINE.year == 2026
