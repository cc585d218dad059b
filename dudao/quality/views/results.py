"""Results pages (issue 19 item 5): the county dashboard of a round and subject (figures, score bands, the school
table, value-added caterpillar and quadrant charts, the residual method side by side), its Excel export, and the
school profile's 学业质量监测 section with its own export.

Everything is read through `dudao.quality.selectors`, which scopes it: a school user sees only its own school,
and only once the round is published; the office and leaders see every school from the moment scores exist."""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from dudao.core.listing import xlsx_sheets_response
from dudao.core.models import Role
from dudao.core.scope import get_visible_or_404, holds_role_in
from dudao.quality import selectors
from dudao.quality.models import Round, RoundStatus, RoundSubject, StudentScore
from dudao.schools.models import School

METHODS = {"reml": "限制性极大似然（REML）", "ml": "极大似然（ML）"}
NOT_SCORED = "尚未导入成绩"
NOT_PUBLISHED = "结果未发布"


def office_view(user, round_: Round) -> bool:
    """The county's office (and administrators) see every school's results, withheld groups included, from the
    moment scores exist; everyone else (leaders too) once the round is published (as the selectors decide)."""
    return holds_role_in(user, round_.region_id, Role.OFFICE)


def county_view(user, round_: Round) -> bool:
    """The office and the county's leaders read the whole county; school-facing users only their own schools."""
    return holds_role_in(user, round_.region_id, Role.OFFICE, Role.LEADER)


def visible_round(request, pk: int) -> Round:
    return get_visible_or_404(Round.objects.select_related("region"), request.user, pk=pk)


def pick_subject(subjects: list[RoundSubject], name: str) -> RoundSubject | None:
    """The subject named (a school user never gets a drawn subject before the test date: it is not in the list)."""
    name = (name or "").strip()
    if not name:
        return subjects[0] if subjects else None
    return next((s for s in subjects if s.name == name), None)


def availability(user, round_: Round, subject: RoundSubject | None) -> str:
    """Empty states that tell the truth: "" when results can be shown, else why not."""
    office = office_view(user, round_)
    if not office and round_.status != RoundStatus.PUBLISHED:
        return NOT_PUBLISHED
    if subject is None or round_.status == RoundStatus.PLANNED:
        return NOT_SCORED
    if not StudentScore.objects.filter(round=round_, subject=subject).exists():
        return NOT_SCORED
    return ""


def clean(value):
    """JSON-safe and display-safe numbers: NaN and infinities (an SD of one pupil) become None."""
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    return value


def _rounded(value, digits: int = 2):
    return None if value is None else round(value, digits)


def short_name(name: str, county: str = "", width: int = 8) -> str:
    """A school's name for a chart label: without the county's name in front (清河县城关中学 → 城关中学),
    at most `width` characters."""
    for prefix in (county, county[:-1] if len(county) > 2 else ""):
        if prefix and name.startswith(prefix) and len(name) - len(prefix) >= 2:
            name = name[len(prefix):]
            break
    return name if len(name) <= width else name[:width - 1] + "…"


def chart_data(results: dict, va: dict, county: str = "") -> dict:
    """What the charts draw (through json_script, so a school name cannot break out of the page)."""
    bands = [{"band": b["band"], "count": b["count"], "share": _rounded(b.get("share"), 2)}
             for b in results.get("bands", [])]
    data: dict = {"bands": bands, "va": [], "quadrant": [],
                  "flags": {s["flag"]: s["flag_label"] for s in (va or {}).get("schools", [])}}
    if va and not va.get("error"):
        gaps = {s["code"]: s.get("gap_mean") for s in results.get("schools", [])}
        effects = sorted(va["schools"], key=lambda s: (s["effect"] is None, s["effect"]))
        data["va"] = [{"code": s["code"], "name": s.get("name", s["code"]), "n": s["n"],
                       "effect": _rounded(s["effect"], 3), "low": _rounded(s["ci_low"], 3),
                       "high": _rounded(s["ci_high"], 3), "flag": s["flag"], "small": s.get("small", False)}
                      for s in effects if s["effect"] is not None]
        data["quadrant"] = [{"code": s["code"], "name": s.get("name", s["code"]), "n": s["n"],
                             "short": short_name(s.get("name", s["code"]), county),
                             "x": _rounded(gaps[s["code"]], 2), "y": _rounded(s["effect"], 3), "flag": s["flag"]}
                            for s in va["schools"] if gaps.get(s["code"]) is not None and s["effect"] is not None]
    return data


