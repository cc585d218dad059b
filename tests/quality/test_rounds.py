"""Round services: validation (every refusal in Chinese, nothing written), scope, school selection (type, town,
reproducible seeded sample, all-or-nothing lists and sheets), the reproducible "2+1" draw, and publishing."""

import datetime
import hashlib
import random

import pytest

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.quality.models import Round, RoundSchool, RoundStatus, RoundSubject, RoundTransition, SubjectKind
from dudao.quality.services import rounds as services
from dudao.schools.models import School
from tests.conftest import _school
from tests.quality.factories import school_year, service_round


def _refused(world, message: str, **overrides):
    before = (Round.objects.count(), RoundSubject.objects.count(), RoundSchool.objects.count(), AuditLog.objects.count())
    with pytest.raises(ApplicationError) as exc:
        service_round(world, **overrides)
    assert message in exc.value.message, exc.value.message
    after = (Round.objects.count(), RoundSubject.objects.count(), RoundSchool.objects.count(), AuditLog.objects.count())
    assert after == before
    return exc.value


def test_create_defaults_lines_from_policy_and_records(world):
    round_ = service_round(world)
    subjects = {s.name: s for s in round_.subjects.all()}
    assert set(subjects) == {"语文", "数学"}
    math = subjects["数学"]
    assert (math.pass_line, math.excellent_line, math.low_line) == (72.0, 102.0, 48.0)
    assert all(s.kind == SubjectKind.FIXED for s in subjects.values())
    codes = sorted(round_.round_schools.values_list("school__code", flat=True))
    assert codes == ["1990102003", "1990102005"]  # the nine-year school and the junior school of A
    assert round_.status == RoundStatus.PLANNED
    assert [t.to_status for t in RoundTransition.history(round_)] == ["planned"]
    log = AuditLog.objects.get(action="quality.round_create")
    assert log.region_code == "990102" and log.after["schools"] == codes
    assert round_.draw_pool[0] == {"name": "英语", "full_marks": 100.0, "is_fitness": False}


def test_given_lines_and_fitness_defaults(world):
    round_ = service_round(world, subjects=[
        {"name": "语文", "full_marks": 150, "pass_line": 90, "excellent_line": 130, "low_line": 50},
        {"name": "体质健康", "full_marks": 100, "is_fitness": True}], draw_pool=[])
    chinese = round_.subjects.get(name="语文")
    assert (chinese.pass_line, chinese.excellent_line, chinese.low_line) == (90, 130, 50)
    fitness = round_.subjects.get(name="体质健康")
    assert fitness.is_fitness and (fitness.pass_line, fitness.excellent_line) == (60, 90)


def test_policy_override_changes_default_lines(world):
    from dudao.core.models import Policy

    Policy.objects.create(key="quality.pass_ratio", region_code="990102", value=0.7)
    round_ = service_round(world)
    assert round_.subjects.get(name="语文").pass_line == 70


