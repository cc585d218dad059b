"""Reads for the quality pages, API and reports: rounds through `Round.objects.visible_to(user)`, results computed
by the pure engines (`engine` for levels, `value_added` for progress) from the round's pupil scores.

Who sees what (out of scope is always the same 404):
- the county's office (and administrators): every school, from the moment scores are imported (scored), the
  drawn subject at once, the pupil rows (`student_rows`), withheld groups with their figures and a flag;
- the county's leaders: every school's aggregates, once the round is published;
- everyone else who can see the round (a school user, the school's inspector, a token of either): published
  rounds only, only their own schools' rows plus the county's figures; groups (schools, classes, genders) under
  the policy `quality.min_group_size` are withheld (figures blanked, n kept) but always counted in the county;
  the drawn subject of "2+1" is hidden until the test date (the Asia/Shanghai calendar day).
"""

import datetime
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dudao.core.listing import filter_given
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, holds_role_in, scope_for
from dudao.quality import engine
from dudao.quality import value_added as va
from dudao.quality.models import (
    Round,
    RoundSchool,
    RoundStatus,
    RoundSubject,
    RoundTransition,
    StudentScore,
    SubjectKind,
    Term,
)

NOT_FOUND = "未找到该对象，或您无权查看。"
METHODS = {"reml": "限制性最大似然（REML）", "ml": "最大似然（ML）"}
COVARIATES = {"gender": "性别（女 = 1，男 = 0）"}
STAT_KEYS = ["n", "mean", "sd", "min", "q1", "median", "q3", "max", "pass_rate", "excellent_rate", "low_rate",
             *engine.FITNESS_LABELS]
GAP_KEYS = ["gap_mean", "gap_pass_rate", "gap_excellent_rate", "gap_low_rate"]


@dataclass(frozen=True)
class Access:
    """How a user reads one round: the whole county (office, leaders) or only `school_ids` (school-facing)."""

    county_view: bool
    office: bool
    school_ids: frozenset[int]


def holds_office(user, region_code: str = "") -> bool:
    """An office user (of that county, when given) or an administrator: who may create, draw and publish."""
    if region_code:
        return holds_role_in(user, region_code, Role.OFFICE)
    scope = scope_for(user)
    return scope.everything or scope.has_role(Role.OFFICE)


def sees_draw_early(user, round: Round) -> bool:
    """The county's office and leaders (and administrators): they read the whole county and see the drawn subject
    before the test date."""
    return holds_role_in(user, round.region_id, Role.OFFICE, Role.LEADER)


def _role_access(round: Round, user) -> Access:
    """The user's reading of the round from their roles alone (no visibility or status check)."""
    if holds_office(user, round.region_id):
        return Access(county_view=True, office=True, school_ids=frozenset())
    if sees_draw_early(user, round):
        return Access(county_view=True, office=False, school_ids=frozenset())
    return Access(county_view=False, office=False, school_ids=scope_for(user).school_ids)


def _access(round: Round, user) -> Access:
    """The user's access to the round's results, or 404: the round must be visible to them; results exist for the
    office once scored, for everyone else once published; a school-facing user needs one of their schools in it."""
    if not Round.objects.visible_to(user).filter(pk=round.pk).exists():
        raise Http404(NOT_FOUND)
    access = _role_access(round, user)
    if access.office:
        if round.status not in (RoundStatus.SCORED, RoundStatus.PUBLISHED):
            raise Http404(NOT_FOUND)
        return access
    if round.status != RoundStatus.PUBLISHED:
        raise Http404(NOT_FOUND)
    if access.county_view:
        return access
    mine = frozenset(RoundSchool.objects.filter(round=round, school_id__in=access.school_ids)
                     .values_list("school_id", flat=True))
    if not mine:
        raise Http404(NOT_FOUND)
    return Access(county_view=False, office=False, school_ids=mine)


def _today(today: datetime.date | None) -> datetime.date:
    return today if today is not None else timezone.localdate()


