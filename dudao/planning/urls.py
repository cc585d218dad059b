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
    path("plans/new/", plan_views.plan_create, name="plan_create"),
    path("plans/import/", plan_views.plan_import, name="plan_import"),
    path("plans/import/template/", plan_views.plan_import_template, name="plan_import_template"),
    path("plans/copy/", plan_views.plan_copy, name="plan_copy"),
    path("plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/publish/", plan_views.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/delete/", plan_views.plan_delete, name="plan_delete"),
    path("plans/<int:pk>/copy/", plan_views.plan_copy_one, name="plan_copy_one"),
    path("plans/<int:pk>/sections/add/", plan_views.section_add, name="section_add"),
    path("plans/sections/<int:pk>/edit/", plan_views.section_edit, name="section_edit"),
    path("plans/sections/<int:pk>/delete/", plan_views.section_delete, name="section_delete"),
    path("plans/sections/<int:pk>/tasks/add/", plan_views.task_add, name="task_add"),
    path("plans/tasks/<int:pk>/", plan_views.task_detail, name="task_detail"),
    path("plans/tasks/<int:pk>/edit/", plan_views.task_edit, name="task_edit"),
    path("plans/tasks/<int:pk>/delete/", plan_views.task_delete, name="task_delete"),
    path("plans/tasks/<int:pk>/progress/", plan_views.task_progress, name="task_progress"),
    path("plans/tasks/<int:pk>/links/add/", plan_views.task_link_add, name="task_link_add"),
    path("plans/links/<int:pk>/remove/", plan_views.task_link_remove, name="task_link_remove"),

    # 行事历 (views/calendar.py)
    path("calendar/", calendar_views.calendar, name="calendar"),
    path("calendar/feed/", calendar_views.calendar_feed, name="calendar_feed"),
    path("calendar/feed/new/", calendar_views.calendar_feed_issue, name="calendar_feed_issue"),
    path("calendar/feed/<str:key>.ics", calendar_views.calendar_ics, name="calendar_ics"),

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
    path("summaries/new/", summary_views.summary_request, name="summary_request"),
    path("summaries/<int:pk>/retry/", summary_views.summary_retry, name="summary_retry"),
    path("summaries/<int:pk>/download/", summary_views.summary_download, name="summary_download"),

    # 督导档案 (views/archive.py)
    path("archive/", archive_views.archive_list, name="archive_list"),
    path("archive/exports/<int:pk>/", archive_views.archive_export_progress, name="archive_export"),
    path("archive/exports/<int:pk>/download/", archive_views.archive_export_download, name="archive_download"),
    path("archive/<str:code>/<int:year>/", archive_views.archive_year, name="archive_year"),
    path("archive/<str:code>/<int:year>/export/", archive_views.archive_export_start, name="archive_export_start"),
    path("archive/<str:code>/<int:year>/lock/", archive_views.archive_lock, name="archive_lock"),
    path("archive/<str:code>/<int:year>/reopen/", archive_views.archive_reopen, name="archive_reopen"),
]