@pytest.mark.parametrize(("overrides", "message"), [
    ({"grade": 0}, "年级应在 1 到 12 之间"),
    ({"grade": -3}, "年级应在 1 到 12 之间"),
    ({"grade": 13}, "年级应在 1 到 12 之间"),
    ({"grade": 8.5}, "年级应为整数"),
    ({"grade": "八"}, "年级应为数字"),
    ({"year": 1999}, "学年应在"),
    ({"year": 3000}, "学年应在"),
    ({"term": "summer"}, "学期应为春季或秋季"),
    ({"title": "  "}, "请填写轮次名称"),
    ({"title": "长" * 129}, "轮次名称过长"),
    ({"test_date": None}, "请填写测试日期"),
    ({"test_date": datetime.date(2000, 1, 1)}, "测试日期应在"),
    ({"subjects": []}, "请至少填写一门监测学科"),
    ({"subjects": [{"name": "", "full_marks": 100}]}, "名称不能为空"),
    ({"subjects": [{"name": "语文", "full_marks": 0}]}, "满分应大于 0 且不超过 1000"),
    ({"subjects": [{"name": "语文", "full_marks": -5}]}, "满分应大于 0 且不超过 1000"),
    ({"subjects": [{"name": "语文", "full_marks": 1e12}]}, "满分应大于 0 且不超过 1000"),
    ({"subjects": [{"name": "语文", "full_marks": float("nan")}]}, "应为有限的数字"),
    ({"subjects": [{"name": "语文", "full_marks": "一百"}]}, "应为数字"),
    ({"subjects": [{"name": "语文", "full_marks": True}]}, "应为数字"),
    ({"subjects": [{"name": "语文", "full_marks": 100, "pass_line": 90, "excellent_line": 80}]}, "分数线应满足"),
    ({"subjects": [{"name": "语文", "full_marks": 100, "low_line": 70, "pass_line": 60}]}, "分数线应满足"),
    ({"subjects": [{"name": "语文", "full_marks": 100, "excellent_line": 120}]}, "分数线应满足"),
    ({"subjects": [{"name": "语文", "full_marks": 100, "low_line": -1}]}, "分数线应满足"),
    ({"subjects": [{"name": "语文", "full_marks": 100}, {"name": "语文", "full_marks": 120}]}, "学科“语文”重复"),
    ({"draw_pool": [{"name": "语文", "full_marks": 100}, {"name": "英语", "full_marks": 100}]}, "与固定学科重复"),
    ({"draw_pool": [{"name": "英语", "full_marks": 100}, {"name": "英语", "full_marks": 100}]}, "随机学科备选“英语”重复"),
    ({"draw_pool": [{"name": "英语", "full_marks": 100}]}, "至少两门"),
    ({"draw_pool": [{"name": "英语", "full_marks": 2000}, {"name": "物理", "full_marks": 100}]}, "满分应大于 0"),
    ({"subjects": [{"name": f"学科{i}", "full_marks": 100} for i in range(21)]}, "最多 20 门"),
    ({"selection": "nonsense"}, "请选择学校范围"),
    ({"selection_params": {"school_types": []}}, "请至少选择一种办学类型"),
    ({"selection_params": {"school_types": ["primary"]}}, "小学没有 8 年级"),
    ({"selection_params": {"school_types": ["rocket"]}}, "未知的办学类型"),
    ({"selection": "town", "selection_params": {"town": "990103001"}}, "请选择甲区的一个乡镇"),
    ({"selection": "town", "selection_params": {"town": "990102"}}, "请选择甲区的一个乡镇"),
    ({"region": "990100"}, "须属于一个区县"),
    ({"selection": "type", "selection_params": {"school_types": ["senior"]}, "grade": 11}, "没有开设该年级的学校"),
])
def test_validation_refuses_in_chinese_and_writes_nothing(world, overrides, message):
    _refused(world, message, **overrides)


def test_test_date_must_lie_in_the_school_year(world):
    year = school_year()
    _refused(world, "测试日期应在", test_date=datetime.date(year, 8, 31))
    _refused(world, "测试日期应在", test_date=datetime.date(year + 1, 9, 1))
    assert service_round(world, test_date=datetime.date(year + 1, 8, 31)).pk


def test_scope_only_the_county_office(world):
    for actor in (world.office_b, world.principal_a, world.inspector_a, world.leader_a, world.town_a):
        with pytest.raises(PermissionDenied):
            service_round(world, actor=actor)
    assert Round.objects.count() == 0
    assert service_round(world, actor=world.admin).pk  # administrators anywhere


def test_town_selection(world):
    round_ = service_round(world, selection="town", selection_params={"town": "990102002"}, grade=3)
    # town 甲二镇: the nine-year school teaches grade 3; the kindergarten does not
    assert list(round_.round_schools.values_list("school__code", flat=True)) == ["1990102003"]
    assert round_.selection_params == {"town": "990102002"}


def _many_schools(world, n=12):
    town = world.schools_a[0].region
    return [_school(f"19901029{i:02d}", f"甲区第{i}中学", town, "junior") for i in range(n)]


def test_sample_is_reproducible_from_seed_and_digest(world):
    _many_schools(world)
    round_ = service_round(world, selection="sample", selection_params={"school_types": ["junior"]}, sample_size=5,
                        seed=20261205)
    population = sorted(School.objects.filter(region__code__startswith="990102", school_type="junior")
                        .values_list("id", flat=True))
    assert round_.population_size == len(population) == 13
    assert round_.population_digest == hashlib.sha256(",".join(map(str, population)).encode()).hexdigest()
    assert round_.sample_seed == 20261205
    expected = sorted(random.Random(20261205).sample(population, 5))
    chosen = sorted(round_.round_schools.values_list("school_id", flat=True))
    assert chosen == expected == services.sample_schools(population, 5, 20261205)
    assert set(round_.round_schools.values_list("source", flat=True)) == {"sampled"}
    again = service_round(world, selection="sample", selection_params={"school_types": ["junior"]}, sample_size=5,
                       seed=20261205)
    assert sorted(again.round_schools.values_list("school_id", flat=True)) == chosen
    assert round_.selection_params == {"school_types": ["junior"], "size": 5}


