from django.urls import path

from dudao.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/advance/", views.inspection_advance, name="advance"),
    path("<int:pk>/number/", views.notice_number_set, name="number"),
    path("<int:pk>/targets/", views.targets_add, name="targets_add"),
    path("<int:pk>/targets/others/", views.targets_add_others, name="targets_add_others"),
    path("<int:pk>/ranking/", views.annual_ranking, name="ranking"),
    path("<int:pk>/ranking/apply/", views.annual_levels_apply, name="ranking_apply"),
    path("<int:pk>/team/", views.team_assign, name="team"),
    path("<int:pk>/batch/", views.batch_start, name="batch_start"),
    path("<int:pk>/batch/retry/", views.batch_retry, name="batch_retry"),
    path("<int:pk>/notice.docx", views.notice_download, name="notice"),
    path("<int:pk>/report/", views.project_report, name="report"),
    path("<int:pk>/report.docx", views.project_report, {"fmt": "docx"}, name="report_docx"),
    path("<int:pk>/report.pdf", views.project_report, {"fmt": "pdf"}, name="report_pdf"),
    path("batches/<int:pk>/", views.batch_progress, name="batch"),
    path("batches/<int:pk>/opinions.zip", views.batch_download, name="batch_download"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("targets/<int:pk>/scores/", views.target_scores, name="target_scores"),
    path("targets/<int:pk>/materials/", views.materials_submit, name="materials"),
    path("targets/<int:pk>/review/", views.materials_review, name="review"),
    path("targets/<int:pk>/appeal/", views.appeal_submit, name="appeal"),
    path("targets/<int:pk>/appeal/respond/", views.appeal_respond, name="appeal_respond"),
    path("targets/<int:pk>/opinion/", views.opinion_save, name="opinion"),
    path("targets/<int:pk>/opinion.docx", views.opinion_download, {"fmt": "docx"}, name="opinion_docx"),
    path("targets/<int:pk>/opinion.pdf", views.opinion_download, {"fmt": "pdf"}, name="opinion_pdf"),
]
