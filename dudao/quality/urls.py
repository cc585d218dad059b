from django.urls import path  # noqa: F401 -- each area appends its paths below

app_name = "quality"

# Pages of the quality app, grouped by area; each view module holds one area (rounds, scores, results,
# reports, external reports).
urlpatterns: list = []

# ---- 监测报告 (dudao.quality.views.reports) ----
from dudao.quality.views import reports as report_views  # noqa: E402 -- each area's block stands on its own

urlpatterns += [
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
]