def dashboard_context(request, round_: Round) -> dict:
    user = request.user
    subjects = selectors.round_subjects(round_, user=user)
    subject = pick_subject(subjects, request.GET.get("subject", ""))
    if request.GET.get("subject") and subject is None:
        raise Http404("该轮次没有这一学科，或尚未公布。")
    method = request.GET.get("method", "reml")
    if method not in METHODS:
        messages.error(request, "估计方法只能是 REML 或 ML，已按 REML 计算。")
        method = "reml"
    with_gender = request.GET.get("gender") == "1"
    office = office_view(user, round_)
    context = {"county_view": county_view(user, round_), "round": round_, "subjects": subjects, "subject": subject, "method": method, "methods": METHODS,
               "with_gender": with_gender, "office": office, "empty": availability(user, round_, subject)}
    if context["empty"]:
        return context
    results = clean(selectors.subject_results(round_, subject, user=user))
    va = clean(selectors.value_added(round_, subject, user=user, method=method,
                                     covariates=("gender",) if with_gender else ()))
    context.update(results=results, county=results["county"], schools=results["schools"], va=va,
                   charts=chart_data(results, va, round_.region.name), va_height=max(240, 22 * len(va.get("schools", [])) + 72))
    context["cards"], context["own"] = figure_cards(results, county=context["county_view"], office=office)
    context["va_needs_prior"] = "前测" in va.get("error", "")
    context["icc_percent"] = None if va.get("icc") is None else va["icc"] * 100
    return context


CARDS = [("参测学生", "n", "人", "0"), ("平均分", "mean", "分", "1"), ("标准差", "sd", "分", "1"),
         ("合格率", "pass_rate", "%", "1"), ("优秀率", "excellent_rate", "%", "1"), ("低分率", "low_rate", "%", "1")]


def figure_cards(results: dict, *, county: bool, office: bool) -> tuple[list[dict], dict | None]:
    """The six figure cards: the county's figures, and beside them the school's own when the viewer reads one
    school (a principal), unless the school is too small to publish. Returns the cards and that school's row."""
    schools = results.get("schools", [])
    own = schools[0] if not county and len(schools) == 1 else None
    if own is not None and own.get("withheld") and not office:
        own = None
    cards = [{"label": label, "unit": unit, "digits": digits, "county": results["county"].get(key),
              "own": None if own is None else own.get(key)} for label, key, unit, digits in CARDS]
    return cards, own


@login_required
def results(request, pk: int):
    """The county dashboard of one round and subject (`?subject=` 学科名, `?method=reml|ml`, `?gender=1`)."""
    round_ = visible_round(request, pk)
    return render(request, "quality/results.html", dashboard_context(request, round_))


def _percent(key: str):
    return lambda row: _rounded(row.get(key), 2)


SCHOOL_COLUMNS = [
    ("学校标识码", lambda r: r["code"]), ("学校", lambda r: r.get("name", "")), ("人数", lambda r: r["n"]),
    ("平均分", _percent("mean")), ("标准差", _percent("sd")), ("合格率（%）", _percent("pass_rate")),
    ("优秀率（%）", _percent("excellent_rate")), ("低分率（%）", _percent("low_rate")),
    ("下四分位数", _percent("q1")), ("中位数", _percent("median")), ("上四分位数", _percent("q3")),
    ("与全区平均分之差", _percent("gap_mean")), ("人数不足、不向学校公布", lambda r: bool(r.get("withheld"))),
]
VA_COLUMNS = [
    ("学校标识码", lambda r: r["code"]), ("学校", lambda r: r.get("name", "")), ("人数", lambda r: r["n"]),
    ("增值（校效应）", lambda r: _rounded(r["effect"], 4)), ("标准误", lambda r: _rounded(r["se"], 4)),
    ("95%区间下限", lambda r: _rounded(r["ci_low"], 4)), ("95%区间上限", lambda r: _rounded(r["ci_high"], 4)),
    ("结论", lambda r: r.get("flag_label") or r["flag"]),
    ("简单残差均值", lambda r: _rounded(r.get("residual_mean"), 4)),
    ("收缩系数", lambda r: _rounded(r.get("shrinkage"), 4)), ("小样本学校", lambda r: bool(r.get("small"))),
]


@login_required
def results_export(request, pk: int):
    """Every table of the dashboard as a workbook: the county figures, the school table, the score bands and
    value-added (with the residual method), for the subject asked for."""
    round_ = visible_round(request, pk)
    context = dashboard_context(request, round_)
    if context["empty"]:
        raise Http404(context["empty"])
    subject = context["subject"]
    county = context["county"]
    sheets = [
        ("全区", [("学科", lambda _r: subject.name), ("人数", lambda r: r.get("n")), ("平均分", _percent("mean")),
                  ("标准差", _percent("sd")), ("合格率（%）", _percent("pass_rate")),
                  ("优秀率（%）", _percent("excellent_rate")), ("低分率（%）", _percent("low_rate"))], [county]),
        ("学校", SCHOOL_COLUMNS, context["schools"]),
        ("分数段", [("分数段", lambda r: r["band"]), ("人数", lambda r: r["count"]),
                    ("占比（%）", lambda r: _rounded(r.get("share"), 2))],
         context["results"].get("bands", [])),
    ]
    va = context["va"]
    if va.get("error"):
        sheets.append(("增值评价", [("说明", lambda r: r)], [va["error"]]))
    else:
        sheets.append(("增值评价", VA_COLUMNS, va["schools"]))
        sheets.append(("模型参数", [("项目", lambda r: r[0]), ("数值", lambda r: r[1])], _model_rows(va)))
    return xlsx_sheets_response(f"{round_.title}{subject.name}监测结果", sheets)


