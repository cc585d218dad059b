"""督导简报 and 信息报送 services: numbering per region and year, issue refusals and the freeze, material picks through
the registry (scoped: another county's record by key is refused), publication, 报送 validation and deletion."""

import datetime
import threading
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Counter
from dudao.core.registries import briefing_materials, material_key_id
from dudao.planning.models import Briefing, BriefingSection, BriefingStatus, SectionKind, Submission
from dudao.planning.services import briefings as services
from dudao.rectification.models import Publication, PublicationKind
from tests.planning.briefings_fixtures import exe_as_pdf, materials_fixture, pdf_upload  # noqa: F401 -- fixture

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def _briefing(world, *, office=None, county=None, year=None, title="督导工作动态"):
    return services.briefing_create(actor=office or world.office_a, region=county or world.county_a,
                                    year=year or timezone.localdate().year, title=title)


def _text(world, briefing, text="本期要点。", heading="工作要求"):
    return services.section_add(actor=world.office_a, briefing=briefing, kind=SectionKind.TEXT, heading=heading,
                                text=text)


def _issued(world, **kwargs):
    office = kwargs.get("office") or world.office_a
    briefing = _briefing(world, **kwargs)
    services.section_add(actor=office, briefing=briefing, kind="text", text="正文。")
    return services.briefing_issue(actor=office, briefing=briefing)


# ---- numbering ------------------------------------------------------------------------------------------------

def test_issue_numbers_run_per_region_and_year(world):
    year = timezone.localdate().year
    a1 = _issued(world, year=year)
    a2 = _issued(world, year=year)
    a_last_year = _issued(world, year=year - 1)
    b1 = _issued(world, office=world.office_b, county=world.county_b, year=year)
    a3 = _issued(world, year=year)
    assert [a1.issue_no, a2.issue_no, a3.issue_no] == [1, 2, 3]
    assert a_last_year.issue_no == 1 and b1.issue_no == 1
    assert Counter.objects.get(key=f"briefing:{world.county_a.code}:{year}").value == 3
    assert Counter.objects.get(key=f"briefing:{world.county_b.code}:{year}").value == 1
    # a draft never takes a number; a refused issue leaves the sequence alone
    draft = _briefing(world)
    with pytest.raises(ApplicationError):
        services.briefing_issue(actor=world.office_a, briefing=draft)
    assert Briefing.objects.get(pk=draft.pk).issue_no is None
    assert _issued(world, year=year).issue_no == 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_distinct_numbers(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are exercised on PostgreSQL; SQLite serialises writers anyway")
    drafts = []
    for n in range(6):
        briefing = _briefing(world, title=f"第{n}份")
        _text(world, briefing)
        drafts.append(briefing)
    errors, barrier = [], threading.Barrier(len(drafts))

    def issue(briefing):
        try:
            barrier.wait()
            services.briefing_issue(actor=world.office_a, briefing=briefing)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(b,)) for b in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Briefing.objects.filter(pk__in=[b.pk for b in drafts]).values_list("issue_no", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]


# ---- create, issue and the freeze -------------------------------------------------------------------------------

def test_create_validates_and_is_office_only(world):
    with pytest.raises(ApplicationError, match="简报标题不能为空"):
        _briefing(world, title="  ")
    with pytest.raises(ApplicationError, match="年度应在"):
        _briefing(world, year=1999)
    with pytest.raises(PermissionDenied):
        _briefing(world, office=world.leader_a)
    with pytest.raises(PermissionDenied):
        _briefing(world, office=world.office_b)  # district B's office, district A
    assert not Briefing.objects.exists()
    briefing = _briefing(world)
    assert briefing.status == BriefingStatus.DRAFT and briefing.issue_no is None
    assert AuditLog.objects.filter(action="briefing.create", object_id=str(briefing.pk)).exists()


def test_issue_refusals_and_frozen_sections(world):
    briefing = _briefing(world)
    with pytest.raises(ApplicationError, match="还没有任何栏目，不能印发"):
        services.briefing_issue(actor=world.office_a, briefing=briefing)
    section = _text(world, briefing)
    with pytest.raises(PermissionDenied):
        services.briefing_issue(actor=world.leader_a, briefing=briefing)
    with pytest.raises(PermissionDenied):
        services.briefing_issue(actor=world.office_b, briefing=briefing)
    issued = services.briefing_issue(actor=world.office_a, briefing=briefing)
    assert issued.status == BriefingStatus.ISSUED and issued.issue_no == 1 and issued.issued_at is not None
    with pytest.raises(ApplicationError, match="印发"):
        services.briefing_issue(actor=world.office_a, briefing=briefing)
    for write in (
        lambda: _text(world, briefing),
        lambda: services.section_update(actor=world.office_a, briefing=briefing, section=section, heading="",
                                        text="改"),
        lambda: services.section_move(actor=world.office_a, briefing=briefing, section=section, direction="up"),
        lambda: services.section_delete(actor=world.office_a, briefing=briefing, section=section),
        lambda: services.briefing_update(actor=world.office_a, briefing=briefing, title="新标题"),
    ):
        with pytest.raises(ApplicationError, match="栏目不能再修改"):
            write()
    assert BriefingSection.objects.get(pk=section.pk).text == "本期要点。"


