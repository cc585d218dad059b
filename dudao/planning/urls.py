from django.urls import path

from dudao.planning.views import archive as archive_views
from dudao.planning.views import briefings as briefing_views
from dudao.planning.views import calendar as calendar_views
from dudao.planning.views import chronicle as chronicle_views
from dudao.planning.views import meetings as meeting_views
from dudao.planning.views import plans as plan_views
from dudao.planning.views import summary as summary_views

app_name = "planning"

urlpatterns = [
    # 工作要点 (views/plans.py)
    path("plans/", plan_views.plan_list, name="plan_list"),

    # 行事历 (views/calendar.py)
    path("calendar/", calendar_views.calendar, name="calendar"),

    # 会议 (views/meetings.py)
    path("meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("meetings/new/", meeting_views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delete/", meeting_views.meeting_delete, name="meeting_delete"),
    path("meetings/<int:pk>/minutes/", meeting_views.meeting_minutes, name="meeting_minutes"),
    path("meetings/<int:pk>/decisions/", meeting_views.decision_add, name="decision_add"),
    path("meetings/decisions/<int:pk>/edit/", meeting_views.decision_edit, name="decision_edit"),
    path("meetings/decisions/<int:pk>/delete/", meeting_views.decision_delete, name="decision_delete"),
    path("meetings/decisions/<int:pk>/task/", meeting_views.decision_task, name="decision_task"),
    path("meetings/decisions/<int:pk>/finding/", meeting_views.decision_finding, name="decision_finding"),

    # 大事记 (views/chronicle.py)
    path("chronicle/", chronicle_views.chronicle, name="chronicle"),

    # 简报 and 信息报送 (views/briefings.py)
    path("briefings/", briefing_views.briefing_list, name="briefing_list"),
    path("submissions/", briefing_views.submission_list, name="submission_list"),

    # 工作总结 (views/summary.py)
    path("summaries/", summary_views.summary_list, name="summary_list"),

    # 督导档案 (views/archive.py)
    path("archive/", archive_views.archive_list, name="archive_list"),
]