def _model_rows(va: dict) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [("估计方法", METHODS.get(va["method"], va["method"])),
                                      ("学生数", va["n_students"]), ("学校数", va["n_schools"])]
    rows += [(f"固定效应：{k}", _rounded(v, 6)) for k, v in va["fixed"].items()]
    rows += [("校间方差", _rounded(va["school_var"], 6)), ("校内（残差）方差", _rounded(va["residual_var"], 6)),
             ("组内相关系数（ICC）", _rounded(va["icc"], 6))]
    return rows


# --- the school profile's section -------------------------------------------------------------------------


def _round_part(request, round_: Round, school: School, office: bool) -> dict | None:
    """One round's tables for the school: per subject its figures, by class and gender, and its value-added."""
    user = request.user
    try:
        results = clean(selectors.school_results(round_, school, user=user))
    except Http404:
        return None
    subjects = {s.pk: s for s in selectors.round_subjects(round_, user=user)}
    rows = []
    for part in results["subjects"]:
        subject = subjects.get(part["subject"]["id"])
        if subject is None or not part["school"]["n"]:
            continue
        va = clean(selectors.value_added(round_, subject, user=user, covariates=()))
        own = None if va.get("error") else next((s for s in va["schools"] if s["code"] == school.code), None)
        rows.append({"subject": subject, "results": part, "va": own, "va_error": va.get("error", "")})
    return {"round": round_, "subjects": rows, "office": office, "hide": not office} if rows else None


def school_section(request, school: School) -> dict:
    """The 学业质量监测 section of the school profile (registered as a page section of dashboard.school_detail):
    the latest round's results by subject, class and gender with the school's value-added (interval and flag),
    links to the earlier rounds, and the trend across rounds. School users: published rounds only, small groups
    withheld. Only the latest round is computed in full, so the profile costs one round whatever the history."""
    user = request.user
    rounds = list(selectors.rounds_visible(user).filter(round_schools__school=school).exclude(
        status=RoundStatus.PLANNED).distinct().order_by("-year", "-term", "-test_date", "-id"))
    readable = [(r, office_view(user, r)) for r in rounds]
    readable = [(r, office) for r, office in readable if office or r.status == RoundStatus.PUBLISHED]
    latest, earlier = None, []
    for round_, office in readable:
        if latest is None:
            latest = _round_part(request, round_, school, office)
            if latest is not None:
                continue
        earlier.append(round_)
    if latest is None:
        return {"quality_section": None}
    try:
        trend = clean(selectors.school_trend(school, user=user))
    except Http404:
        trend = []
    chart = [{"round": t["round_title"], "subject": t["subject"], "mean": t["mean"]} for t in trend]
    return {"quality_section": {"rounds": [latest], "earlier": earlier, "trend": trend, "school": school,
                                "charts": {"trend": chart}, "trend_rounds": len({t["round_id"] for t in trend})}}


def _school_or_404(request, round_: Round) -> School:
    code = request.GET.get("school", "").strip()
    school = School.objects.visible_to(request.user).filter(code=code).first() if code else None
    if school is None or not round_.round_schools.filter(school=school).exists():
        raise Http404("该学校不在本轮监测中，或您无权查看。")
    return school


@login_required
def school_export(request, pk: int):
    """One school's tables of a round (`?school=` 学校标识码): by subject, by class and by gender, and its
    value-added per subject."""
    round_ = visible_round(request, pk)
    school = _school_or_404(request, round_)
    if not office_view(request.user, round_) and round_.status != RoundStatus.PUBLISHED:
        raise Http404(NOT_PUBLISHED)
    results = clean(selectors.school_results(round_, school, user=request.user))
    subjects = {s.pk: s for s in selectors.round_subjects(round_, user=request.user)}
    rows, classes, genders, vas = [], [], [], []
    for part in results["subjects"]:
        subject = subjects.get(part["subject"]["id"])
        if subject is None:
            continue
        rows.append({"subject": subject.name, "code": school.code, **part["school"]})
        classes += [{"subject": subject.name, **c} for c in part["classes"]]
        genders += [{"subject": subject.name, **g} for g in part["genders"]]
        if part["school"]["n"]:
            va = clean(selectors.value_added(round_, subject, user=request.user, covariates=()))
            vas += [{"subject": subject.name, **s} for s in va.get("schools", []) if s["code"] == school.code]

    def stats(first: tuple[str, str]):
        title, key = first
        return [("学科", lambda r: r["subject"]), (title, lambda r: r.get(key, "")), ("人数", lambda r: r.get("n")),
                ("平均分", _percent("mean")), ("标准差", _percent("sd")), ("合格率（%）", _percent("pass_rate")),
                ("优秀率（%）", _percent("excellent_rate")), ("低分率（%）", _percent("low_rate")),
                ("人数不足、不公布", lambda r: bool(r.get("withheld")))]

    return xlsx_sheets_response(f"{round_.title}{school.name}监测结果", [
        ("学校", stats(("学校标识码", "code")), rows),
        ("班级", stats(("班级", "class_name")), classes),
        ("性别", stats(("性别", "gender")), genders),
        ("增值评价", [("学科", lambda r: r["subject"]), *VA_COLUMNS], vas),
    ])