def test_sections_edit_move_and_delete(world):
    briefing = _briefing(world)
    one, two, three = (_text(world, briefing, text=t) for t in ("一", "二", "三"))
    with pytest.raises(ApplicationError, match="正文不能为空"):
        _text(world, briefing, text="   ")
    with pytest.raises(ApplicationError, match="已在最前"):
        services.section_move(actor=world.office_a, briefing=briefing, section=one, direction="up")
    services.section_move(actor=world.office_a, briefing=briefing, section=three, direction="up")
    assert list(briefing.sections.order_by("order").values_list("text", flat=True)) == ["一", "三", "二"]
    services.section_update(actor=world.office_a, briefing=briefing, section=two, heading=" 小标题 ", text="二（改）\r\n续")
    two.refresh_from_db()
    assert (two.heading, two.text) == ("小标题", "二（改）\n续")
    services.section_delete(actor=world.office_a, briefing=briefing, section=one)
    assert list(briefing.sections.order_by("order").values_list("order", "text")) == [(1, "三"), (2, "二（改）\n续")]
    other = _briefing(world, title="另一期")
    with pytest.raises(ApplicationError, match="不属于这期简报"):
        services.section_update(actor=world.office_a, briefing=other, section=two, heading="", text="x")


# ---- materials --------------------------------------------------------------------------------------------------

def test_every_kind_of_material_is_registered():
    kinds = {kind for _label, kind, _fn in briefing_materials().values()}
    assert {"visit", "inspection", "publication", "chronicle"} <= kinds
    assert material_key_id("zones.visit:12", "zones.visit") == 12
    assert material_key_id("zones.visit:12x", "zones.visit") is None
    assert material_key_id("zones.visits:12", "zones.visit") is None and material_key_id("", "zones.visit") is None


def test_a_picked_material_takes_the_registry_text_not_the_posted_one(world, materials):
    briefing = _briefing(world)
    section = services.section_add(actor=world.office_a, briefing=briefing, kind="publication",
                                   heading="伪造的标题", text="伪造的正文",
                                   source_key=f"rectification.publication:{materials.publication.pk}")
    assert (section.heading, section.text) == ("甲区综合督导结果", "甲区综合督导结果如下：优秀 1 所。")
    assert section.source_key == f"rectification.publication:{materials.publication.pk}"
    visit = services.section_add(actor=world.office_a, briefing=briefing, kind="visit",
                                 source_key=f"zones.visit:{materials.visit.pk}")
    assert visit.heading == "甲区第一小学督导亮点"
    assert "督学甲到甲区第一小学督导" in visit.text and "课后服务开设科创" in visit.text
    chronicle = services.section_add(actor=world.office_a, briefing=briefing, kind="chronicle",
                                     source_key=f"planning.chronicle:{materials.chronicle.pk}")
    assert chronicle.heading == "召开年度督导工作会议" and chronicle.text.endswith("部署全年督导工作。")
    # then the text is the office's to edit
    services.section_update(actor=world.office_a, briefing=briefing, section=visit, heading="亮点", text="改写后的正文")
    assert BriefingSection.objects.get(pk=visit.pk).text == "改写后的正文"


