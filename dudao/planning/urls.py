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

    # 大事记 (views/chronicle.py)
    path("chronicle/", chronicle_views.chronicle, name="chronicle"),
    path("chronicle/export.docx", chronicle_views.chronicle_docx, name="chronicle_docx"),
    path("chronicle/export.xlsx", chronicle_views.chronicle_xlsx, name="chronicle_xlsx"),
    path("chronicle/refresh/", chronicle_views.chronicle_refresh, name="chronicle_refresh"),
    path("chronicle/new/", chronicle_views.entry_create, name="chronicle_create"),
    path("chronicle/<int:pk>/accept/", chronicle_views.entry_accept, name="chronicle_accept"),
    path("chronicle/<int:pk>/drop/", chronicle_views.entry_drop, name="chronicle_drop"),
    path("chronicle/<int:pk>/restore/", chronicle_views.entry_restore, name="chronicle_restore"),
    path("chronicle/<int:pk>/edit/", chronicle_views.entry_update, name="chronicle_update"),
    path("chronicle/<int:pk>/delete/", chronicle_views.entry_delete, name="chronicle_delete"),

    # 简报 and 信息报送 (views/briefings.py)
    path("briefings/", briefing_views.briefing_list, name="briefing_list"),
    path("submissions/", briefing_views.submission_list, name="submission_list"),

    # 工作总结 (views/summary.py)
    path("summaries/", summary_views.summary_list, name="summary_list"),

    # 督导档案 (views/archive.py)
    path("archive/", archive_views.archive_list, name="archive_list"),
]
