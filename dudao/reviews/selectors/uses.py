"""Reads of reviews: the 结果运用 register (issue 21), scoped through visible_to(user).

The county's office and leaders read every use of the county; a using unit reads the uses it recorded or that name
it; a school or unit reads the uses of its own results."""

from django.db.models import Count, Q
from django.http import Http404

from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, region_prefix, scope_for
from dudao.regions.models import GovUnit
from dudao.reviews import results
from dudao.reviews.models import ResultReminder, ResultUse, UsePurpose
from dudao.reviews.services.uses import may_edit

SEARCH_MAX = 100
SECTION_MAX = 50  # uses shown on a profile page; the register has the rest


def _int(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and len(text) < 12 else None


def use_list(user, *, year: str = "", user_unit: str = "", purpose: str = "", kind: str = "", school: str = "",
             unit: str = "", q: str = ""):
    """The register, filtered: 运用年度 (the year of the use), using unit, purpose, result kind, whose result (school
    or unit), and a search over the result, the using unit's name, the decision and the 文号. Bad filter values
    match nothing rather than everything."""
    qs = ResultUse.objects.visible_to(user).select_related("region", "user_unit", "school", "unit", "document",
                                                           "recorded_by")
    for value, lookup in ((year, "used_on__year"), (user_unit, "user_unit_id"), (school, "school_id"),
                          (unit, "unit_id")):
        if str(value or "").strip():
            number = _int(value)
            # a year outside 1..9999 cannot be a date's year (the database refuses the range): nothing matches
            in_range = number is not None and (lookup != "used_on__year" or 1 <= number <= 9999)
            qs = qs.filter(**{lookup: number}) if in_range else qs.none()
    if purpose:
        qs = qs.filter(purpose=purpose) if purpose in UsePurpose.values else qs.none()
    if kind:
        qs = qs.filter(result_kind=kind) if kind in results.KINDS else qs.none()
    q = str(q or "").strip()[:SEARCH_MAX]
    if q:
        qs = qs.filter(Q(result_label__icontains=q) | Q(user_name__icontains=q) | Q(decision__icontains=q)
                       | Q(document_number__icontains=q))
    return qs.order_by("-used_on", "-id")


def use_years(user) -> list[int]:
    return sorted({d.year for d in ResultUse.objects.visible_to(user).dates("used_on", "year")}, reverse=True)


def using_units(user) -> list[tuple[int, str]]:
    """Using units that appear in the uses the user sees (the filter's choices)."""
    rows = (ResultUse.objects.visible_to(user).filter(user_unit__isnull=False).values_list("user_unit_id",
                                                                                           "user_unit__name")
            .distinct().order_by("user_unit__name"))
    return list(rows)


def get_use_for(user, pk) -> ResultUse:
    return get_visible_or_404(ResultUse.objects.select_related(
        "region", "user_unit", "school", "unit", "document", "recorded_by", "updated_by"), user, pk=pk)


def get_use_for_edit(user, pk) -> ResultUse:
    """A use the user may change (the recorder, the office); any other is the same 404 as a missing one."""
    use = get_use_for(user, pk)
    if not may_edit(user, use):
        raise Http404("未找到该对象，或您无权查看。")
    return use


def is_office_of(user, region_code: str) -> bool:
    return scope_for(user).holds(region_code, Role.OFFICE)


def can_record(user) -> bool:
    """Office staff, and unit users (who record as their own unit)."""
    return bool(results.office_counties(user) or results.own_units(user))


def unit_choices(user) -> list[GovUnit]:
    """Using units the user may name: every unit of the counties they are office for; else their own units."""
    prefixes = results.office_counties(user)
    if prefixes:
        q = Q(pk__in=[])
        for prefix in prefixes:
            q |= Q(region__code__startswith=prefix)
        return list(GovUnit.objects.filter(q).select_related("region").order_by("region_id", "code")[:500])
    return results.own_units(user)


def owner_uses(user, *, school=None, unit=None):
    """The uses of a school's or a unit's results the user may see (the profile pages' section)."""
    qs = ResultUse.objects.visible_to(user).select_related("user_unit", "document")
    qs = qs.filter(school=school) if school is not None else qs.filter(unit=unit)
    return qs.order_by("-used_on", "-id")


def result_uses(user, *, kind: str, result_id):
    """The uses of one result that the user may see, newest first."""
    return (ResultUse.objects.visible_to(user).filter(result_kind=kind, result_id=str(result_id))
            .order_by("-used_on", "-id"))


def open_reminders(user):
    """Failing results the office was reminded of that still have no use (the register's 待登记 card)."""
    prefixes = results.office_counties(user)
    if not prefixes:
        return []
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(region__code__startswith=prefix)
    rows = list(ResultReminder.objects.filter(q).order_by("issued_on", "id")[:200])
    used = set(ResultUse.objects.filter(result_id__in={r.result_id for r in rows}).values_list("result_kind",
                                                                                               "result_id"))
    return [r for r in rows if (r.result_kind, r.result_id) not in used]


def annual_groups(user, year: int) -> list[dict]:
    """Per using unit, how many uses it made in the year, by purpose (the annual export's index)."""
    rows = (ResultUse.objects.visible_to(user).filter(used_on__year=year)
            .values("user_unit_id", "user_name", "purpose").annotate(n=Count("id")).order_by("user_name"))
    groups: dict[tuple, dict] = {}
    labels = dict(UsePurpose.choices)
    for row in rows:
        group = groups.setdefault((row["user_unit_id"], row["user_name"]), {
            "unit_id": row["user_unit_id"], "name": row["user_name"], "total": 0, "purposes": {}})
        group["total"] += row["n"]
        group["purposes"][labels.get(row["purpose"], row["purpose"])] = row["n"]
    return list(groups.values())


def annual_uses(user, year: int, *, unit_id: int | None, name: str):
    """One using unit's uses of the year: by its unit id, or (a body named in words) by its name."""
    qs = use_list(user).filter(used_on__year=year)
    qs = qs.filter(user_unit_id=unit_id) if unit_id is not None else qs.filter(user_unit__isnull=True,
                                                                                  user_name=name)
    return qs.order_by("used_on", "id")


def counts(reader, region_code: str, start, end) -> dict:
    """Uses in the region subtree dated in [start, end], by purpose and by using unit (the year figures)."""
    qs = ResultUse.objects.visible_to(reader).filter(region__code__startswith=region_prefix(region_code),
                                                     used_on__gte=start, used_on__lte=end)
    labels = dict(UsePurpose.choices)
    by_purpose = [(str(labels.get(r["purpose"], r["purpose"])), r["n"]) for r in
                  qs.values("purpose").annotate(n=Count("id")).order_by("-n", "purpose")]
    by_unit = [(r["user_name"], r["n"]) for r in qs.values("user_name").annotate(n=Count("id")).order_by(
        "-n", "user_name")]
    return {"total": sum(n for _label, n in by_purpose), "by_purpose": by_purpose, "by_unit": by_unit}
