"""Reads of projects (帮扶项目, issue 21 item 5), scoped through visible_to(user): the list, a project, and each
member school's figures at the start and the end of the period — annual statistics (monitoring), quality
monitoring (quality), satisfaction (surveys) — read through those apps' selectors. A figure that is missing is
None (shown 无数据), never 0."""

from django.db.models import Count, Q
from django.http import Http404

from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, holds_role_in
from dudao.monitoring.models import SchoolStats
from dudao.quality.selectors import school_trend
from dudao.schools.models import Project, ProjectMember
from dudao.surveys.selectors import school_rounds


def project_list(user, *, year: str = "", project_type: str = "", q: str = ""):
    projects = (Project.objects.visible_to(user).select_related("region", "contact")
                .annotate(member_count=Count("members")).order_by("-starts_on", "-id"))
    if year.isdecimal() and len(year) == 4:
        projects = projects.filter(starts_on__year__lte=int(year), ends_on__year__gte=int(year))
    if project_type:
        projects = projects.filter(project_type=project_type)
    if q:
        projects = projects.filter(Q(name__contains=q[:64]) | Q(members__school__name__contains=q[:64])).distinct()
    return projects


def project_years(user) -> list[int]:
    spans = Project.objects.visible_to(user).values_list("starts_on__year", "ends_on__year")
    return sorted({y for start, end in spans for y in range(start, end + 1)}, reverse=True)[:30]


def project_for(user, pk: int) -> Project:
    return get_visible_or_404(Project.objects.select_related("region", "contact"), user, pk=pk)


def may_edit(user, project: Project) -> bool:
    return holds_role_in(user, project.region_id, Role.OFFICE)


def members_of(project: Project) -> list[ProjectMember]:
    return list(project.members.select_related("school", "school__region").order_by("id"))


def _pick(years: list[int], start: int, end: int) -> tuple[int | None, int | None]:
    """The baseline (the latest year at or before the start, else the first in the period) and the end figure
    (the latest year at or before the end, after the baseline): either may be None."""
    before = [y for y in years if y <= start]
    inside = [y for y in years if start < y <= end]
    first = max(before) if before else (min(inside) if inside else None)
    later = [y for y in inside if first is None or y > first]
    return first, (max(later) if later else None)


def _stats_rows(user, schools, start: int, end: int) -> dict[int, list[dict]]:
    by_school: dict[int, dict[int, SchoolStats]] = {}
    for row in SchoolStats.objects.visible_to(user).filter(school__in=schools).only(
            "school_id", "year", "students_primary", "students_junior", "students_senior", "qualified_teachers",
            "backbone_teachers"):
        by_school.setdefault(row.school_id, {})[row.year] = row
    out = {}
    for school in schools:
        years = by_school.get(school.pk, {})
        a, b = _pick(sorted(years), start, end)
        first, last = years.get(a), years.get(b)

        def figure(get, first=first, last=last):
            return (get(first) if first else None, get(last) if last else None)

        out[school.pk] = [
            {"label": "在校生数", "years": (a, b),
             "values": figure(lambda s: s.students_primary + s.students_junior + s.students_senior)},
            {"label": "高于规定学历教师数", "years": (a, b), "values": figure(lambda s: s.qualified_teachers)},
            {"label": "县级及以上骨干教师数", "years": (a, b), "values": figure(lambda s: s.backbone_teachers)},
        ]
    return out


def _quality_rows(user, school, start: int, end: int) -> list[dict]:
    try:
        trend = school_trend(school, user=user)
    except Http404:
        trend = []
    rounds: dict[int, tuple] = {}
    for row in trend:
        rounds.setdefault(row["round_id"], (row["year"], row["round_title"], []))[2].append(row)
    years = sorted({y for y, _t, _r in rounds.values()})
    a, b = _pick(years, start, end)

    def latest(year):
        chosen = [r for r in rounds.values() if r[0] == year]
        return chosen[-1] if chosen else None

    first, last = latest(a) if a else None, latest(b) if b else None
    subjects = list(dict.fromkeys(r["subject"] for part in (first, last) if part for r in part[2]))
    out = []
    for subject in subjects:
        def pick(part, key, subject=subject):
            if part is None:
                return None
            row = next((r for r in part[2] if r["subject"] == subject), None)
            return None if row is None else row.get(key)
        out.append({"label": f"学业质量·{subject}", "years": (a, b),
                    "rounds": (first[1] if first else "", last[1] if last else ""),
                    "values": ((pick(first, "mean"), pick(first, "pass_rate")),
                               (pick(last, "mean"), pick(last, "pass_rate"))), "kind": "quality"})
    if not out:
        out.append({"label": "学业质量", "years": (None, None), "values": (None, None), "kind": "quality"})
    return out


def _survey_row(user, school, start: int, end: int) -> dict:
    rounds = [r for r in school_rounds(user, school)]
    by_year: dict[int, dict] = {}
    for r in sorted(rounds, key=lambda r: r["round"].year):
        by_year.setdefault(r["round"].year, r)
    a, b = _pick(sorted(by_year), start, end)

    def rate(year):
        row = by_year.get(year) if year else None
        return None if row is None or row["withheld"] else row["rate"]

    return {"label": "满意度", "years": (a, b), "values": (rate(a), rate(b)), "kind": "rate"}


def member_figures(user, project: Project, members: list[ProjectMember] | None = None) -> list[dict]:
    """For each member: its role and figure rows (label, years (start, end), values (start, end))."""
    members = members_of(project) if members is None else members
    start, end = project.starts_on.year, project.ends_on.year
    schools = [m.school for m in members]
    stats = _stats_rows(user, schools, start, end)
    out = []
    for member in members:
        school = member.school
        rows = [*stats[school.pk], *_quality_rows(user, school, start, end), _survey_row(user, school, start, end)]
        for row in rows:
            row["cells"] = tuple(_shown(row.get("kind", "count"), v) for v in row["values"])
            row["year_labels"] = tuple(f"{y}年" if y else "" for y in row["years"])
        out.append({"member": member, "school": school, "rows": rows})
    return out


NO_DATA = "无数据"


def _shown(kind: str, value) -> str:
    """A figure as shown: missing is 无数据, never 0."""
    if kind == "quality":
        mean, passed = value if value else (None, None)
        if mean is None and passed is None:
            return NO_DATA
        return (f"均分 {mean:.1f}" if mean is not None else "均分无数据") + (
            f"，合格率 {passed:.1f}%" if passed is not None else "")
    if value is None:
        return NO_DATA
    if kind == "rate":
        return f"{float(value) * 100:.1f}%"
    return f"{float(value):g}"


