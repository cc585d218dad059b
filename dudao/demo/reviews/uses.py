"""The demo's reviews (issue 21): uses of supervision results. Idempotent: a second load adds nothing.

Runs last: it reads the results the other parts made. Last year's results are preferred (the 年度综合目标考核 and
the 述职评议 of the towns, once those parts load them), then any issued result of the county. About ten uses are
recorded through the service, as the office would: the 区委组织部 (干部任用 of principals, 年度考核 of the towns),
the 区人力资源和社会保障局 (绩效工资) and the 区教育委员会 (评优评先). Failing results (不合格, a veto, a 问责
decision) are left without a use, and the daily reminder job runs once, so the office's inbox and the register show
the reminder.

The 区委组织部 is not among the generator's departments: it is found by name, or created as a GovUnit of the county
with the stable code U<county>D13 (after the generator's D01…D12)."""

import datetime

from django.utils import timezone

from dudao.demo.generator import DEPARTMENTS
from dudao.regions.models import GovUnit, UnitKind
from dudao.reviews import results
from dudao.reviews.models import ResultUse
from dudao.reviews.services.uses import result_use_reminders, use_record

ORGANISATION_CODE = "U{county}D13"
HR_CODE = "U{county}D04"  # 区人力资源和社会保障局 in the generator's DEPARTMENTS
EDUCATION_CODE = "U{county}D02"  # 区教育委员会
assert DEPARTMENTS[3][0] == "区人力资源和社会保障局" and DEPARTMENTS[1][0] == "区教育委员会"


def _organisation(county) -> GovUnit:
    found = GovUnit.objects.filter(region=county, name__endswith="委组织部").order_by("code").first()
    if found is not None:
        return found
    unit, _created = GovUnit.objects.get_or_create(
        code=ORGANISATION_CODE.format(county=county.code),
        defaults={"name": f"{county.name}委组织部", "kind": UnitKind.DEPARTMENT, "region": county,
                  "address": f"{county.name}行政中心"})
    return unit


def _results(county, kind: str) -> list[results.Result]:
    """Issued results of the county, last year's first (then the newest), best first within a year."""
    found = results.KINDS[kind].choices({county.code}, "", None)
    last_year = timezone.localdate().year - 1
    return sorted(found, key=lambda r: (r.year != last_year, -r.year, r.failing, r.label))


def _day(result: results.Result, after: int) -> datetime.date:
    """A fixed number of days after the result was issued (never later than today)."""
    start = result.issued_on or datetime.date(result.year, 12, 31)
    return min(start + datetime.timedelta(days=after), timezone.localdate())


def _use(office_user, result, unit, purpose: str, after: int, decision: str, number: str) -> None:
    use_record(actor=office_user, result_key=result.key, purpose=purpose, used_on=_day(result, after),
               decision=decision, user_unit=unit.pk, document_number=number)


def load(*, admin, office_user, county) -> None:
    if not ResultUse.objects.filter(region=county).exists():
        _record_uses(office_user, county)
    result_use_reminders(now=timezone.now())  # a failing result without a use: the office's inbox shows it


def _record_uses(office_user, county) -> None:
    organisation = _organisation(county)
    hr = GovUnit.objects.filter(code=HR_CODE.format(county=county.code)).first()
    education = GovUnit.objects.filter(code=EDUCATION_CODE.format(county=county.code)).first()
    if hr is None or education is None:
        return  # not the generator's county
    short = county.name[:1]
    targets = [r for r in _results(county, results.TARGET) if not r.failing and r.school_id]
    by_score = sorted(targets, key=lambda r: r.label)  # a stable order; the picks below go by level
    best = [r for r in by_score if "优秀" in r.label] + [r for r in by_score if "良好" in r.label]
    fair = [r for r in by_score if "合格" in r.label and "不合格" not in r.label]
    for n, result in enumerate(best[:3], 1):
        _use(office_user, result, organisation, "appointment", 30 + n,
             f"{result.owner}督导评估结果为{result.label.rsplit('：', 1)[-1][:2]}，作为校长年度考核和任用的重要依据，"
             "该校校长继续留任，并列入后备干部人选。", f"{short}组干〔{_day(result, 30 + n).year}〕{10 + n}号")
    for n, result in enumerate((best[3:5] + fair)[:3], 1):
        _use(office_user, result, hr, "pay", 45 + n,
             f"依据{result.owner}督导评估结果核定该校年度奖励性绩效工资总量，结果为良好及以上的上浮 5%，合格的维持基数。",
             f"{short}人社发〔{_day(result, 45 + n).year}〕{20 + n}号")
    for n, result in enumerate([r for r in best if "优秀" in r.label][:2] or best[:1], 1):
        _use(office_user, result, education, "honours", 60 + n,
             f"{result.owner}督导评估结果为优秀，推荐参评年度区级教育系统先进集体。", f"{short}教发〔{_day(result, 60 + n).year}〕{30 + n}号")
    reporters = [r for r in _results(county, results.REPORTER) if not r.failing]
    for n, result in enumerate(reporters[:2], 1):
        _use(office_user, result, organisation, "annual", 20 + n,
             f"{result.owner}述职评议结果纳入年度目标考核，作为领导班子和领导干部年度考核的重要依据。",
             f"{short}组发〔{_day(result, 20 + n).year}〕{40 + n}号")
