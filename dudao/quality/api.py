"""The quality API: /api/v1/quality/rounds… (issue 19 item 7). Rounds are scoped like every object; a school's
token sees only its own school in results and value-added."""

import datetime
from typing import Literal

from django.http import Http404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from dudao.core.api_errors import error_responses
from dudao.core.errors import ApplicationError, PermissionDenied, RowError
from dudao.core.listing import ApiPagination
from dudao.core.scope import get_visible_or_404
from dudao.core.tabular import read_import_file
from dudao.quality import selectors
from dudao.quality.models import RoundStatus, RoundSubject, SchoolSelection, Term
from dudao.quality.services import rounds as round_services
from dudao.quality.services.scores import scores_import
from dudao.quality.views.results import METHODS, NOT_PUBLISHED, NOT_SCORED, availability, clean, visible_round
from dudao.regions.models import Region, RegionLevel

router = Router(tags=["学业质量监测"])


# ---- rounds ------------------------------------------------------------------------------------------------

TERM_LABELS = dict(Term.choices)


class RoundSubjectIn(Schema):
    name: str = Field(max_length=64, description="学科名称，如 语文")
    full_marks: float = Field(description="满分（大于 0，不超过 1000）")
    pass_line: float | None = Field(None, description="合格线；缺省为满分 × 合格比例（默认 60%）")
    excellent_line: float | None = Field(None, description="优秀线；缺省为满分 × 优秀比例（默认 85%）")
    low_line: float | None = Field(None, description="低分线；缺省为满分 × 低分比例（默认 40%）")
    is_fitness: bool = Field(False, description="体质健康学科（按国家学生体质健康标准分等级）")


class RoundIn(Schema):
    county: str = Field(max_length=12, description="区县代码（6 位）")
    year: int = Field(description="学年的起始年份：2025 表示 2025—2026 学年")
    term: Literal["spring", "autumn"] = Field(description="spring 春季，autumn 秋季")
    grade: int = Field(description="年级（1—12）")
    subjects: list[RoundSubjectIn] = Field(max_length=20, description="固定学科")
    schools: list[str] | None = Field(None, max_length=5000,
                                      description="学校标识码；缺省为本区县开设该年级所在学段的全部学校")
    draw_pool: list[RoundSubjectIn] = Field([], max_length=20, description="“2+1”随机学科备选（至少两门，或留空）")
    test_date: datetime.date | None = Field(None, description="测试日期；缺省为今天（须在该学年内）")
    title: str | None = Field(None, max_length=128, description="名称；缺省按区县、学年、学期、年级生成")


class RoundSubjectOut(Schema):
    name: str
    kind: str
    full_marks: float
    pass_line: float
    excellent_line: float
    low_line: float
    is_fitness: bool


