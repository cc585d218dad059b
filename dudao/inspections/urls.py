from django.urls import path

from dudao.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.inspection_list, name="list"),
    path("<int:pk>/", views.inspection_detail, name="detail"),
    path("<int:pk>/notice.docx", views.notice_download, name="notice"),
    path("<int:pk>/report/", views.project_report, name="report"),
    path("<int:pk>/report.docx", views.project_report, {"fmt": "docx"}, name="report_docx"),
    path("<int:pk>/report.pdf", views.project_report, {"fmt": "pdf"}, name="report_pdf"),
    path("batches/<int:pk>/", views.batch_progress, name="batch"),
    path("batches/<int:pk>/opinions.zip", views.batch_download, name="batch_download"),
    path("targets/<int:pk>/", views.target_detail, name="target"),
    path("targets/<int:pk>/opinion.docx", views.opinion_download, {"fmt": "docx"}, name="opinion_docx"),
    path("targets/<int:pk>/opinion.pdf", views.opinion_download, {"fmt": "pdf"}, name="opinion_pdf"),
]