def test_material_picks_are_scoped_to_the_actor_and_the_briefing(world, materials):
    briefing = _briefing(world)
    refused = [
        ("publication", f"rectification.publication:{materials.publication_b.pk}"),  # district B's, by key
        ("visit", f"zones.visit:{materials.visit_b.pk}"),
        ("chronicle", f"planning.chronicle:{materials.chronicle_b.pk}"),
        ("visit", f"zones.visit:{materials.plain_visit.pk}"),  # no 亮点 written
        ("chronicle", f"planning.chronicle:{materials.proposed.pk}"),  # proposed, not accepted
        ("visit", f"rectification.publication:{materials.publication.pk}"),  # a key of another kind
        ("publication", "rectification.publication:999999"),
        ("inspection", "inspections.inspection:abc"),
        ("visit", ""),
    ]
    for kind, key in refused:
        with pytest.raises(ApplicationError):
            services.section_add(actor=world.office_a, briefing=briefing, kind=kind, source_key=key)
    with pytest.raises(ApplicationError, match="不关联来源记录"):
        services.section_add(actor=world.office_a, briefing=briefing, kind="text", text="x",
                             source_key=f"zones.visit:{materials.visit.pk}")
    # a withdrawn publication is no longer material
    Publication.objects.filter(pk=materials.publication.pk).update(withdrawn_at=timezone.now())
    with pytest.raises(ApplicationError, match="未找到所选材料"):
        services.section_add(actor=world.office_a, briefing=briefing, kind="publication",
                             source_key=f"rectification.publication:{materials.publication.pk}")
    assert not briefing.sections.exists()
    # district B's office may not even write into A's briefing
    with pytest.raises(PermissionDenied):
        services.section_add(actor=world.office_b, briefing=briefing, kind="publication",
                             source_key=f"rectification.publication:{materials.publication_b.pk}")


def test_materials_out_of_the_briefings_dates_are_refused(world, materials):
    old = _briefing(world, year=timezone.localdate().year - 2)
    with pytest.raises(ApplicationError, match="不在本简报的区域和年度范围内"):
        services.section_add(actor=world.office_a, briefing=old, kind="visit",
                             source_key=f"zones.visit:{materials.visit.pk}")


def test_the_providers_filter_and_order(world, materials):
    providers = {name: fn for name, (_l, _k, fn) in briefing_materials().items()}
    start, end = services.material_span(timezone.localdate().year)
    visits = providers["zones.visit_highlights"](world.office_a, world.county_a.code, start, end, "")
    assert [m.key for m in visits] == [f"zones.visit:{materials.visit.pk}"]
    assert providers["zones.visit_highlights"](world.office_a, world.county_a.code, start, end, "没有这个词") == []
    assert providers["zones.visit_highlights"](world.office_b, world.county_a.code, start, end, "") == []
    assert providers["zones.visit_highlights"](world.principal_a, world.county_a.code, start, end, "")[0].key == \
        f"zones.visit:{materials.visit.pk}"  # the provider scopes by the user; the service then checks the office
    publications = providers["rectification.publications"](world.office_a, world.county_a.code, start, end, "综合")
    assert [m.heading for m in publications] == ["甲区综合督导结果"]
    chronicle = providers["planning.chronicle"](world.office_a, world.county_a.code, start, end, "")
    assert [m.heading for m in chronicle] == ["召开年度督导工作会议"]


def test_inspection_results_give_the_level_distribution_and_the_best_targets(world, materials):
    provider = briefing_materials()["inspections.results"][2]
    start, end = services.material_span(timezone.localdate().year)
    [material] = provider(world.office_a, world.county_a.code, start, end, "")
    assert material.key == f"inspections.inspection:{materials.inspection.pk}"
    assert material.heading == "甲区2026年综合督导结果"
    # hand-worked: mean (93.5 + 81 + 88.25) / 3 = 87.58 → 87.6; 优秀 (best 93.5) before 良好 (best 88.25)
    assert "共督导 3 个对象；平均得分 87.6 分；等级分布：优秀 1 个、良好 2 个；" in material.text
    # 88.25 is exactly representable: one decimal rounds half to even, 88.2
    assert material.text.endswith("得分前列：甲区第一小学（93.5 分，优秀）、甲区九年一贯制学校（88.2 分，良好）、"
                                  "甲区第二小学（81.0 分，良好）。")
    assert provider(world.office_b, world.county_b.code, start, end, "") == []
    # before the 意见书 are issued, nothing
    type(materials.inspection).objects.filter(pk=materials.inspection.pk).update(stage="feedback")
    assert provider(world.office_a, world.county_a.code, start, end, "") == []


# ---- publish ---------------------------------------------------------------------------------------------------