def _hidden(round: Round, subject: RoundSubject, *, county_view: bool, today: datetime.date) -> bool:
    """The one rule of "2+1": the drawn subject is hidden from school-facing readers until the test date."""
    return subject.kind == SubjectKind.DRAWN and not county_view and not round.announced(today)


def min_group_size(region_code: str) -> int:
    """The policy `quality.min_group_size` of the county (a town's code matches its county by prefix)."""
    return int(policy_value("quality.min_group_size", region_code))


def rounds_visible(user) -> QuerySet[Round]:
    """Rounds the user may open (a school sees the rounds it is in, whatever their status; results need more)."""
    return Round.objects.visible_to(user).select_related("region")


def round_list(user, *, year: str = "", term: str = "", grade: str = "", status: str = "", q: str = "") -> QuerySet:
    """The visible rounds, newest first, with their school count, filtered (a non-numeric year or grade is ignored)
    and searched by title or county name."""
    rounds = rounds_visible(user).annotate(school_count=Count("round_schools", distinct=True)).order_by(
        "-year", "-test_date", "-id")
    year = year if str(year).isdigit() else ""
    grade = grade if str(grade).isdigit() else ""
    if (year and int(year) > 9999) or (grade and int(grade) > 99):
        return rounds.none()  # no such round (and no integer too large for the database)
    rounds = filter_given(rounds, year=year, term=term, grade=grade, status=status)
    q = (q or "").strip()[:100]
    if q:
        rounds = rounds.filter(Q(title__icontains=q) | Q(region__name__icontains=q))
    return rounds


def get_round_for(user, pk: int) -> Round:
    """One visible round (its status aside), else 404."""
    return get_visible_or_404(Round.objects.select_related("region", "drawn_by", "created_by"), user, pk=pk)


def office_round_or_404(user, pk: int) -> Round:
    """A visible round of whose county the user is the office (or an administrator); anyone else gets the same
    404 as for a missing round (the office-only pages: scores, findings, the reports batch)."""
    round = get_round_for(user, pk)
    if not holds_office(user, round.region_id):
        raise Http404(NOT_FOUND)
    return round


def round_subjects(round: Round, *, user, today: datetime.date | None = None) -> list[RoundSubject]:
    """The round's subjects in order; for school-facing users the drawn subject only from the test date on."""
    county_view, day = sees_draw_early(user, round), _today(today)
    return [s for s in round.subjects.order_by("order", "id") if not _hidden(round, s, county_view=county_view,
                                                                            today=day)]


def round_schools(round: Round):
    """The round's schools with their source, by code; the list is not confidential (a school user sees it whole),
    the results decide what each school reads."""
    return round.round_schools.select_related("school", "school__region").order_by("school__code")


def round_history(round: Round):
    return RoundTransition.history(round)


def _subject_or_404(round: Round, subject: RoundSubject, access: Access, today: datetime.date | None) -> None:
    if subject.round_id != round.pk or _hidden(round, subject, county_view=access.county_view, today=_today(today)):
        raise Http404(NOT_FOUND)


def lines_of(subjects) -> dict[str, engine.SubjectLines]:
    return {s.name: engine.SubjectLines(s.full_marks, s.pass_line, s.excellent_line, s.low_line, s.is_fitness)
            for s in subjects}


def subject_info(subject: RoundSubject) -> dict:
    return {"id": subject.pk, "name": subject.name, "kind": subject.kind, "full_marks": subject.full_marks,
            "pass_line": subject.pass_line, "excellent_line": subject.excellent_line, "low_line": subject.low_line,
            "is_fitness": subject.is_fitness}


def _round_schools(round: Round) -> list[tuple[int, str, str]]:
    """(id, code, name) of the round's schools, by code."""
    return list(RoundSchool.objects.filter(round=round).order_by("school__code")
                .values_list("school_id", "school__code", "school__name"))


