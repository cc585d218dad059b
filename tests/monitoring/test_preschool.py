"""学前普及普惠 against hand-worked cases (DOMAIN.md §2: 85 / 80 / 50)."""

import polars as pl

from dudao.monitoring import preschool


def kg(code, ownership="public", puhui=False, children=300, classes=10, oversized=0, teachers=20, certified=20,
       outdoor=1500.0, activity=2600.0, building=3300.0):
    return {"county": "990102", "code": code, "name": f"幼儿园{code}", "ownership": ownership, "is_puhui": puhui,
            "children": children, "classes": classes, "oversized_classes": oversized, "teachers": teachers,
            "certified_teachers": certified, "outdoor_area": outdoor, "activity_area": activity,
            "building_area": building}


def test_coverage_indicators_at_and_below_the_limits():
    # 1,000 children: public 500 (exactly 50%), 普惠 private 300 → coverage 80% exactly; population 1,176 → 85.03%.
    rows = [kg("A", children=500), kg("B", "private", True, children=300), kg("C", "private", False, children=200)]
    result = preschool.evaluate(pl.DataFrame(rows), 1176)
    ind = result.indicators
    assert ind["public_share"]["value"] == 0.5 and ind["public_share"]["passed"]
    assert ind["puhui_coverage"]["value"] == 0.8 and ind["puhui_coverage"]["passed"]
    assert ind["gross_enrolment"]["passed"] and round(ind["gross_enrolment"]["value"], 4) == 0.8503
    # One child fewer in public: 49.9% → fails, 1 place short; 普惠 79.9% → the private kindergarten C converts.
    rows[0]["children"] = 499
    rows[2]["children"] = 201
    result = preschool.evaluate(pl.DataFrame(rows), 1300)
    assert not result.indicators["public_share"]["passed"] and result.indicators["public_share"]["needed"] == 1
    assert result.indicators["puhui_coverage"]["needed"] == 1
    assert [c["code"] for c in result.conversions] == ["C"]
    assert result.indicators["gross_enrolment"]["needed"] == 105  # ceil(0.85 × 1300) − 1000
    assert "普惠性幼儿园覆盖率" in result.summary and "幼儿园C" in result.summary


def test_missing_population_says_so():
    result = preschool.evaluate(pl.DataFrame([kg("A")]), None)
    assert result.indicators["gross_enrolment"]["value"] is None
    assert "3—5 周岁常住人口" in result.summary


def test_kindergarten_checks_and_shortfalls():
    rows = [kg("A", children=300, teachers=19, certified=17, oversized=1, outdoor=1100.0)]
    row = preschool.evaluate(pl.DataFrame(rows), 400).kindergartens.row(0, named=True)
    assert not row["staffing_ok"] and row["teachers_needed"] == 1  # 300 / 15 = 20
    assert not row["certified_ok"] and row["certificates_needed"] == 2
    assert not row["class_size_ok"]
    assert row["outdoor_area_needed"] == 100.0  # 4 ㎡ × 300 − 1,100
    assert not row["passed"]
    ok = preschool.evaluate(pl.DataFrame([kg("B")]), 400).kindergartens.row(0, named=True)
    assert ok["passed"] and ok["teachers_needed"] == 0