def test_sample_without_seed_records_one(world):
    _many_schools(world, 4)
    round_ = service_round(world, selection="sample", selection_params={"school_types": ["junior"]}, sample_size=2)
    assert round_.sample_seed is not None
    ids = sorted(School.objects.filter(region__code__startswith="990102", school_type="junior").values_list("id", flat=True))
    assert sorted(round_.round_schools.values_list("school_id", flat=True)) == services.sample_schools(
        ids, 2, round_.sample_seed)


@pytest.mark.parametrize(("size", "seed", "message"), [
    (0, 1, "抽样学校数应在 1 到"), (99, 1, "抽样学校数应在 1 到"), (None, 1, "抽样学校数应为数字"),
    (1, -1, "随机种子应为非负整数"), (1, "x", "随机种子应为数字"),
])
def test_sample_refusals(world, size, seed, message):
    _refused(world, message, selection="sample", selection_params={"school_types": ["junior"]}, sample_size=size,
             seed=seed)


def test_list_of_codes(world):
    round_ = service_round(world, selection="list", schools=["1990102005", " 1990102003 "])
    assert sorted(round_.round_schools.values_list("school__code", flat=True)) == ["1990102003", "1990102005"]
    assert set(round_.round_schools.values_list("source", flat=True)) == {"imported"}


def test_list_is_all_or_nothing_with_rows(world):
    exc = _refused(world, "学校名单有 4 处错误", selection="list",
                   schools=["1990102005", "9999999999", "1990103002", "1990102005", "1990102001"])
    messages = {(e.row, e.message) for e in exc.errors}
    assert (2, "学校标识码 9999999999 不存在。") in messages
    assert (3, "学校标识码 1990103002 不是甲区的学校。") in messages  # another district's school: named by code only
    assert (4, "学校标识码 1990102005 与第 1 行重复。") in messages
    assert (5, "甲区第一小学（小学）没有 8 年级。") in messages
    assert all(e.sheet == "学校名单" and e.column == "学校标识码" for e in exc.errors)
    _refused(world, "学校名单为空", selection="list", schools=[])
    long_code = "1" * 500
    exc = _refused(world, "学校名单有 1 处错误", selection="list", schools=[long_code])
    assert len(exc.errors[0].message) < 60


def test_split_codes():
    assert services.split_codes("1990102001,1990102002\n1990102003、 1990102004；x") == [
        (1, "1990102001"), (2, "1990102002"), (3, "1990102003"), (4, "1990102004"), (5, "x")]


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(r) for r in rows).encode("utf-8")


def test_sheet_import_of_a_sample_list(world):
    entries = services.read_school_list(_csv([["学校标识码", "学校名称"], ["1990102003", "九年一贯"],
                                              ["1990102005", ""]]), "样本学校.csv")
    assert entries == [(2, "1990102003"), (3, "1990102005")]
    round_ = service_round(world, selection="list", schools=entries)
    assert round_.round_schools.count() == 2
    exc = _refused(world, "学校名单有 2 处错误", selection="list",
                   schools=services.read_school_list(_csv([["学校标识码"], ["1990102003"], ["1990103002"],
                                                           ["1990102003"]]), "样本学校.csv"))
    assert {(e.sheet, e.row) for e in exc.errors} == {("样本学校", 3), ("样本学校", 4)}


@pytest.mark.parametrize(("data", "name", "message"), [
    (_csv([["学校代码"], ["1990102003"]]), "样本学校.csv", "无法识别"),
    (_csv([["学校标识码", "电话"], ["1990102003", "1"]]), "样本学校.csv", "错误"),
    (_csv([["学校标识码"]]), "样本学校.csv", "没有学校"),
    (b"", "样本学校.csv", "文件为空"),
    (b"PK\x03\x04garbage", "样本学校.exe", "只能导入"),
    (b"not a zip", "样本学校.xlsx", "不是有效的"),
])
def test_sheet_import_refusals(world, data, name, message):
    with pytest.raises(ApplicationError) as exc:
        services.read_school_list(data, name)
    text = exc.value.message + "".join(e.message for e in exc.value.errors)
    assert message in text, text


def test_sheet_import_xlsx_formula_is_text(world):
    from dudao.core.tabular import write_template_workbook

    data = write_template_workbook([services.LIST_SPEC], {"样本学校": [["=HYPERLINK(\"x\")"], ["1990102005"]]})
    with pytest.raises(ApplicationError) as exc:
        service_round(world, selection="list", schools=services.read_school_list(data, "list.xlsx"))
    assert exc.value.errors and exc.value.errors[0].row == 2


