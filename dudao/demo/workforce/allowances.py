"""Demo data of workforce, area allowances: 兼职督学劳务补贴. The demo county's rates are set as its policy values
(through the policy service, as an administrator would), then last month is computed from the part-time
inspectors' records of the demo (visits, checks, on-site days), reviewed and approved by the office."""

from django.utils import timezone

from dudao.core.services import policy_set
from dudao.workforce.models import AllowanceMonth, AllowanceMonthStatus
from dudao.workforce.services import allowances as services

# 元; the seed (004) names the costs to be paid (通信、交通、食宿、劳务) but no amounts: these are the demo's.
DEMO_RATES = {"visit": 60, "half_day": 40, "check": 50, "inspection_day": 200, "transport": 30, "monthly_cap": 1500}
NOTE = "示范区：兼职督学劳务补贴标准（演示数据）"


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
    for name, value in DEMO_RATES.items():
        policy_set(actor=admin, key=f"workforce.allowance_{name}", value=value, region_code=county.code, note=NOTE)
    first = timezone.localdate().replace(day=1)
    last = first.fromordinal(first.toordinal() - 1)
    month = AllowanceMonth.objects.filter(region=county, year=last.year, month=last.month).first()
    if month is not None and month.status == AllowanceMonthStatus.APPROVED:
        return
    month = services.allowance_compute(actor=office_user, region=county, year=last.year, month=last.month)
    services.allowance_review(actor=office_user, month=month, note="已核对督导纪实和检查记录")
    services.allowance_approve(actor=office_user, month=month, note="同意发放")