def test_publish_only_issued_and_once(world, client):
    briefing = _briefing(world, title="春季开学检查")
    _text(world, briefing, text="开学检查全面完成。", heading="总体情况")
    with pytest.raises(ApplicationError, match="须先印发"):
        services.briefing_publish(actor=world.office_a, briefing=briefing)
    services.briefing_issue(actor=world.office_a, briefing=briefing)
    with pytest.raises(PermissionDenied):
        services.briefing_publish(actor=world.leader_a, briefing=briefing)
    published = services.briefing_publish(actor=world.office_a, briefing=briefing)
    assert published.public and published.published_at is not None
    with pytest.raises(ApplicationError, match="已向社会公开"):
        services.briefing_publish(actor=world.office_a, briefing=briefing)
    item = Publication.objects.get(kind=PublicationKind.BULLETIN)
    year = briefing.year
    assert item.title == f"督导简报 {year}年第1期：春季开学检查" and item.body == "总体情况\n开学检查全面完成。"
    page = client.get("/public/results/").content.decode()
    assert f"督导简报 {year}年第1期：春季开学检查" in page
    detail = client.get(f"/public/results/{item.pk}/").content.decode()
    assert "开学检查全面完成。" in detail


# ---- 信息报送 ---------------------------------------------------------------------------------------------------

def _submit(world, **kwargs):
    fields = dict(actor=world.office_a, region=world.county_a, kind="report", title="督导报告",
                  sent_on=timezone.localdate(), recipient="市教育督导室", upload=pdf_upload())
    fields.update(kwargs)
    return services.submission_create(**fields)


def test_submission_validation(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cases = [
        (dict(recipient=""), "请选择报送单位，或填写报送对象"),
        (dict(upload=None), "请上传报送的文件"),
        (dict(upload=exe_as_pdf()), "不是支持的文档"),
        (dict(title=" "), "标题不能为空"),
        (dict(kind="fax"), "请选择报送类型"),
        (dict(sent_on=timezone.localdate() + datetime.timedelta(days=1)), "报送日期不能晚于今天"),
        (dict(recipient_unit=world.unit_b), "报送单位不在本辖区内"),
        (dict(briefing=_briefing(world), upload=None), "只能报送已印发的简报"),
        (dict(briefing=_issued(world, office=world.office_b, county=world.county_b)), "所选简报不属于本辖区"),
        (dict(kind="briefing", upload=None, briefing=None), "请选择已印发的简报或上传简报文件"),
    ]
    for change, message in cases:
        with pytest.raises(ApplicationError, match=message):
            _submit(world, **change)
    with pytest.raises(PermissionDenied):
        _submit(world, actor=world.leader_a)
    with pytest.raises(PermissionDenied):
        _submit(world, actor=world.office_b)
    assert not Submission.objects.exists()
    with_file = _submit(world, recipient_unit=world.unit_a, recipient="")
    assert with_file.file.content_type == "application/pdf" and with_file.recipient_unit == world.unit_a
    issued = _issued(world)
    linked = _submit(world, kind="briefing", briefing=issued, upload=None, recipient="区委办公室")
    assert linked.file is None and linked.briefing == issued
    assert AuditLog.objects.filter(action="submission.create").count() == 2


def test_submission_delete_by_its_author_on_the_same_beijing_day(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from dudao.core.services import role_assign, user_create

    colleague = user_create(actor=world.admin, username="office_a2", full_name="同事", password="Test-pass-2026")
    role_assign(actor=world.admin, user=colleague, role="office", region=world.county_a)
    with time_machine.travel(datetime.datetime(2026, 3, 6, 0, 30, tzinfo=BEIJING), tick=False):
        # 00:30 Beijing is still 5 March in UTC: 6 March is today, not the future
        item = _submit(world, sent_on=datetime.date(2026, 3, 6))
        with pytest.raises(ApplicationError, match="只有登记人本人"):
            services.submission_delete(actor=colleague, submission=item)
    with time_machine.travel(datetime.datetime(2026, 3, 6, 23, 30, tzinfo=BEIJING), tick=False):
        kept = _submit(world, sent_on=datetime.date(2026, 3, 6))
        services.submission_delete(actor=world.office_a, submission=item)
        assert not Submission.objects.filter(pk=item.pk).exists()
    with time_machine.travel(datetime.datetime(2026, 3, 7, 0, 30, tzinfo=BEIJING), tick=False):
        with pytest.raises(ApplicationError, match="只能在登记当天删除"):
            services.submission_delete(actor=world.office_a, submission=kept)
    assert AuditLog.objects.filter(action="submission.delete", object_id=str(item.pk)).exists()


def test_archived_year_is_refused(world, monkeypatch):
    from dudao.core import registries

    monkeypatch.setattr(registries, "_YEAR_LOCKS", [lambda code, day: "2025年度" if day.year == 2025 else ""])
    with pytest.raises(ApplicationError, match="已归档"):
        _briefing(world, year=2025)
    with pytest.raises(ApplicationError, match="已归档"):
        _submit(world, sent_on=datetime.date(2025, 12, 31))