def test_draw_subject_is_pure_and_reproducible():
    pool = [{"name": "英语"}, {"name": "物理"}, {"name": "道德与法治"}]
    for seed in (0, 1, 42, 2**31 - 1, 2**62):
        first = services.draw_subject(pool, seed)
        assert first == services.draw_subject(pool, seed)
        assert first == pool[random.Random(seed).randrange(3)]
    assert {services.draw_subject(pool, s)["name"] for s in range(50)} == {"英语", "物理", "道德与法治"}
    with pytest.raises(ApplicationError):
        services.draw_subject([], 1)


def test_round_draw_records_and_refuses_a_second(world):
    round_ = service_round(world)
    subject = services.round_draw(actor=world.office_a, round=round_, seed=7)
    round_.refresh_from_db()
    assert subject.kind == SubjectKind.DRAWN and subject.order == 2
    assert subject.name == services.draw_subject(round_.draw_pool, 7)["name"]
    assert subject.pass_line == 60 and subject.excellent_line == 85
    assert (round_.draw_seed, round_.drawn_by) == (7, world.office_a) and round_.drawn_at
    log = AuditLog.objects.get(action="quality.round_draw")
    assert log.after == {"seed": 7, "pool": ["英语", "物理", "道德与法治"], "subject": subject.name}
    with pytest.raises(ApplicationError) as exc:
        services.round_draw(actor=world.office_a, round=round_, seed=8)
    assert "不能重复抽取" in exc.value.message and "office_a" in exc.value.message and "随机种子 7" in exc.value.message
    assert round_.subjects.filter(kind=SubjectKind.DRAWN).count() == 1


def test_round_draw_without_seed_records_one(world):
    round_ = service_round(world)
    subject = services.round_draw(actor=world.office_a, round=round_)
    round_.refresh_from_db()
    assert subject.name == services.draw_subject(round_.draw_pool, round_.draw_seed)["name"]


def test_round_draw_refusals(world):
    round_ = service_round(world)
    for actor in (world.office_b, world.principal_a, world.leader_a):
        with pytest.raises(PermissionDenied):
            services.round_draw(actor=actor, round=round_, seed=1)
    with pytest.raises(ApplicationError, match="非负整数"):
        services.round_draw(actor=world.office_a, round=round_, seed=-1)
    no_pool = service_round(world, draw_pool=[])
    with pytest.raises(ApplicationError, match="没有随机学科备选"):
        services.round_draw(actor=world.office_a, round=no_pool, seed=1)
    services.round_mark_scored(round_, world.office_a)
    with pytest.raises(ApplicationError, match="已导入成绩"):
        services.round_draw(actor=world.office_a, round=round_, seed=1)
    assert not round_.subjects.filter(kind=SubjectKind.DRAWN).exists()


def test_mark_scored_then_publish(world):
    round_ = service_round(world)
    with pytest.raises(ApplicationError, match="尚未导入成绩"):
        services.round_publish(actor=world.office_a, round=round_)
    assert services.round_mark_scored(round_, world.office_a) is True
    assert round_.status == RoundStatus.SCORED
    assert services.round_mark_scored(round_, world.office_a) is False  # a second import leaves it scored
    with pytest.raises(PermissionDenied):
        services.round_publish(actor=world.office_b, round=round_)
    services.round_publish(actor=world.office_a, round=round_, note="按期发布")
    round_.refresh_from_db()
    assert round_.status == RoundStatus.PUBLISHED and round_.published_at
    assert [t.to_status for t in RoundTransition.history(round_)] == ["planned", "scored", "published"]
    assert RoundTransition.history(round_).last().note == "按期发布"
    with pytest.raises(ApplicationError, match="不能变为"):
        services.round_publish(actor=world.office_a, round=round_)
    assert services.round_mark_scored(round_, world.office_a) is False
    assert AuditLog.objects.filter(action="quality.round_publish").count() == 1


def test_set_schools_replaces_all_or_nothing(world):
    round_ = service_round(world)
    with pytest.raises(ApplicationError):
        services.round_set_schools(actor=world.office_a, round=round_, schools=["1990102005", "1990103002"])
    assert round_.round_schools.count() == 2
    with pytest.raises(PermissionDenied):
        services.round_set_schools(actor=world.office_b, round=round_, schools=["1990102005"])
    services.round_set_schools(actor=world.office_a, round=round_, schools=["1990102005"])
    assert list(round_.round_schools.values_list("school__code", "source")) == [("1990102005", "imported")]
    round_.refresh_from_db()
    assert round_.selection == "list"
    services.round_mark_scored(round_, world.office_a)
    with pytest.raises(ApplicationError, match="已导入成绩"):
        services.round_set_schools(actor=world.office_a, round=round_, schools=["1990102003"])
