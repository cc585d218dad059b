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

    # 简报 and 信息报送 (views/briefings.py)
    path("briefings/", briefing_views.briefing_list, name="briefing_list"),
    path("briefings/new/", briefing_views.briefing_create, name="briefing_create"),
    path("briefings/<int:pk>/", briefing_views.briefing_detail, name="briefing_detail"),
    path("briefings/<int:pk>/title/", briefing_views.briefing_update, name="briefing_update"),
    path("briefings/<int:pk>/materials/", briefing_views.briefing_materials, name="briefing_materials"),
    path("briefings/<int:pk>/sections/add/", briefing_views.section_add, name="briefing_section_add"),
    path("briefings/<int:pk>/sections/<int:section_pk>/", briefing_views.section_update,
         name="briefing_section_update"),
    path("briefings/<int:pk>/sections/<int:section_pk>/move/", briefing_views.section_move,
         name="briefing_section_move"),
    path("briefings/<int:pk>/sections/<int:section_pk>/delete/", briefing_views.section_delete,
         name="briefing_section_delete"),
    path("briefings/<int:pk>/issue/", briefing_views.briefing_issue, name="briefing_issue"),
    path("briefings/<int:pk>/publish/", briefing_views.briefing_publish, name="briefing_publish"),
    path("briefings/<int:pk>/download.<str:fmt>", briefing_views.briefing_download, name="briefing_download"),
    path("submissions/", briefing_views.submission_list, name="submission_list"),
    path("submissions/new/", briefing_views.submission_create, name="submission_create"),
    path("submissions/<int:pk>/delete/", briefing_views.submission_delete, name="submission_delete"),

    # 工作总结 (views/summary.py)
    path("summaries/", summary_views.summary_list, name="summary_list"),

    # 督导档案 (views/archive.py)
    path("archive/", archive_views.archive_list, name="archive_list"),
    path("archive/exports/<int:pk>/", archive_views.archive_export_progress, name="archive_export"),
    path("archive/exports/<int:pk>/download/", archive_views.archive_export_download, name="archive_download"),
    path("archive/<str:code>/<int:year>/", archive_views.archive_year, name="archive_year"),
    path("archive/<str:code>/<int:year>/export/", archive_views.archive_export_start, name="archive_export_start"),
    path("archive/<str:code>/<int:year>/lock/", archive_views.archive_lock, name="archive_lock"),
    path("archive/<str:code>/<int:year>/reopen/", archive_views.archive_reopen, name="archive_reopen"),
]
