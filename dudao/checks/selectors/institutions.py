"""institutions reads (issue 23): the 民办学校/幼儿园 and 校外培训机构 of a user's scope with their registry fields
(schools.InstitutionProfile), licence state, latest 年检 result, open violations and the office's flags.

A list row is one School annotated in SQL (latest reviewed 年检 result and year, number of 不合格 results, open
violations), so the list, its export, the API and the office's to-do run a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from dudao.checks.models import (
    AnnualReport,
    AnnualReportStatus,
    AnnualResult,
    InstitutionKind,
    Violation,
    ViolationStatus,
)
from dudao.core.listing import filter_given
from dudao.core.policy import PolicyTable
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, holds_role_in, scope_for
from dudao.schools.models import (
    InstitutionProfile,
    Ownership,
    School,
    SchoolType,
    WhitelistStatus,
    mask_account,
)

WARNING_POLICY = "checks.licence_warning_days"
OPEN_VIOLATION = (ViolationStatus.REGISTERED, ViolationStatus.VERIFIED, ViolationStatus.DECIDED)


class Flag:
    """What makes the office look at an institution (issue 23 item 3)."""

    EXPIRED = "expired"
    MISSING = "missing"
    FAIL_TWICE = "fail_twice"
    REMOVED = "removed"


FLAG_LABELS = {
    Flag.EXPIRED: "许可证已过期",
    Flag.MISSING: "未登记办学许可证",
    Flag.FAIL_TWICE: "年检两次不合格",
    Flag.REMOVED: "已移出白名单",
}
# the list's 预警 filter: the flags, "any flag", and the licence expiring soon (a state, not a flag)
FLAG_FILTERS = [("any", "任一预警"), *FLAG_LABELS.items(), ("expiring", "许可证即将到期")]

LICENCE_STATES = {
    "missing": ("未登记", "text-bg-secondary"),
    "expired": ("已过期", "text-bg-danger"),
    "expiring": ("即将到期", "text-bg-warning"),
    "valid": ("有效", "text-bg-success"),
}


def institution_q(prefix: str = "") -> Q:
    """民办学校、民办幼儿园 (ownership private) and 校外培训机构 (school type training)."""
    return Q(**{f"{prefix}school_type": SchoolType.TRAINING}) | Q(**{f"{prefix}ownership": Ownership.PRIVATE})


def kind_of(school: School) -> str:
    if school.school_type == SchoolType.TRAINING:
        return InstitutionKind.TRAINING
    if school.school_type == SchoolType.KINDERGARTEN:
        return InstitutionKind.PRIVATE_KINDERGARTEN
    return InstitutionKind.PRIVATE_SCHOOL


KIND_Q = {
    InstitutionKind.TRAINING: Q(school_type=SchoolType.TRAINING),
    InstitutionKind.PRIVATE_KINDERGARTEN: Q(ownership=Ownership.PRIVATE, school_type=SchoolType.KINDERGARTEN),
    InstitutionKind.PRIVATE_SCHOOL: (Q(ownership=Ownership.PRIVATE)
                                     & ~Q(school_type__in=[SchoolType.KINDERGARTEN, SchoolType.TRAINING])),
}


def warning_days(region_code: str = "", table: PolicyTable | None = None) -> int:
    table = table or PolicyTable([WARNING_POLICY])
    return int(table.get(WARNING_POLICY, region_code))


def licence_state(profile: InstitutionProfile | None, today: datetime.date, warn_days: int) -> str:
    """missing (no licence number), expired (valid until before today), expiring (within warn_days), valid."""
    if profile is None or not profile.licence_no:
        return "missing"
    until = profile.licence_valid_until
    if until is None:
        return "valid"
    if until < today:
        return "expired"
    if until <= today + datetime.timedelta(days=warn_days):
        return "expiring"
    return "valid"


def flags_of(profile: InstitutionProfile | None, fails: int, today: datetime.date) -> list[str]:
    flags = []
    if profile is None or not profile.licence_no:
        flags.append(Flag.MISSING)
    elif profile.licence_valid_until and profile.licence_valid_until < today:
        flags.append(Flag.EXPIRED)
    if fails >= 2:
        flags.append(Flag.FAIL_TWICE)
    if profile is not None and profile.whitelist == WhitelistStatus.REMOVED:
        flags.append(Flag.REMOVED)
    return flags


def _open_statuses(user) -> tuple[str, ...]:
    """Which open violations a user counts: the region's staff all of them; an institution (or an inspector, who
    sees the institution through an assignment) only those with a decision, as the violation pages show them."""
    scope = scope_for(user)
    if scope.everything or scope.region_prefixes:
        return OPEN_VIOLATION
    return (ViolationStatus.DECIDED,)


def _annotated(qs: QuerySet[School], open_statuses=OPEN_VIOLATION) -> QuerySet[School]:
    reviewed = AnnualReport.objects.filter(school=OuterRef("pk"), status=AnnualReportStatus.REVIEWED).exclude(result="")
    latest = reviewed.order_by("-round__year", "-reviewed_at", "-id")
    fails = (reviewed.filter(result=AnnualResult.FAIL).order_by().values("school")
             .annotate(n=Count("pk")).values("n"))
    open_violations = (Violation.objects.filter(school=OuterRef("pk"), status__in=open_statuses).order_by()
                       .values("school").annotate(n=Count("pk")).values("n"))
    return qs.annotate(
        annual_result=Subquery(latest.values("result")[:1]),
        annual_year=Subquery(latest.values("round__year")[:1]),
        annual_fails=Coalesce(Subquery(fails, output_field=IntegerField()), Value(0)),
        open_violations=Coalesce(Subquery(open_violations, output_field=IntegerField()), Value(0)),
    )


def _flag_q(flag: str, today: datetime.date, table: PolicyTable) -> Q | None:
    missing = Q(institution__isnull=True) | Q(institution__licence_no="")
    expired = Q(institution__licence_valid_until__lt=today) & ~missing
    fail_twice = Q(annual_fails__gte=2)
    removed = Q(institution__whitelist=WhitelistStatus.REMOVED)
    if flag == "expiring":
        # the widest window any region uses; each row then shows its own region's state
        widest = max(int(v) for v in table.values(WARNING_POLICY))
        return Q(institution__licence_valid_until__gte=today,
                 institution__licence_valid_until__lte=today + datetime.timedelta(days=widest)) & ~missing
    return {Flag.MISSING: missing, Flag.EXPIRED: expired, Flag.FAIL_TWICE: fail_twice, Flag.REMOVED: removed,
            "any": missing | expired | fail_twice | removed}.get(flag)


@dataclass
class Row:
    """One institution as the list, its export and the API show it."""

    school: School
    profile: InstitutionProfile | None
    kind: str
    state: str
    flags: list[str]

    @property
    def kind_label(self) -> str:
        return InstitutionKind(self.kind).label

    @property
    def state_label(self) -> str:
        return LICENCE_STATES[self.state][0]

    @property
    def state_class(self) -> str:
        return LICENCE_STATES[self.state][1]

    @property
    def flag_labels(self) -> list[str]:
        return [FLAG_LABELS[f] for f in self.flags]

    @property
    def annual_label(self) -> str:
        result = self.school.annual_result
        return f"{self.school.annual_year}年 {AnnualResult(result).label}" if result else ""

    @property
    def masked_account(self) -> str:
        return mask_account(self.profile.fund_account) if self.profile else ""


def institution_list(user, *, kind: str = "", town: str = "", flag: str = "", whitelist: str = "", q: str = "",
                     today: datetime.date | None = None) -> QuerySet[School]:
    """The institutions a user may see, filtered as on the list page and the API (kind, town, 预警 flag, 白名单
    status, name / code / licence number search). Rows are Schools with `institution` joined and the 年检 and
    violation figures annotated; `rows(...)` turns a page of them into Row."""
    today = today or timezone.localdate()
    qs = School.objects.visible_to(user).filter(institution_q()).select_related("region", "institution")
    qs = _annotated(qs, _open_statuses(user))
    if kind in KIND_Q:
        qs = qs.filter(KIND_Q[kind])
    qs = filter_given(qs, region__code=town)
    if whitelist == "none":
        qs = qs.filter(Q(institution__isnull=True) | Q(institution__whitelist=""))
    elif whitelist in WhitelistStatus.values:
        qs = qs.filter(institution__whitelist=whitelist)
    if flag:
        flag_q = _flag_q(flag, today, PolicyTable([WARNING_POLICY]))
        if flag_q is not None:
            qs = qs.filter(flag_q)
    q = q.replace("\x00", "").strip()[:64]
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q) | Q(institution__licence_no__contains=q))
    return qs.order_by("region__code", "code")


def profile_of(school: School) -> InstitutionProfile | None:
    """The school's registry fields, None when none were registered yet."""
    try:
        return school.institution
    except InstitutionProfile.DoesNotExist:
        return None


