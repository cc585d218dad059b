"""Reads of reviews: committee (issue 21), scoped through visible_to(user).

The committee of a county is read by the county's office and leaders (and those above); a member unit's own users
read their own entry and its duties (本单位职责). Anything else is the same 404 as a missing page."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, holds_role_in, scope_for
from dudao.frameworks.models import Framework, FrameworkKind
from dudao.inspections.models import InspectionKind, InspectionStage, Target
from dudao.planning.models import Meeting, MeetingKind
from dudao.regions.models import GovUnit, Region, RegionLevel, UnitKind
from dudao.reviews import coverage as engine
from dudao.reviews.models import Committee, CommitteeMember, MemberDuty, MemberRole, Rater, Reporter

MEMBER_KINDS = (UnitKind.DEPARTMENT, UnitKind.TOWN_GOV, UnitKind.SUBDISTRICT)
# A unit reads its 督政 results once the opinions are issued; the office reads them as they are computed.
RESULT_STAGES = (InspectionStage.ISSUED, InspectionStage.RECTIFYING, InspectionStage.RECHECKED,
                 InspectionStage.ARCHIVED)
RESULTS_SHOWN = 5


def is_office(user, committee: Committee) -> bool:
    return holds_role_in(user, committee.region_id, Role.OFFICE)


def readable_counties(user) -> QuerySet[Region]:
    """Counties whose committee the user may read as office or leader (administrators: every county)."""
    scope = scope_for(user)
    counties = Region.objects.filter(level=RegionLevel.COUNTY)
    if scope.everything:
        return counties
    q = Q(pk__in=[])
    for role, prefix in scope.role_prefixes:
        if role in (Role.OFFICE, Role.LEADER):
            q |= Q(code__startswith=prefix)
    return counties.filter(q)


def county_for(user, code: str = "") -> Region | None:
    """The county asked for (by code) or the user's first one; None when the user reads no county."""
    counties = readable_counties(user).order_by("code")
    return (counties.filter(code=code).first() if code else None) or counties.first()


def committee_of(user, county: Region) -> Committee | None:
    return Committee.objects.visible_to(user).filter(region=county).select_related("region", "rules_file").first()


def get_committee_for(user, pk) -> Committee:
    committee = get_visible_or_404(Committee.objects.select_related("region", "rules_file"), user, pk=pk)
    if not readable_counties(user).filter(pk=committee.region_id).exists():
        raise Http404  # a unit user reaches its own entry, never the whole committee
    return committee


def members(committee: Committee, *, q: str = "", role: str = "", active: str = "") -> QuerySet[CommitteeMember]:
    rows = committee.members.select_related("unit").annotate(duty_count=Count("duties"))
    if q:
        rows = rows.filter(Q(unit__name__icontains=q) | Q(representative__icontains=q) | Q(post__icontains=q))
    if role in MemberRole.values:
        rows = rows.filter(role=role)
    if active in ("1", "0"):
        rows = rows.filter(active=active == "1")
    return rows.order_by("position", "id")


def get_member_for(user, pk) -> CommitteeMember:
    return get_visible_or_404(CommitteeMember.objects.select_related("committee__region", "unit"), user, pk=pk)


def get_duty_for(user, pk) -> MemberDuty:
    return get_visible_or_404(MemberDuty.objects.select_related("member__committee", "framework"), user, pk=pk)


def own_members(user) -> QuerySet[CommitteeMember]:
    """The member entries of the user's own units (本单位职责), with their duties."""
    unit_ids = scope_for(user).unit_ids
    return (CommitteeMember.objects.filter(unit_id__in=unit_ids).select_related("committee__region", "unit")
            .prefetch_related(Prefetch("duties", _with_framework(MemberDuty.objects.order_by("position", "id"))))
            .order_by("committee__region_id", "id"))


def _with_framework(duties: QuerySet[MemberDuty]) -> QuerySet[MemberDuty]:
    """Duties with their framework's name and version, not its definition (a large JSON tree, read once per
    framework by names_by_framework)."""
    return duties.select_related("framework").defer("framework__definition")


def names_by_framework(duties) -> dict[int, dict[str, str]]:
    """framework id → {check point code: name}, for the frameworks the duties are linked to (one query)."""
    ids = {d.framework_id for d in duties if d.framework_id}
    return {pk: point_names(f) for pk, f in Framework.objects.in_bulk(ids).items()} if ids else {}


def with_points(duties: list[MemberDuty]) -> list[MemberDuty]:
    """Each duty gets `points`: (code, name) of its linked check points ("" for a code the framework lost)."""
    names = names_by_framework(duties)
    for duty in duties:
        labels = names.get(duty.framework_id, {})
        duty.points = [(code, labels.get(code, "")) for code in duty.item_codes or []]
    return duties