class RoundOut(Schema):
    id: int
    title: str
    county: str = Field(description="区县代码")
    county_name: str
    year: int
    term: str
    grade: int
    test_date: datetime.date
    selection: str
    status: str
    published_at: datetime.datetime | None
    school_count: int = 0

    @staticmethod
    def resolve_county(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_county_name(obj) -> str:
        return obj.region.name


class RoundSchoolOut(Schema):
    code: str
    name: str
    source: str


class RoundDetailOut(RoundOut):
    subjects: list[RoundSubjectOut]
    schools: list[RoundSchoolOut]
    draw: dict | None = Field(description="“2+1”抽取记录：seed 随机种子、drawn_at、subject、pool（备选顺序）")
    sample: dict | None = Field(description="随机抽样记录：seed、population_size、population_digest")

    @staticmethod
    def resolve_subjects(obj):
        return obj.subjects_out

    @staticmethod
    def resolve_schools(obj):
        return obj.schools_out

    @staticmethod
    def resolve_draw(obj):
        return obj.draw_out

    @staticmethod
    def resolve_sample(obj):
        return obj.sample_out


class RoundFilters(Schema):
    year: int | None = Field(None, description="学年起始年份")
    term: Literal["", "spring", "autumn"] = ""
    grade: int | None = Field(None, description="年级")
    status: Literal[tuple(["", *RoundStatus.values])] = ""
    q: str = Field("", max_length=100, description="搜索名称或区县")


@router.post("/quality/rounds", response={201: dict}, openapi_extra=error_responses(403, 404))
def create_round(request, payload: RoundIn):
    """建立质量监测轮次（区县督导室）：201 {"id"}；数据有误 400（detail 说明原因）；区县不在管辖范围 404；非督导室 403。"""
    if not selectors.holds_office(request.user):
        raise PermissionDenied("只有督导室可以建立质量监测轮次。")
    county = get_visible_or_404(Region.objects.filter(level=RegionLevel.COUNTY), request.user, code=payload.county)
    test_date = payload.test_date or timezone.localdate()
    title = (payload.title or "").strip() or (
        f"{county.name}{payload.year}—{payload.year + 1}学年{TERM_LABELS.get(payload.term, '')}"
        f"{payload.grade}年级学业质量监测")
    subjects = [s.dict() for s in payload.subjects]
    pool = [{"name": s.name, "full_marks": s.full_marks, "is_fitness": s.is_fitness} for s in payload.draw_pool]
    if payload.schools is None:
        grade = payload.grade if 1 <= payload.grade <= 12 else 1
        selection = SchoolSelection.TYPE
        params = {"school_types": round_services.stage_types(round_services.grade_stage(grade))}
    else:
        selection, params = SchoolSelection.LIST, {}
    round_ = round_services.round_create(
        actor=request.user, region=county, title=title, year=payload.year, term=payload.term, grade=payload.grade,
        test_date=test_date, subjects=subjects, draw_pool=pool, selection=selection, selection_params=params,
        schools=payload.schools)
    return Status(201, {"id": round_.pk})


@router.get("/quality/rounds", response=list[RoundOut])
@paginate(ApiPagination, page_size=50)
def list_rounds(request, filters: Query[RoundFilters]):
    """质量监测轮次：本人可见的（区县督导室、领导看本区县；学校看本校参加的），可按学年、学期、年级、状态筛选。"""
    return selectors.round_list(request.user, year=str(filters.year or ""), term=filters.term,
                                grade=str(filters.grade or ""), status=filters.status, q=filters.q)


@router.get("/quality/rounds/{int:pk}", response=RoundDetailOut)
def get_round(request, pk: int):
    """一个轮次：学科及分数线（抽中的随机学科在测试日前只对督导室、领导可见）、学校及来源、抽取与抽样记录。"""
    round_ = selectors.get_round_for(request.user, pk)
    subjects = selectors.round_subjects(round_, user=request.user)
    schools = list(selectors.round_schools(round_))
    staff = selectors.sees_draw_early(request.user, round_)
    draw = None
    if round_.drawn_at is not None and (staff or round_.announced(timezone.localdate())):
        drawn = next((s.name for s in subjects if s.kind == "drawn"), None)
        draw = {"seed": round_.draw_seed, "drawn_at": round_.drawn_at, "subject": drawn,
                "pool": [p.get("name") for p in round_.draw_pool]}
    sample = None
    if round_.sample_seed is not None:
        sample = {"seed": round_.sample_seed, "population_size": round_.population_size,
                  "population_digest": round_.population_digest}
    round_.school_count = len(schools)
    round_.subjects_out = subjects
    round_.schools_out = [{"code": rs.school.code, "name": rs.school.name, "source": rs.source} for rs in schools]
    round_.draw_out, round_.sample_out = draw, sample
    return round_


# ---- 学生成绩 ------------------------------------------------------------------------------------------------


class _ScoresNeedConfirmation(ApplicationError):
    status = 409

    def __init__(self, warnings: list[dict]):
        super().__init__(f"有 {len(warnings)} 条数据提示需要确认，未导入。核对无误后以 confirm=true 重新上传。",
                         [RowError(**w) for w in warnings])


@router.post("/quality/rounds/{int:pk}/scores", response={201: dict}, openapi_extra=error_responses(404, 409))
def upload_scores(request, pk: int, file: File[UploadedFile], confirm: Form[bool] = False):
    """Upload a 学生成绩 file for a round (office of its county): 400 with every error (nothing imported), 409 with
    the warnings to confirm, else 201 with the counts (rows, replaced, prior_from_file, prior_linked, …)."""
    found = selectors.get_round_for(request.user, pk)
    result = scores_import(actor=request.user, round=found, data=read_import_file(file), filename=file.name or "",
                           confirm=confirm)
    if result.needs_confirmation:
        raise _ScoresNeedConfirmation([w.as_dict() for w in result.warnings])
    return Status(201, result.as_dict())


# ---- results and value-added --------------------------------------------------------------------------
# GET /quality/rounds/{id}/results?subject= and GET /quality/rounds/{id}/value-added?subject=&method=reml|ml.
# The selectors scope both: a school's token sees only its own school, and nothing before the round is published.



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
    withheld: bool = False


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


@router.get("/quality/rounds/{int:pk}/results", response=ResultsOut)
def round_results(request, pk: int, subject: str = ""):
    """One subject's results: the county's figures, every school's (a school token: only its own), score bands."""
    round_ = visible_round(request, pk)
    found = _subject_of(request, round_, subject)
    results = clean(selectors.subject_results(round_, found, user=request.user))
    return {**results, "round": round_.pk, "subject": found.name, "full_marks": found.full_marks}


@router.get("/quality/rounds/{int:pk}/value-added", response=ValueAddedOut,
            openapi_extra=error_responses(400))
def round_value_added(request, pk: int, subject: str = "", method: str = "reml", gender: bool = False):
    """增值评价 of one subject: the random-intercept model (REML by default, or ML) with prior attainment (and
    gender if `gender=true`); fixed effects, variance components, ICC, and each school's effect with its 95%
    interval and flag. 400 with the reason (Chinese) when it cannot be computed (one school, no prior scores…)."""
    if method not in METHODS:
        raise ApplicationError(f"估计方法 method 只能是 reml 或 ml，收到的是“{method[:16]}”。")
    round_ = visible_round(request, pk)
    found = _subject_of(request, round_, subject)
    va = clean(selectors.value_added(round_, found, user=request.user, method=method,
                                     covariates=("gender",) if gender else ()))
    if va.get("error"):
        raise ApplicationError(f"无法计算增值评价：{va['error']}")
    return {**va, "round": round_.pk, "subject": found.name}
