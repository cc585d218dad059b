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

    # 会议 (views/meetings.py)
    path("meetings/", meeting_views.meeting_list, name="meeting_list"),

    # 大事记 (views/chronicle.py)
    path("chronicle/", chronicle_views.chronicle, name="chronicle"),

    # 简报 and 信息报送 (views/briefings.py)
    path("briefings/", briefing_views.briefing_list, name="briefing_list"),
    path("submissions/", briefing_views.submission_list, name="submission_list"),

    # 工作总结 (views/summary.py)
    path("summaries/", summary_views.summary_list, name="summary_list"),
    path("summaries/new/", summary_views.summary_request, name="summary_request"),
    path("summaries/<int:pk>/retry/", summary_views.summary_retry, name="summary_retry"),
    path("summaries/<int:pk>/download/", summary_views.summary_download, name="summary_download"),

    # 督导档案 (views/archive.py)
    path("archive/", archive_views.archive_list, name="archive_list"),
]
