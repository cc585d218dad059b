"""What planning gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dudao.core.dates import local_date
from dudao.core.registries import LinkTarget, register_plan_link
from dudao.core.scope import prefix_q, region_prefix
from dudao.planning.models import Briefing, BriefingStatus, Meeting

# --- plan links (工作要点) ----------------------------------------------------------------------------------


def _plan_link_ids(object_ids) -> list[int]:
    return [int(i) for i in object_ids if str(i).isdigit()]


def _url(name: str, pk: int, fallback: str) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the page of that area is not built yet
        return reverse(fallback)


def meeting_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """Meetings of the region the user may see, matching q (title, or the id), newest first, at most 50."""
    rows = Meeting.objects.visible_to(user).filter(prefix_q("region__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdigit() else rows.filter(title__icontains=q)
    return [(str(pk), title) for pk, title in rows.order_by("-starts_at", "-pk").values_list("pk", "title")[:50]]


def meeting_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done once held (its start time has passed)."""
    now = timezone.now()
    return {str(m.pk): LinkTarget(
        kind="planning.meeting", object_id=str(m.pk), title=m.title,
        url=_url("planning:meeting_detail", m.pk, "planning:meeting_list"), region_code=m.region_id,
        done=m.starts_at <= now, state="已召开" if m.starts_at <= now else "待召开", day=local_date(m.starts_at))
        for m in Meeting.objects.filter(pk__in=_plan_link_ids(object_ids))}


def briefing_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """简报 of the region the user may see, matching q (title, or the id), newest first, at most 50."""
    rows = Briefing.objects.visible_to(user).filter(prefix_q("region__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdigit() else rows.filter(title__icontains=q)
    return [(str(pk), title) for pk, title in rows.order_by("-year", "-issue_no", "-pk").values_list("pk", "title")[:50]]


def briefing_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done once issued (印发)."""
    return {str(b.pk): LinkTarget(
        kind="planning.briefing", object_id=str(b.pk), title=b.title,
        url=_url("planning:briefing_detail", b.pk, "planning:briefing_list"), region_code=b.region_id,
        done=b.status == BriefingStatus.ISSUED, state=b.get_status_display(),
        day=local_date(b.issued_at) if b.issued_at else None) for b in Briefing.objects.filter(pk__in=_plan_link_ids(object_ids))}


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links
    register_plan_link("planning.meeting", "会议", choices=meeting_choices, resolve=meeting_resolve)
    register_plan_link("planning.briefing", "督导简报", choices=briefing_choices, resolve=briefing_resolve)

    # calendar items

    # key events

    # year figures

    # 简报 materials

    # archive documents

    return
