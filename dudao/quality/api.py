"""The quality API: /api/v1/quality/rounds… (issue 19 item 7). Rounds are scoped like every object; a school's
token sees only its own school in results and value-added."""

from ninja import Router

router = Router(tags=["学业质量监测"])


# --- results and value-added (h19-pages) -------------------------------------------------------------------
# GET /quality/rounds/{id}/results?subject= and GET /quality/rounds/{id}/value-added?subject=&method=reml|ml.
# The selectors scope both: a school's token sees only its own school, and nothing before the round is published.

from django.http import Http404  # noqa: E402
from ninja import Schema  # noqa: E402

from dudao.core.api_errors import error_responses  # noqa: E402
from dudao.core.errors import ApplicationError  # noqa: E402
from dudao.quality import selectors  # noqa: E402
from dudao.quality.models import RoundSubject  # noqa: E402
from dudao.quality.views.results import (  # noqa: E402
    METHODS,
    NOT_PUBLISHED,
    NOT_SCORED,
    availability,
    clean,
    visible_round,
)


class CountyOut(Schema):
    n: int
    mean: float | None = None
    sd: float | None = None
    pass_rate: float | None = None
    excellent_rate: float | None = None
    low_rate: float | None = None


class SchoolResultOut(Schema):
    code: str
    name: str
    n: int
    mean: float | None = None
    sd: float | None = None
    pass_rate: float | None = None
    excellent_rate: float | None = None
    low_rate: float | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    gap_mean: float | None = None
    withheld: bool = False


class BandOut(Schema):
    band: str
    lower: float | None = None
    upper: float | None = None
    count: int
    share: float | None = None


class ResultsOut(Schema):
    round: int
    subject: str
    full_marks: float
    county: CountyOut
    schools: list[SchoolResultOut]
    bands: list[BandOut]


class SchoolEffectOut(Schema):
    code: str
    name: str = ""
    n: int
    effect: float | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    flag: str
    flag_label: str = ""
    residual_mean: float | None = None
    shrinkage: float | None = None
    small: bool = False


class ValueAddedOut(Schema):
    round: int
    subject: str
    method: str
    n_students: int
    n_schools: int
    fixed: dict[str, float | None]
    fixed_se: dict[str, float | None] = {}
    school_var: float | None
    residual_var: float | None
    icc: float | None
    converged: bool = True
    warnings: list[str] = []
    schools: list[SchoolEffectOut]


def _subject_of(request, round_, subject: str) -> RoundSubject:
    """The round's subject by name, with the round's state checked: 404 before publication for a school, 400
    (Chinese) for a subject the round does not have or that has no scores yet."""
    subjects = selectors.round_subjects(round_, user=request.user)
    name = (subject or "").strip()
    found = next((s for s in subjects if s.name == name), None)
    if found is None:
        known = "、".join(s.name for s in subjects) or "（无）"
        if not name:
            raise ApplicationError(f"请用 subject 参数指定学科。本轮学科：{known}。")
        raise ApplicationError(f"本轮监测没有学科“{name[:32]}”。本轮学科：{known}。")
    state = availability(request.user, round_, found)
    if state == NOT_PUBLISHED:
        raise Http404(NOT_PUBLISHED)
    if state == NOT_SCORED:
        raise ApplicationError(f"“{found.name}”尚未导入成绩，暂无结果。")
    return found


@router.get("/quality/rounds/{round_id}/results", response=ResultsOut)
def round_results(request, round_id: int, subject: str = ""):
    """One subject's results: the county's figures, every school's (a school token: only its own), score bands."""
    round_ = visible_round(request, round_id)
    found = _subject_of(request, round_, subject)
    results = clean(selectors.subject_results(round_, found, user=request.user))
    return {**results, "round": round_.pk, "subject": found.name, "full_marks": found.full_marks}


@router.get("/quality/rounds/{round_id}/value-added", response=ValueAddedOut,
            openapi_extra=error_responses(400))
def round_value_added(request, round_id: int, subject: str = "", method: str = "reml", gender: bool = False):
    """增值评价 of one subject: the random-intercept model (REML by default, or ML) with prior attainment (and
    gender if `gender=true`); fixed effects, variance components, ICC, and each school's effect with its 95%
    interval and flag. 400 with the reason (Chinese) when it cannot be computed (one school, no prior scores…)."""
    if method not in METHODS:
        raise ApplicationError(f"估计方法 method 只能是 reml 或 ml，收到的是“{method[:16]}”。")
    round_ = visible_round(request, round_id)
    found = _subject_of(request, round_, subject)
    va = clean(selectors.value_added(round_, found, user=request.user, method=method,
                                     covariates=("gender",) if gender else ()))
    if va.get("error"):
        raise ApplicationError(f"无法计算增值评价：{va['error']}")
    return {**va, "round": round_.pk, "subject": found.name}
