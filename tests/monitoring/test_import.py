"""The statistics import: all-or-nothing, precise Chinese errors, warnings confirmed, one version per year."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from dudao.core.errors import ApplicationError
from dudao.core.models import AuditLog
from dudao.monitoring.imports import SPEC, stats_import
from dudao.monitoring.models import SchoolStats

TODAY = datetime.date(2026, 11, 24)
HEADER = ["学年", "学校标识码", "学校名称", "小学在校生数", "初中在校生数", "高中在校生数", "高于规定学历教师数",
          "县级及以上骨干教师数", "体育专任教师数", "艺术专任教师数", "教学及辅助用房面积", "室内体育用房面积",
          "体育运动场馆面积", "教学仪器设备值 (万元)", "网络多媒体教室数"]


def row(code, name, primary=300, junior=0, year="2025-2026", **over):
    values = dict(zip(HEADER, [year, code, name, primary, junior, 0, 14, 4, 2, 2, 1600, 100, 2400, 65, 8],
                      strict=True))
    values.update(over)
    return values


def csv_bytes(rows, header=HEADER):
    lines = [",".join(header)] + [",".join(str(r.get(h, "")) for h in header) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def good_rows(world):
    a = world.schools_a
    return [row(a[0].code, a[0].name), row(a[1].code, a[1].name, primary=280),
            row(a[2].code, a[2].name, primary=400, junior=300, **{"高于规定学历教师数": 40}),
            row(a[4].code, a[4].name, primary=0, junior=800, **{"高于规定学历教师数": 45})]


def run(world, data, actor=None, **kwargs):
    return stats_import(actor=actor or world.office_a, data=data, filename="统计.csv", today=TODAY, **kwargs)


def test_import_and_replace_with_audit(world):
    result = run(world, csv_bytes(good_rows(world)))
    assert result.rows == 4 and result.replaced == 0 and not result.warnings
    stats = SchoolStats.objects.get(school=world.schools_a[2], year=2025)
    assert stats.qualified_teachers == 40 and stats.equipment_wan == 65
    rows = good_rows(world)
    rows[0]["高于规定学历教师数"] = 20
    again = run(world, csv_bytes(rows))
    assert again.replaced == 4
    assert SchoolStats.objects.filter(year=2025).count() == 4
    assert SchoolStats.objects.get(school=world.schools_a[0], year=2025).qualified_teachers == 20
    log = AuditLog.objects.filter(action="monitoring.stats_import").order_by("-id").first()
    assert log.after["replaced"] == 4 and log.after["replaced_batches"] == [result.batch.pk]


def test_per_stage_columns_with_fullwidth_parentheses(world):
    rows = good_rows(world)
    rows[2]["高于规定学历教师数（初中部）"] = 22
    header = HEADER + ["高于规定学历教师数（初中部）"]
    run(world, csv_bytes(rows, header))
    assert SchoolStats.objects.get(school=world.schools_a[2]).stage_values == {"qualified_teachers__junior": 22.0}


@pytest.mark.parametrize("change, message", [
    (lambda rows: rows[0].update({"体育运动场馆面积": "两千"}), "应为数字，实际为“两千”"),
    (lambda rows: rows[0].update({"室内体育用房面积": -5}), "不能为负数"),
    (lambda rows: rows[0].update({"学校标识码": "1990109999"}), "不在学校名录中"),
    (lambda rows: rows.append(dict(rows[0])), "同一学校同一学年的数据与第 2 行重复"),
    (lambda rows: rows[0].update({"小学在校生数": 0}), "中小学在校生数为 0，却填写了教师或校舍资源"),
    (lambda rows: rows[0].update({"学年": "2027-2028"}), "尚未开始"),
    (lambda rows: rows[0].update({"学年": "2025-2027"}), "无法识别"),
    (lambda rows: rows[0].update({"网络多媒体教室数": 2.5}), "应为整数"),
])
def test_bad_rows_refuse_the_whole_file(world, change, message):
    rows = good_rows(world)
    change(rows)
    with pytest.raises(ApplicationError) as exc:
        run(world, csv_bytes(rows))
    assert any(message in e.message for e in exc.value.errors), [e.message for e in exc.value.errors]
    assert not SchoolStats.objects.exists()


def test_missing_column_is_named(world):
    header = [h for h in HEADER if h != "网络多媒体教室数"]
    with pytest.raises(ApplicationError) as exc:
        run(world, csv_bytes(good_rows(world), header))
    assert any("缺少必填列“网络多媒体教室数”" in e.message for e in exc.value.errors)


def test_other_district_schools_are_not_importable(world):
    b = world.schools_b[0]
    with pytest.raises(ApplicationError) as exc:
        run(world, csv_bytes([row(b.code, b.name)]))
    assert "不在学校名录中" in exc.value.errors[0].message


def test_outliers_are_warnings_the_user_confirms(world):
    rows = good_rows(world)
    rows[1]["教学仪器设备值 (万元)"] = 6500  # 100× the others: a 元 typed into the 万元 column
    first = run(world, csv_bytes(rows))
    assert first.needs_confirmation and not SchoolStats.objects.exists()
    assert "与本县中位数" in first.warnings[0].message and first.warnings[0].row == 3
    confirmed = run(world, csv_bytes(rows), confirm=True)
    assert confirmed.rows == 4 and confirmed.batch.warnings[0]["row"] == 3


def test_template_has_the_exact_headers():
    for header in HEADER:
        assert header in SPEC.headers
    assert "高于规定学历教师数(小学部)" in SPEC.headers


def test_management_command(world, tmp_path):
    path = tmp_path / "stats.csv"
    path.write_bytes(csv_bytes(good_rows(world)))
    out = io.StringIO()
    call_command("import_stats", str(path), "--user", "office_a", stdout=out)
    assert "已导入 4 行" in out.getvalue()
    rows = good_rows(world)
    rows[0]["学校标识码"] = "1990109999"
    path.write_bytes(csv_bytes(rows))
    with pytest.raises(CommandError, match="不在学校名录中"):
        call_command("import_stats", str(path), "--user", "office_a")
