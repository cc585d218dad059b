"""督导档案 pages: who sees what (another county's office, a school, an inspector: 404 or nothing), the list and
the year page, the actions (one POST each), the progress panel and the download."""

import io
import zipfile

import pytest
import time_machine
from django.core.files.storage import default_storage

from dudao.planning.models import ArchiveExport, ArchiveYear
from dudao.planning.services import archive
from tests.planning.archive_data import frozen_now, make_year


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def march_2026():
    with time_machine.travel(frozen_now(), tick=False):
        yield


YEAR = "/planning/archive/990102/2025/"


def test_scope_of_the_pages(world, media, march_2026, login):
    make_year(world)
    export = archive.export_now(actor=world.office_a, region=world.county_a, year=2025)
    urls = [YEAR, f"/planning/archive/exports/{export.pk}/", f"/planning/archive/exports/{export.pk}/download/"]
    for outsider in (world.office_b, world.principal_a, world.inspector_a, world.town_a, world.expert):
        client = login(outsider)
        for url in urls:
            assert client.get(url).status_code == 404, (outsider, url)
        for action in ("export", "lock"):
            assert client.post(f"{YEAR}{action}/").status_code == 404
        assert client.post(f"{YEAR}reopen/", {"reason": "x"}).status_code == 404
        listing = client.get("/planning/archive/").content.decode()
        assert "甲区" not in listing
    assert "您没有可查看的督导档案" in login(world.principal_a).get("/planning/archive/").content.decode()
    assert "乙县" in login(world.office_b).get("/planning/archive/").content.decode()
    assert ArchiveExport.objects.count() == 1 and ArchiveYear.objects.get().status == "open"
    assert login(world.office_b).get("/planning/archive/990103/2025/").status_code == 200
    assert login(world.office_a).get("/planning/archive/990103/2025/").status_code == 404
    assert login(world.office_a).get("/planning/archive/999999/2025/").status_code == 404


def test_the_leader_reads_and_downloads_but_does_not_act(world, media, march_2026, login):
    make_year(world)
    export = archive.export_now(actor=world.office_a, region=world.county_a, year=2025)
    leader = login(world.leader_a)
    page = leader.get(YEAR).content.decode()
    assert "甲区2025年度督导档案" in page and "导出档案</button>" not in page and "归档</button>" not in page
    response = leader.get(f"/planning/archive/exports/{export.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    leader.post(f"{YEAR}lock/")
    assert ArchiveYear.objects.get().status == "open"
    assert "只有本区域督导室可以归档" in leader.get(YEAR).content.decode()


def test_list_and_year_pages_for_the_office(world, media, march_2026, login, django_capture_on_commit_callbacks,
                                            run_tasks, django_assert_max_num_queries):
    make_year(world)
    office = login(world.office_a)
    listing = office.get("/planning/archive/").content.decode()
    assert "甲区" in listing and "2026年度" in listing and "2025年度" in listing and "2024年度" in listing
    assert "尚未导出" in listing and "本年度进行中" in listing and "请先成功导出档案" in listing
    page = office.get(YEAR).content.decode()  # the first category with files: 计划总结
    assert "案卷目录（共 5 个文件）" in page and "03 督学" in page
    assert "甲区2025年教育督导工作要点" in page and "导出时生成" in page
    duxue = office.get(YEAR + "?c=duxue").content.decode()
    assert "0003 照片3.jpg" in duxue and "2025年12月31日" in duxue and "zones.visit:" in duxue
    empty = office.get(YEAR + "?c=team").content.decode()
    assert "“队伍建设”类在 2025 年没有文件。" in empty
    assert office.get(YEAR + "?c=nothing").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"{YEAR}export/")
    assert response.status_code == 302
    export = ArchiveExport.objects.get()
    panel = office.get(f"/planning/archive/exports/{export.pk}/").content.decode()
    assert "排队中" in panel and "hx-trigger" in panel and "后台任务服务未运行" in panel
    run_tasks()
    panel = office.get(f"/planning/archive/exports/{export.pk}/").content.decode()
    assert "已完成" in panel and "hx-trigger" not in panel and "下载档案" in panel and "5 个文件" in panel

    office.post(f"{YEAR}lock/")
    assert ArchiveYear.objects.get().status == "locked"
    page = office.get(YEAR).content.decode()
    assert "本年度已归档" in page and "重新开放（系统管理员）" not in page
    office.post(f"{YEAR}reopen/", {"reason": "办公室想重开"})
    assert ArchiveYear.objects.get().status == "locked"

    admin = login(world.admin)
    assert "重新开放（系统管理员）" in admin.get(YEAR).content.decode()
    admin.post(f"{YEAR}reopen/", {"reason": ""})
    assert ArchiveYear.objects.get().status == "locked"
    admin.post(f"{YEAR}reopen/", {"reason": "补录漏报的督导纪实"})
    assert ArchiveYear.objects.get().status == "open"
    history = admin.get(YEAR).content.decode()
    assert "补录漏报的督导纪实" in history and "已归档 → 未归档" in history

    with django_assert_max_num_queries(25):
        assert login(world.office_a).get("/planning/archive/").status_code == 200


def test_download_of_a_missing_zip_is_404(world, media, march_2026, login):
    make_year(world)
    export = archive.export_now(actor=world.office_a, region=world.county_a, year=2025)
    default_storage.delete(export.file_name)
    assert login(world.office_a).get(f"/planning/archive/exports/{export.pk}/download/").status_code == 404


def test_the_catalogue_searches_and_exports_to_excel(world, media, march_2026, login):
    from python_calamine import CalamineWorkbook

    make_year(world)
    office = login(world.office_a)
    page = office.get(YEAR + "?c=duxue&q=第2张").content.decode()
    assert "0002 照片2.jpg" in page and "0001 照片1.jpg" not in page
    assert "没有符合“不存在”的文件" in office.get(YEAR + "?c=duxue&q=不存在").content.decode()
    response = office.get(YEAR + "?c=duxue&export=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["序号", "题名", "日期", "文件名", "大小（字节）", "来源"]
    assert [r[3] for r in rows[1:]] == ["0001 照片1.jpg", "0002 照片2.jpg", "0003 照片3.jpg"]
    assert login(world.office_b).get(YEAR + "?c=duxue&export=xlsx").status_code == 404
