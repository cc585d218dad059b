from django.urls import path

from dudao.quality.views import external
from dudao.quality.views import loop as loop_views
from dudao.quality.views import reports as report_views
from dudao.quality.views import results as results_views
from dudao.quality.views import rounds as round_views
from dudao.quality.views import scores as score_views

app_name = "quality"

urlpatterns = [
    # 监测轮次 (views/rounds.py)
    path("rounds/", round_views.round_list, name="round_list"),
    path("rounds/new/", round_views.round_create, name="round_create"),
    path("rounds/school-list-template/", round_views.school_list_template, name="school_list_template"),
    path("rounds/<int:pk>/", round_views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/draw/", round_views.round_draw, name="round_draw"),
    path("rounds/<int:pk>/publish/", round_views.round_publish, name="round_publish"),
    path("rounds/<int:pk>/schools/", round_views.round_schools, name="round_schools"),
    # 学生成绩 (views/scores.py)
    path("rounds/<int:pk>/scores/", score_views.scores_import_view, name="scores_import"),
    path("rounds/<int:pk>/scores/confirm/", score_views.scores_confirm, name="scores_confirm"),
    path("rounds/<int:pk>/scores/template/", score_views.scores_template, name="scores_template"),
    path("rounds/<int:pk>/scores/rows/", score_views.scores_rows, name="scores_rows"),
    # 国家、省、市监测报告 (views/external.py)
    path("external/", external.external_index, name="external_index"),
    path("external/school/<int:school_id>/", external.external_school, name="external_school"),
    path("external/school/<int:school_id>/upload/", external.external_upload, name="external_upload"),
    path("external/<int:pk>/download/", external.external_download, name="external_download"),
    # 问题清单 (views/loop.py)
    path("rounds/<int:pk>/findings/", loop_views.round_findings, name="round_findings"),
    # 监测报告 (views/reports.py)
    path("rounds/<int:pk>/reports/", report_views.report_list, name="reports"),
    path("rounds/<int:pk>/reports/start/", report_views.report_batch_start, name="reports_start"),
    path("rounds/<int:pk>/reports/retry/", report_views.report_batch_retry, name="reports_retry"),
    path("rounds/<int:pk>/reports/district.docx", report_views.district_report_now, {"fmt": "docx"},
         name="district_report_docx"),
    path("rounds/<int:pk>/reports/district.pdf", report_views.district_report_now, {"fmt": "pdf"},
         name="district_report_pdf"),
    path("rounds/<int:pk>/reports/schools/<int:school>/report.docx", report_views.school_report_now, {"fmt": "docx"},
         name="school_report_docx"),
    path("rounds/<int:pk>/reports/schools/<int:school>/report.pdf", report_views.school_report_now, {"fmt": "pdf"},
         name="school_report_pdf"),
    path("report-batches/<int:pk>/", report_views.report_batch_progress, name="report_batch"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
    # 监测结果与增值评价 (views/results.py)
    path("rounds/<int:pk>/results/", results_views.results, name="results"),
    path("rounds/<int:pk>/results/export.xlsx", results_views.results_export, name="results_export"),
    path("rounds/<int:pk>/results/school.xlsx", results_views.school_export, name="school_export"),
]