def load_frame(queryset, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The queryset's `values_list(*schema)` as a polars frame. On PostgreSQL the query runs as COPY … TO STDOUT
    (CSV) read by polars' own parser, so no Python object is made per cell (30,000 pupils × 5 columns: about half
    the CPU and wall time of building the frame from values_list tuples); elsewhere (SQLite) from the tuples.
    Text columns come back with "" for empty or null."""
    fields = list(schema)
    rows = queryset.values_list(*fields)
    if connection.vendor != "postgresql":
        frame = pl.DataFrame(list(rows), schema=schema, orient="row")
    else:
        sql, params = rows.query.sql_with_params()
        data = bytearray()
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT CSV)", params) as copy:
            while chunk := copy.read():
                data += chunk
        frame = pl.read_csv(bytes(data), has_header=False, schema=schema) if data else pl.DataFrame(schema=schema)
    text = [name for name, kind in schema.items() if kind == pl.String]
    return frame.with_columns(pl.col(text).fill_null("")) if text else frame


def scores_frame(round: Round, subjects: list[RoundSubject], schools: list[tuple[int, str, str]]) -> pl.DataFrame:
    """The engine's input for the round's subjects: one row per pupil score, school as its code."""
    names = {s.pk: s.name for s in subjects}
    raw = load_frame(StudentScore.objects.filter(round=round, subject_id__in=list(names)),
                     {"school_id": pl.Int64, "class_name": pl.String, "gender": pl.String, "subject_id": pl.Int64,
                      "score": pl.Float64})
    if raw.is_empty():
        return engine.empty_frame()
    codes = pl.DataFrame({"school_id": [s[0] for s in schools], "school": [s[1] for s in schools]},
                         schema={"school_id": pl.Int64, "school": pl.String})
    subject_names = pl.DataFrame({"subject_id": list(names), "subject": list(names.values())},
                                 schema={"subject_id": pl.Int64, "subject": pl.String})
    return (raw.join(codes, on="school_id", how="inner").join(subject_names, on="subject_id", how="inner")
            .select(list(engine.SCHEMA)))


def _clean_number(value):
    """None for NaN/±inf (JSON has no NaN); the value otherwise."""
    if isinstance(value, float) and not np.isfinite(value):
        return None
    return value


def _stats(row: dict | None, *, blank: bool, keys=STAT_KEYS) -> dict:
    """A stats row as a plain dict; n = 0 and empty figures when the group has no pupils; figures blanked (n kept)
    when the group is withheld from this reader. (The engine drops non-finite scores, so no NaN reaches here.)"""
    if row is None:
        return {**dict.fromkeys(keys), "n": 0, "withheld": True}
    withheld = bool(row.get("withheld", False))
    if withheld and blank:
        return {**dict.fromkeys(keys), "n": row["n"], "withheld": True}
    return {**{k: row.get(k) for k in keys}, "withheld": withheld}


def _blanked(table: pl.DataFrame, keys: list[str], *, blank: bool) -> pl.DataFrame:
    """The table's key columns, with every figure but n nulled in withheld rows when `blank` (school-facing)."""
    if not blank:
        return table
    return table.with_columns([pl.when(pl.col("withheld")).then(None).otherwise(pl.col(k)).alias(k)
                               for k in keys if k != "n"])


def _bands(table: pl.DataFrame) -> list[dict]:
    return [{"band": r["band"], "lower": r["lower"], "upper": r["upper"], "count": r["count"], "share": r["share"]}
            for r in table.iter_rows(named=True)]