def rows(schools, today: datetime.date | None = None, table: PolicyTable | None = None) -> list[Row]:
    """Rows of annotated schools (institution_list), with the licence state under each school's own policy."""
    today = today or timezone.localdate()
    table = table or PolicyTable([WARNING_POLICY])
    made = []
    for school in schools:
        profile = profile_of(school)
        made.append(Row(school, profile, kind_of(school),
                        licence_state(profile, today, warning_days(school.region_id, table)),
                        flags_of(profile, getattr(school, "annual_fails", 0), today)))
    return made


def institution_flags(school_ids, today: datetime.date | None = None) -> dict[int, list[str]]:
    """school id → its flags (Flag values; FLAG_LABELS names them), for the institutions among school_ids. Two
    queries whatever the number: the schools with their profiles, and their 不合格 年检 results."""
    today = today or timezone.localdate()
    ids = list(school_ids)
    schools = list(School.objects.filter(institution_q(), pk__in=ids).select_related("institution"))
    fails = dict(AnnualReport.objects.filter(school_id__in=[s.pk for s in schools], result=AnnualResult.FAIL,
                                             status=AnnualReportStatus.REVIEWED)
                 .order_by().values("school_id").annotate(n=Count("pk")).values_list("school_id", "n"))
    return {s.pk: flags_of(profile_of(s), fails.get(s.pk, 0), today) for s in schools}


