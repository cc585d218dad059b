"""Import of members and duties from a workbook: members upserted by 单位编码, a listed unit's duties replaced in
the sheet's order, codes checked against the chosen framework; any error and nothing is written, with the errors by
sheet, row and column (another county's unit, a code not in the framework, a row beyond the limit); a formula typed
as text stays text; the template downloads."""

import pytest

from dudao.core.errors import ApplicationError
from dudao.core.models import AuditLog
from dudao.reviews.models import CommitteeMember, MemberDuty
from dudao.reviews.services import committee as services
from tests.reviews.committee_fixtures import setup_fixture, xlsx_bytes  # noqa: F401 -- fixture

MEMBER_HEAD = ["单位编码", "单位名称", "委员", "职务", "委员会职务", "顺序"]
DUTY_HEAD = ["单位编码", "职责", "对应考查要点"]


def workbook(members, duties) -> bytes:
    return xlsx_bytes({"成员单位": [MEMBER_HEAD, *members], "职责清单": [DUTY_HEAD, *duties]})


def run(world, setup, data, framework="default"):
    return services.committee_import(actor=world.office_a, committee=setup["committee"], data=data,
                                     filename="成员.xlsx",
                                     framework=setup["framework"].pk if framework == "default" else framework)


def test_it_imports_members_and_duties(world, setup):
    data = workbook([["UA-D01", "甲区财政局", "王伟", "副局长", "副主任", 2], ["UA01", "", "李镇长", "", "", ""]],
                    [["UA-D01", "落实“两个只增不减”", "A1B1.1、A1B1.2"], ["UA-D01", "=HYPERLINK(\"http://x\")", ""],
                     ["UA01", "校园周边治安", "A2.1"]])
    result = run(world, setup, data)
    assert (result.created, result.updated, result.duties, result.members_with_duties) == (2, 0, 3, 2)
    finance = CommitteeMember.objects.get(unit=setup["finance"])
    assert (finance.role, finance.position, finance.post) == ("vice", 2, "副局长")
    duties = list(finance.duties.order_by("position"))
    assert [d.item_codes for d in duties] == [["A1B1.1", "A1B1.2"], []]
    assert duties[1].text == "=HYPERLINK(\"http://x\")" and duties[1].framework is None  # text, never a formula
    assert AuditLog.objects.filter(action="reviews.committee_import").count() == 1
    # again, with the finance bureau's list changed: members updated, its duties replaced, the town's kept
    result = run(world, setup, workbook([["UA-D01", "", "王伟", "局长", "副主任", 2]],
                                        [["UA-D01", "按时拨付生均公用经费", "A1B1.2"]]))
    assert (result.created, result.updated, result.duties) == (0, 1, 1)
    assert list(finance.duties.values_list("text", flat=True)) == ["按时拨付生均公用经费"]
    assert MemberDuty.objects.filter(member__unit=world.unit_a).count() == 1


def errors_of(world, setup, data) -> dict:
    with pytest.raises(ApplicationError) as refused:
        run(world, setup, data)
    assert "未导入任何内容" in refused.value.message
    return {(e.sheet, e.row, e.column[:1]): e.message for e in refused.value.errors}


def test_cells_of_the_wrong_type_import_nothing(world, setup):
    errors = errors_of(world, setup, workbook([["UA-D01", "", "王伟", "", "组长", ""]], [["UA-D01", "", ""]]))
    assert "不是可选值" in errors[("成员单位", 2, "E")] and "必填" in errors[("职责清单", 2, "B")]
    assert not CommitteeMember.objects.exists()


def test_any_error_imports_nothing_and_names_sheet_row_and_column(world, setup):
    errors = errors_of(world, setup, workbook(
        [["UA-D01", "", "王伟", "", "副主任", ""], ["UB-D01", "乙县财政局", "张三", "", "", ""],
         ["UA-D01", "", "重复", "", "", ""]],
        [["UA-D01", "职责", "A1B1, Z9"], ["UA-G01", "政府职责", ""]]))
    assert "不是甲区的部门或乡镇" in errors[("成员单位", 3, "A")]  # another county's unit
    assert "重复" in errors[("成员单位", 4, "A")]
    assert "A1B1、Z9 不是" in errors[("职责清单", 2, "C")]  # an inner node and an unknown code
    assert "不是成员单位" in errors[("职责清单", 3, "A")]  # the county government is not a member
    assert not CommitteeMember.objects.exists() and not MemberDuty.objects.exists()


def test_codes_need_a_framework_and_huge_files_are_refused(world, setup):
    with pytest.raises(ApplicationError) as refused:
        run(world, setup, workbook([["UA-D01", "", "王伟", "", "", ""]], [["UA-D01", "职责", "A2.1"]]), framework="")
    assert "没有选择督政指标体系" in refused.value.errors[0].message
    with pytest.raises(ApplicationError, match="督政指标体系"):
        run(world, setup, workbook([], []), framework=setup["framework_b"].pk)  # another county's framework
    rows = [["UA-D01", f"职责{i}", ""] for i in range(services.IMPORT_ROWS_MAX + 1)]
    with pytest.raises(ApplicationError) as refused:
        run(world, setup, workbook([["UA-D01", "", "王伟", "", "", ""]], rows))
    assert any("行数过多" in e.message for e in refused.value.errors)
    assert not CommitteeMember.objects.exists()


def test_only_the_office_of_the_county_imports(world, setup):
    from dudao.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.committee_import(actor=world.office_b, committee=setup["committee"], data=b"", filename="a.xlsx")