def subject_results(round: Round, subject: RoundSubject, *, user, today: datetime.date | None = None) -> dict:
    """One subject of a round: the county's figures, every school's (or only the reader's own) and the county's
    score-band distribution. Schools of the round without scores appear with n = 0 (withheld)."""
    access = _access(round, user)
    _subject_or_404(round, subject, access, today)
    min_n = min_group_size(round.region_id)
    schools = _round_schools(round)
    frame = scores_frame(round, [subject], schools)
    lines = lines_of([subject])
    blank = not access.office
    county_rows = engine.county_stats(frame, lines).to_dicts()  # every pupil counts, withheld schools too
    county = _stats(county_rows[0] if county_rows else None, blank=False)
    county["withheld"] = county["n"] < min_n
    if county["withheld"] and blank:
        county = {**dict.fromkeys(STAT_KEYS), "n": county["n"], "withheld": True}
    keys = STAT_KEYS + GAP_KEYS
    table = _blanked(engine.school_table(frame, lines, min_n=min_n).select("school", *keys, "withheld"), keys,
                     blank=blank)
    by_code = {row.pop("school"): row for row in table.to_dicts()}
    empty = {**dict.fromkeys(keys), "n": 0, "withheld": True}
    rows = [{"id": school_id, "code": code, "name": name, **by_code.get(code, empty)}
            for school_id, code, name in schools if access.county_view or school_id in access.school_ids]
    bands = engine.band_distribution(frame, lines, []) if not (county["withheld"] and blank) else None
    return {
        "round": round.pk, "subject": subject_info(subject), "min_n": min_n,
        "view": "county" if access.county_view else "school",
        "county": county, "schools": rows, "bands": _bands(bands) if bands is not None else [],
    }


def _school_or_404(round: Round, school, access: Access) -> None:
    if access.county_view:
        if not RoundSchool.objects.filter(round=round, school=school).exists():
            raise Http404(NOT_FOUND)
    elif school.pk not in access.school_ids:
        raise Http404(NOT_FOUND)


def school_results(round: Round, school, *, user, today: datetime.date | None = None) -> dict:
    """One school of a round, per visible subject: its figures with the gap to the county, by class and by gender,
    its score bands next to the county's, and the county's figures."""
    access = _access(round, user)
    _school_or_404(round, school, access)
    subjects = round_subjects(round, user=user, today=today)
    min_n = min_group_size(round.region_id)
    schools = _round_schools(round)
    frame = scores_frame(round, subjects, schools)
    lines = lines_of(subjects)
    blank = not access.office
    mine = frame.filter(pl.col("school") == school.code)
    table = {r["subject"]: r for r in engine.school_table(frame, lines, min_n=min_n)
             .filter(pl.col("school") == school.code).iter_rows(named=True)}
    county = {r["subject"]: r for r in engine.county_stats(frame, lines).iter_rows(named=True)}
    classes = engine.group_stats(mine, lines, ["class_name"], min_n=min_n)
    genders = engine.group_stats(mine, lines, ["gender"], min_n=min_n)
    school_bands = engine.band_distribution(mine, lines, [])
    county_bands = engine.band_distribution(frame, lines, [])
    out = []
    for subject in subjects:
        own = _stats(table.get(subject.name), blank=blank, keys=STAT_KEYS + GAP_KEYS)
        name = pl.col("subject") == subject.name
        out.append({
            "subject": subject_info(subject),
            "school": own,
            "county": _stats(county.get(subject.name), blank=False),
            "classes": [{"class_name": r["class_name"], **_stats(r, blank=blank)}
                        for r in classes.filter(name).iter_rows(named=True)],
            "genders": [{"gender": r["gender"], **_stats(r, blank=blank)}
                        for r in genders.filter(name).iter_rows(named=True)],
            "bands": [] if own["withheld"] and blank else _bands(school_bands.filter(name)),
            "county_bands": _bands(county_bands.filter(name)),
        })
    return {"round": round.pk, "school": {"id": school.pk, "code": school.code, "name": school.name},
            "min_n": min_n, "view": "county" if access.county_view else "school", "subjects": out}


def _chronological(round: Round) -> tuple:
    return (round.year, 0 if round.term == Term.AUTUMN else 1, round.test_date, round.pk)


