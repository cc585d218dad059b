"""Demo: outputs (issue 23). Runs after fill: for the finished round "2026年岁末年初节前安全稳定专项检查" the office
saves the leader summary (generated from the results) and publishes the 检查通报 (the generated draft) through the
services. Without the round, or before any answer was filled (this branch before the merge), it does nothing."""

from dudao.checks.models import CheckAnswer, CheckRound, RoundStatus
from dudao.checks.selectors.outputs import bulletin_draft, computed_summary
from dudao.checks.services.outputs import bulletin_publish, summary_save

HOLIDAY_TITLE = "2026年岁末年初节前安全稳定专项检查"


def load(*, admin, office_user, county) -> None:
    check_round = (CheckRound.objects.filter(region=county, title=HOLIDAY_TITLE).select_related("region", "bulletin")
                   .order_by("id").first())
    if check_round is None or check_round.status == RoundStatus.DRAFT:
        return
    if not CheckAnswer.objects.filter(item__round=check_round).exists():
        return
    if not check_round.summary:
        check_round = summary_save(actor=office_user, round=check_round, text=computed_summary(check_round))
    if check_round.bulletin_id is None:
        title, body = bulletin_draft(check_round)
        bulletin_publish(actor=office_user, round=check_round, title=title, body=body)
