"""The year figures reviews gives the 年度工作总结 and the 公报: uses dated in the period, by purpose and by unit."""

import datetime

import time_machine

from dudao.core.registries import year_figure_sections
from dudao.reviews.services.uses import use_record
from dudao.reviews.year.uses import use_figures
from tests.reviews import uses_data


@time_machine.travel(datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                     tick=False)
def test_it_counts_the_years_uses_by_purpose_and_by_unit(world):
    data = uses_data.build(world)
    for key, purpose, day, unit, name in [
            (f"inspections.target:{data.failing.pk}", "appointment", datetime.date(2026, 1, 5), data.hr.pk, ""),
            (f"inspections.target:{data.good.pk}", "honours", datetime.date(2026, 2, 5), data.hr.pk, ""),
            (f"rectification.accountability:{data.case.pk}", "honours", datetime.date(2025, 12, 31), "", "区纪委监委")]:
        use_record(actor=world.office_a, result_key=key, purpose=purpose, used_on=day, decision="运用。",
                   user_unit=unit, user_name=name)
    use_record(actor=world.office_b, result_key=f"inspections.target:{data.failing_b.pk}", purpose="pay",
               used_on=datetime.date(2026, 1, 6), decision="运用。", user_unit=data.hr_b.pk)
    figures = {f.key: f for f in use_figures("990102", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))}
    assert figures["reviews.uses"].value == 2  # 2025-12-31 is last year's; B's is not A's
    assert set(figures["reviews.uses"].rows) == {("干部任用", 1), ("评优评先", 1)}
    assert figures["reviews.uses_units"].value == 1
    assert figures["reviews.uses_units"].rows == (("甲区人力资源和社会保障局", 2),)
    assert "reviews.uses" in {s.name for s in year_figure_sections()}