def town_options(user) -> list[tuple[str, str]]:
    """The towns that have an institution in the user's scope, for the list's filter."""
    return list(School.objects.visible_to(user).filter(institution_q()).order_by("region__code")
                .values_list("region__code", "region__name").distinct())


def get_institution_for(user, school_pk: int) -> School:
    """An institution (private school/kindergarten or training institution) the user may see; 404 otherwise."""
    qs = _annotated(School.objects.filter(institution_q()).select_related("region__parent", "institution"),
                    _open_statuses(user))
    return get_visible_or_404(qs, user, pk=school_pk)


def may_edit(user, school: School) -> bool:
    """The office of the institution's region (or an administrator) keeps its registry fields."""
    return holds_role_in(user, school.region_id, Role.OFFICE)


def flagged_for_offices(region_codes, today: datetime.date) -> list[Row]:
    """Flagged institutions of the given county codes (the to-do of those offices): one query."""
    codes = sorted({c for c in region_codes if c})
    if not codes:
        return []
    region_q = Q(pk__in=[])
    for code in codes:
        region_q |= Q(region__code__startswith=code)
    table = PolicyTable([WARNING_POLICY])
    qs = _annotated(School.objects.filter(institution_q()).filter(region_q).select_related("institution"))
    qs = qs.filter(_flag_q("any", today, table)).order_by("region__code", "code")
    return rows(qs, today, table)
