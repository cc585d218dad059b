"""The public submission of a response (no login): the same service behind the phone page and the API.

Safeguards, in order: the round must be open and include the school; an address may submit at most
`surveys.responses_per_ip_hour` per hour; the answers must satisfy the questionnaire; an access code is
used once (compare-and-set); a device (signed-cookie id) answers a round once (unique constraint); and a
burst of identical answers from one address is flagged for the office. Every refusal is counted per round,
reason, address and hour so the office sees abuse; nothing is silently dropped.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.core.cache import cache, caches
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from dudao.core.errors import ApplicationError, RowError
from dudao.core.policy import PolicyTable
from dudao.surveys.models import AccessCode, RefusalReason, RefusedSubmission, SurveyResponse, SurveyRound
from dudao.surveys.questionnaire import clean_answers

POLICY_KEYS = ["surveys.responses_per_ip_hour", "surveys.burst_identical", "surveys.burst_seconds"]
MAX_BODY_CHARS = 100_000


class SubmissionRefused(ApplicationError):
    """A refusal the respondent reads; `fields` maps question codes to messages for the form."""

    def __init__(self, message: str, reason: str, status: int = 400, fields: dict | None = None):
        fields = fields or {}
        super().__init__(message, [RowError("答卷", None, code, text) for code, text in fields.items()])
        self.reason, self.status, self.fields = reason, status, fields


def answers_fingerprint(answers: dict) -> str:
    """Identical answers have the same fingerprint (what burst detection compares)."""
    return hashlib.sha256(json.dumps(answers, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def ip_digest(ip: str | None) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|{ip or ''}".encode()).hexdigest()[:16]


def _limits(survey_round: SurveyRound) -> dict:
    """The round's safeguard settings, cached a minute per process (one Policy query per minute, not per post)."""
    key = f"dudao:survey-limits:{survey_round.county_id}"
    limits = caches["local"].get(key)
    if limits is None:
        table = PolicyTable(POLICY_KEYS)
        limits = {k: table.get(k, survey_round.county_id) for k in POLICY_KEYS}
        caches["local"].set(key, limits, 60)
    return limits


def school_ids(survey_round: SurveyRound) -> set[int]:
    key = f"dudao:survey-schools:{survey_round.pk}"
    ids = caches["local"].get(key)
    if ids is None:
        ids = set(survey_round.schools.values_list("id", flat=True))
        caches["local"].set(key, ids, 60)
    return ids


def _refuse(survey_round: SurveyRound, reason: str, ip_hash: str, message: str, status: int = 400, fields=None):
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    bucket = {"round": survey_round, "reason": reason, "ip_hash": ip_hash, "hour": hour}
    if not RefusedSubmission.objects.filter(**bucket).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RefusedSubmission.objects.create(**bucket, count=1)
        except IntegrityError:  # another worker created the bucket first
            RefusedSubmission.objects.filter(**bucket).update(count=F("count") + 1)
    raise SubmissionRefused(message, reason, status, fields)


def _over_rate(ip_hash: str, limit: int) -> bool:
    key = f"dudao:survey-rate:{ip_hash}:{timezone.now():%Y%m%d%H}"
    try:
        return cache.incr(key) > limit  # one round trip in the usual case (the key exists)
    except ValueError:
        if cache.add(key, 1, 3700):
            return limit < 1
        return cache.incr(key) > limit  # another worker added it first


def response_submit(*, survey_round: SurveyRound, school, raw_answers, device: str = "", ip: str | None = None,
                    code: str = "", now: datetime.datetime | None = None) -> SurveyResponse:
    now = now or timezone.now()
    ip_hash = ip_digest(ip)
    if not survey_round.is_open(now):
        _refuse(survey_round, RefusalReason.CLOSED, ip_hash, "本次调查未开放或已经结束，感谢您的关注。", 409)
    if school.pk not in school_ids(survey_round):
        raise SubmissionRefused("该学校不在本次调查范围内。", RefusalReason.INVALID, 404)
    limits = _limits(survey_round)
    if _over_rate(ip_hash, int(limits["surveys.responses_per_ip_hour"])):
        _refuse(survey_round, RefusalReason.RATE, ip_hash, "提交过于频繁，请稍后再试。", 429)
    if not isinstance(raw_answers, dict) or len(json.dumps(raw_answers, ensure_ascii=False)) > MAX_BODY_CHARS:
        _refuse(survey_round, RefusalReason.INVALID, ip_hash, "答卷内容过长或格式不正确。")
    answers, errors = clean_answers(survey_round.questionnaire.definition, raw_answers)
    if errors:
        raise SubmissionRefused(f"还有 {len(errors)} 道题需要完善，请检查标红的题目。", RefusalReason.INVALID,
                                fields=errors)
    code = (code or "").strip().upper()
    if survey_round.use_codes and not code:
        raise SubmissionRefused("请填写学校发放的访问码。", RefusalReason.CODE, fields={"code": "请填写访问码。"})
    fingerprint = answers_fingerprint(answers)
    try:
        with transaction.atomic():
            access = None
            if survey_round.use_codes:
                access = AccessCode.objects.filter(round=survey_round, school=school, code=code).first()
                claimed = access is not None and AccessCode.objects.filter(
                    pk=access.pk, used_at__isnull=True).update(used_at=now)
                if not claimed:
                    raise SubmissionRefused("访问码无效或已经使用过。", RefusalReason.CODE, 409,
                                            {"code": "访问码无效或已经使用过。"})
            response = SurveyResponse.objects.create(
                round=survey_round, school=school, answers=answers, submitted_at=now, device=device[:32],
                ip_hash=ip_hash, fingerprint=fingerprint, code=access)
            _flag_burst(response, limits, now)
    except SubmissionRefused as exc:
        _refuse(survey_round, exc.reason, ip_hash, exc.message, exc.status, exc.fields)
    except IntegrityError:
        _refuse(survey_round, RefusalReason.DUPLICATE, ip_hash, "您已经提交过本次问卷，感谢参与！", 409)
    return response


def _flag_burst(response: SurveyResponse, limits: dict, now: datetime.datetime) -> None:
    """Identical answers from one address, many times within the window: flag them all for review."""
    since = now - datetime.timedelta(seconds=int(limits["surveys.burst_seconds"]))
    same = SurveyResponse.objects.filter(round_id=response.round_id, fingerprint=response.fingerprint,
                                         ip_hash=response.ip_hash, submitted_at__gte=since)
    if same.count() >= int(limits["surveys.burst_identical"]):
        reason = f"同一地址 {limits['surveys.burst_seconds']} 秒内提交相同答卷"
        same.filter(flagged=False).update(flagged=True, flag_reason=reason)
        response.flagged, response.flag_reason = True, reason