def school_trend(school, *, user, subject_name: str | None = None, today: datetime.date | None = None,
                 school_facing: bool = False) -> list[dict]:
    """The school across the rounds it was in and the reader may see results of (oldest first, per subject): n,
    mean, rates, the county's mean, the gap to it and the change since the school's previous round.
    `school_facing`: what the school itself may read (published rounds only, small groups withheld), for a
    document the office renders and the school downloads later (its report)."""
    scope = scope_for(user)
    county_code = school.region_id  # a town: its county's office and policies match it by code prefix
    office = holds_office(user, county_code)
    county_view = office or holds_role_in(user, county_code, Role.LEADER)
    if not county_view and school.pk not in scope.school_ids:
        raise Http404(NOT_FOUND)
    office = office and not school_facing
    rounds = list(rounds_visible(user).filter(round_schools__school=school).filter(
        status__in=[RoundStatus.SCORED, RoundStatus.PUBLISHED] if office else [RoundStatus.PUBLISHED]))
    rounds.sort(key=_chronological)
    day = _today(today)
    subjects_by_round: dict[int, list[RoundSubject]] = {r.pk: [] for r in rounds}
    for subject in RoundSubject.objects.filter(round__in=rounds).order_by("order", "id"):
        rnd = next(r for r in rounds if r.pk == subject.round_id)
        if (subject_name is None or subject.name == subject_name) and not _hidden(rnd, subject, county_view=county_view, today=day):
            subjects_by_round[rnd.pk].append(subject)
    min_n = min_group_size(county_code)
    frames = []
    for rnd in rounds:
        schools = _round_schools(rnd)
        frames.append((str(rnd.pk), scores_frame(rnd, subjects_by_round[rnd.pk], schools)))
    lines = {str(r.pk): lines_of(subjects_by_round[r.pk]) for r in rounds}
    table = engine.trend(frames, lines, min_n=min_n).filter(pl.col("school") == school.code)
    by_pk = {str(r.pk): r for r in rounds}
    keys = ["n", "mean", "sd", "pass_rate", "excellent_rate", "low_rate", "county_mean", "gap_mean", "change_mean",
            "change_pass_rate", "change_gap_mean"]
    out = []
    for row in table.iter_rows(named=True):
        rnd = by_pk[row["round"]]
        stats = _stats(row, blank=not office, keys=keys)
        if stats["withheld"] and not office:
            stats["county_mean"] = row["county_mean"]
        out.append({"round_id": rnd.pk, "round_title": rnd.title, "year": rnd.year, "term": rnd.term,
                    "term_label": rnd.get_term_display(), "grade": rnd.grade, "test_date": rnd.test_date,
                    "subject": row["subject"], **stats})
    return out


def _va_error(message: str) -> dict:
    return {"error": message}


