"""Reads of area projects: 课题：成员、开题、中期、结题. Scoped through visible_to(user)."""

import datetime

from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404

from dudao.core.listing import filter_given
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404
from dudao.research.models import (
    ProjectMilestone,
    ProjectMilestoneStatus,
    ProjectStatus,
    ProjectTransition,
    ResearchProject,
)

OPEN_MILESTONE = [ProjectMilestoneStatus.PENDING, ProjectMilestoneStatus.RETURNED]


def project_list(user, *, level: str = "", status: str = "", q: str = "", school: str = "") -> QuerySet[ResearchProject]:
    """Projects a user may see, each with `next_due` (the earliest open milestone's due date) and `n_members`."""
    qs = (ResearchProject.objects.visible_to(user).select_related("school", "owner", "region")
          .annotate(next_due=Min("milestones__due_on", filter=Q(milestones__status__in=OPEN_MILESTONE)),
                    n_members=Count("members", distinct=True)))
    qs = filter_given(qs, level=level, status=status)
    if school.isdigit():
        qs = qs.filter(school_id=int(school))
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(number__startswith=q) | Q(owner__first_name__contains=q)
                       | Q(school__name__contains=q))
    return qs.order_by("-started_on", "-id")


def get_project_for(user, pk: int) -> ResearchProject:
    return get_visible_or_404(ResearchProject.objects.select_related("school", "owner", "region", "created_by"),
                              user, pk=pk)


def project_parts(project: ResearchProject) -> dict:
    """Members, milestones with their documents, outcome documents and the transition history (five queries)."""
    milestones = list(project.milestones.prefetch_related("documents__file").select_related("reviewed_by"))
    return {
        "members": list(project.members.select_related("user")),
        "milestones": milestones,
        "outcome_documents": list(project.documents.filter(milestone__isnull=True).select_related("file")),
        "history": list(ProjectTransition.history(project)),
    }


def milestone_of(project: ResearchProject, pk: int) -> ProjectMilestone:
    """A milestone of a project the user already sees (404 otherwise)."""
    milestone = project.milestones.filter(pk=pk).first()
    if milestone is None:
        raise Http404
    return milestone


def open_milestones_for_owner(user, today: datetime.date, horizon_days: int) -> list[ProjectMilestone]:
    """The user's open milestones (as owner or member with an account) due within `horizon_days` or overdue."""
    horizon = today + datetime.timedelta(days=horizon_days)
    return list(ProjectMilestone.objects.filter(
        project__in=ResearchProject.objects.filter(Q(owner_id=user.pk) | Q(members__user_id=user.pk)).values("pk"),
        project__status__in=[ProjectStatus.APPROVED, ProjectStatus.OPENED, ProjectStatus.MIDTERM],
        status__in=OPEN_MILESTONE, due_on__lte=horizon).select_related("project").order_by("due_on", "id"))


def submitted_for_office(user) -> list[ProjectMilestone]:
    """Submitted milestones waiting for the office's review, in the projects the user sees as office."""
    projects = ResearchProject.objects.visible_to(user, as_roles=(Role.OFFICE,))
    return list(ProjectMilestone.objects.filter(project__in=projects.values("pk"),
                                                status=ProjectMilestoneStatus.SUBMITTED)
                .select_related("project").order_by("submitted_on", "id"))
