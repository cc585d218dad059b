"""outputs writes (issue 23): the leader summary saved on the round, and the 检查通报 published through
rectification's 结果公开 (publication_publish, kind bulletin). Keyword-only, atomic, audited."""

from django.db import transaction

from dudao.checks.models import CheckRound
from dudao.checks.selectors.outputs import bulletin_publishable
from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError
from dudao.core.scope import require_office_for
from dudao.rectification.followup import publication_publish
from dudao.rectification.models import PublicationKind

SUMMARY_MAX = 2000
BULLETIN_TITLE_MAX = 200
BULLETIN_BODY_MAX = 20000


def _text(value: str) -> str:
    return (value or "").replace("\x00", "").replace("\r\n", "\n").strip()


def _locked(check_round: CheckRound) -> CheckRound:
    return CheckRound.objects.select_for_update(of=("self",)).select_related("region", "bulletin").get(
        pk=check_round.pk)


@transaction.atomic
def summary_save(*, actor, round: CheckRound, text: str) -> CheckRound:
    """The office's own wording of the leader summary; empty text goes back to the computed one."""
    require_office_for(actor, round.region_id, "只有本区划的督导室可以修改领导摘要。")
    text = _text(text)
    if len(text) > SUMMARY_MAX:
        raise ApplicationError(f"领导摘要不能超过 {SUMMARY_MAX} 字（现有 {len(text)} 字）。")
    check_round = _locked(round)
    before = check_round.summary
    check_round.summary = text
    check_round.save(update_fields=["summary"])
    audit_record(actor=actor, action="checks.summary_save", obj=check_round, region_code=check_round.region_id,
                 before={"summary": before}, after={"summary": text})
    return check_round


@transaction.atomic
def bulletin_publish(*, actor, round: CheckRound, title: str, body: str) -> CheckRound:
    """Publish the round's 检查通报 on the public results page and keep it on the round. Refused for a round
    still in 草稿 and when a 通报 is already published (withdrawing it on the 结果公开 page allows a new one)."""
    require_office_for(actor, round.region_id, "只有本区划的督导室可以发布检查通报。")
    title, body = _text(title), _text(body)
    if not title or not body:
        raise ApplicationError("通报的标题和正文都不能为空。")
    if len(title) > BULLETIN_TITLE_MAX:
        raise ApplicationError(f"通报标题不能超过 {BULLETIN_TITLE_MAX} 字。")
    if len(body) > BULLETIN_BODY_MAX:
        raise ApplicationError(f"通报正文不能超过 {BULLETIN_BODY_MAX} 字（现有 {len(body)} 字）。")
    check_round = _locked(round)
    refusal = bulletin_publishable(check_round)
    if refusal:
        raise ApplicationError(refusal)
    publication = publication_publish(actor=actor, kind=PublicationKind.BULLETIN, region_code=check_round.region_id,
                                      title=title, body=body)
    check_round.bulletin = publication
    check_round.save(update_fields=["bulletin"])
    audit_record(actor=actor, action="checks.bulletin_publish", obj=check_round, region_code=check_round.region_id,
                 after={"publication": publication.pk, "title": title})
    return check_round