def value_added(round: Round, subject: RoundSubject, *, user, method: str = "reml",
                covariates: tuple[str, ...] | list[str] | str = ("gender",), today: datetime.date | None = None) -> dict:
    """The value-added (增值评价) of a subject: the random-intercept model of score on prior attainment
    (StudentScore.prior) and the chosen covariates, per school its effect with interval and flag, and the simple
    residual method beside it. Pupils without a prior score are left out (said in the warnings); with the gender
    covariate (女 = 1, 男 = 0) so are pupils whose gender is blank. {"error": "…"} when it cannot be computed."""
    access = _access(round, user)
    _subject_or_404(round, subject, access, today)
    method = method.strip().lower() if isinstance(method, str) else ""
    if method not in METHODS:
        return _va_error("估计方法只能是 reml（限制性最大似然）或 ml（最大似然）。")
    if isinstance(covariates, str):  # "gender" or "gender,…" from a query string
        covariates = [c.strip() for c in covariates.split(",") if c.strip()]
    covariates = tuple(dict.fromkeys(str(c) for c in (covariates or ())))
    unknown = [c for c in covariates if c not in COVARIATES]
    if unknown:
        return _va_error(f"不支持的协变量：{'、'.join(map(str, unknown))}（可选：gender 性别）。")
    min_n = min_group_size(round.region_id)
    schools = _round_schools(round)
    codes = {school_id: code for school_id, code, _name in schools}
    names = {code: name for _id, code, name in schools}
    raw = load_frame(StudentScore.objects.filter(round=round, subject=subject),
                     {"school_id": pl.Int64, "score": pl.Float64, "prior": pl.Float64, "gender": pl.String})
    warnings: list[str] = []
    if raw.is_empty():
        return _va_error("该学科尚无学生成绩，无法计算增值评价。")
    codes_frame = pl.DataFrame({"school_id": list(codes), "school": list(codes.values())},
                               schema={"school_id": pl.Int64, "school": pl.String})
    # Sorted by school code, so the schools come out in code order (the engine keeps first appearance).
    data = (raw.join(codes_frame, on="school_id", how="inner")
            .filter(pl.col("score").is_not_null() & pl.col("score").is_not_nan())
            .with_columns(female=pl.col("gender").replace_strict({"女": 1.0, "男": 0.0}, default=None,
                                                                 return_dtype=pl.Float64))
            .sort("school", maintain_order=True))
    no_prior = data.filter(pl.col("prior").is_null() | pl.col("prior").is_nan()).height
    data = data.filter(pl.col("prior").is_not_null() & pl.col("prior").is_not_nan())
    if no_prior:
        warnings.append(f"{no_prior} 名学生没有前测成绩，未纳入增值评价。")
    if "gender" in covariates:
        no_gender = data.filter(pl.col("female").is_null()).height
        data = data.filter(pl.col("female").is_not_null())
        if no_gender:
            warnings.append(f"{no_gender} 名学生未填写性别，纳入性别协变量时未计入。")
    if data.is_empty():
        return _va_error("没有同时具有成绩和前测成绩的学生，无法计算增值评价。")
    extra = {"gender": data["female"].to_numpy()} if "gender" in covariates else None
    try:
        fitted = va.fit(data["score"].to_numpy(), data["prior"].to_numpy(), data["school"].to_numpy(),
                        covariates=extra, method=method, small_n=min_n)
    except va.ValueAddedError as exc:
        return _va_error(str(exc))
    ids = {code: school_id for school_id, code in codes.items()}
    shown = [e for e in fitted.schools if access.county_view or ids.get(e.group) in access.school_ids]
    return {
        "round": round.pk, "subject": subject_info(subject), "method": fitted.method,
        "method_label": METHODS.get(fitted.method, fitted.method), "covariates": list(covariates),
        "n_students": fitted.n_students, "n_schools": fitted.n_schools,
        "fixed": {k: _clean_number(float(v)) for k, v in fitted.fixed.items()},
        "fixed_se": {k: _clean_number(float(v)) for k, v in fitted.fixed_se.items()},
        "school_var": _clean_number(float(fitted.school_var)),
        "residual_var": _clean_number(float(fitted.residual_var)), "icc": _clean_number(float(fitted.icc)),
        "converged": fitted.converged, "warnings": warnings + list(fitted.warnings), "min_n": min_n,
        "view": "county" if access.county_view else "school",
        "schools": [_va_school(e, names, withheld=bool(e.small) and not access.office) for e in shown],
    }


VA_NUMBERS = ("effect", "se", "ci_low", "ci_high", "residual_mean", "shrinkage")


def _va_school(effect, names: dict, *, withheld: bool) -> dict:
    """One school's value-added; for readers other than the county's office a school under the minimum group size
    keeps its n but not its figures (as subject_results withholds them)."""
    row = {"code": effect.group, "name": names.get(effect.group, effect.group), "n": int(effect.n),
           **{k: None if withheld else _clean_number(float(getattr(effect, k))) for k in VA_NUMBERS},
           "flag": "withheld" if withheld else effect.flag, "small": bool(effect.small), "withheld": withheld}
    row["flag_label"] = "人数不足，不公布" if withheld else va.FLAG_LABELS.get(effect.flag, effect.flag)
    return row


def student_rows(round: Round, *, user) -> QuerySet[StudentScore]:
    """The pupil rows of a round (pseudonymous ids), for the county's office only; 404 for everyone else."""
    if not Round.objects.visible_to(user).filter(pk=round.pk).exists() or not _role_access(round, user).office:
        raise Http404(NOT_FOUND)
    return (StudentScore.objects.visible_to(user).filter(round=round).select_related("subject", "school")
            .order_by("school__code", "subject__order", "subject_id", "student"))