def member_duties(member: CommitteeMember) -> list[MemberDuty]:
    return with_points(list(_with_framework(member.duties.all()).order_by("position", "id")))


def unit_choices(committee: Committee) -> QuerySet[GovUnit]:
    """Departments and towns of the committee's county: the units that may be members."""
    return GovUnit.objects.filter(region__code__startswith=committee.region_id, kind__in=MEMBER_KINDS).order_by(
        "kind", "code")


def free_units(committee: Committee) -> QuerySet[GovUnit]:
    return unit_choices(committee).exclude(pk__in=committee.members.values("unit_id"))


def framework_regions(county_code: str) -> list[str]:
    """The county and the regions above it: a 督政 framework of any of them may check the members' duties."""
    return list(dict.fromkeys([county_code, county_code[:4] + "00", county_code[:2] + "0000"]))


def duzheng_frameworks(committee: Committee) -> QuerySet[Framework]:
    return Framework.objects.filter(kind=FrameworkKind.DUZHENG, region__code__in=framework_regions(
        committee.region_id)).select_related("region").order_by("-status", "-created_at", "-id")


def pick_framework(committee: Committee, pk: str = "") -> Framework | None:
    frameworks = duzheng_frameworks(committee)
    if str(pk).isdecimal() and len(str(pk)) < 12:
        found = frameworks.filter(pk=int(pk)).first()
        if found is not None:
            return found
    # by default the framework most of the committee's duties are linked to
    used = (MemberDuty.objects.filter(member__committee=committee, framework__isnull=False).values("framework_id")
            .annotate(n=Count("id")).order_by("-n", "-framework_id").values_list("framework_id", flat=True).first())
    return (frameworks.filter(pk=used).first() if used else None) or frameworks.first()


def points_of(framework: Framework | None) -> list[engine.Point]:
    return engine.leaf_points(framework.definition) if framework else []


def point_groups(framework: Framework | None) -> list[tuple[str, list[engine.Point]]]:
    """Check points grouped under their path (area · key indicator), for the duty form's choices."""
    groups: dict[str, list[engine.Point]] = {}
    for point in points_of(framework):
        groups.setdefault(" · ".join(point.path) or "考查要点", []).append(point)
    return list(groups.items())


def point_names(framework: Framework | None) -> dict[str, str]:
    return {p.code: p.name for p in points_of(framework)}


def committee_coverage(committee: Committee, framework: Framework) -> engine.Coverage:
    """Coverage of one framework by the active members' duties linked to it."""
    duties = (MemberDuty.objects.filter(member__committee=committee, member__active=True, framework=framework)
              .select_related("member__unit").order_by("member__position", "member_id", "position", "id"))
    return engine.coverage(points_of(framework), ((d.member.unit.name, d.item_codes or []) for d in duties))


def duty_rows(committee: Committee) -> list[dict]:
    """The 成员单位职责清单: one row per duty of the active members, in the members' order."""
    duties = with_points(list(_with_framework(MemberDuty.objects.filter(
        member__committee=committee, member__active=True)).select_related("member__unit").order_by(
        "member__position", "member_id", "position", "id")))
    return [{"member": duty.member, "duty": duty, "points": [f"{code} {name}".strip() for code, name in duty.points]}
            for duty in duties]


def committee_meetings(user, committee: Committee, limit: int = 20) -> list[Meeting]:
    return list(Meeting.objects.visible_to(user).filter(region_id=committee.region_id, kind=MeetingKind.COMMITTEE)
                .order_by("-starts_at", "-id")[:limit])


def unit_results(user, member: CommitteeMember) -> list[Target]:
    """The member unit's latest 督政 results (score, level) that the user may read."""
    targets = Target.objects.filter(unit_id=member.unit_id, inspection__kind=InspectionKind.DUZHENG,
                                    computed_at__isnull=False)
    if not holds_role_in(user, member.committee.region_id, Role.OFFICE, Role.LEADER):
        targets = targets.filter(inspection__stage__in=RESULT_STAGES)
    return list(targets.select_related("inspection").order_by("-inspection__starts_on", "-id")[:RESULTS_SHOWN])


def member_references(member: CommitteeMember) -> dict[str, int]:
    """What still refers to a member entry (it may not be deleted while any does)."""
    region = member.committee.region_id
    return {"duties": member.duties.count(),
            "reporters": Reporter.objects.filter(unit_id=member.unit_id, session__region_id=region).count(),
            "raters": Rater.objects.filter(unit_id=member.unit_id, session__region_id=region).count()}
