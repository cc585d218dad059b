from django.urls import path

from dudao.monitoring import campaign_views, views

app_name = "monitoring"

urlpatterns = [
    path("", views.balanced, name="balanced"),
    path("export.xlsx", views.balanced_export, name="balanced_export"),
    path("report.docx", views.balanced_document, {"fmt": "docx"}, name="balanced_docx"),
    path("report.pdf", views.balanced_document, {"fmt": "pdf"}, name="balanced_pdf"),
    path("guarantee/evidence/", views.guarantee_evidence, name="guarantee_evidence"),
    path("preschool/", views.preschool_view, name="preschool"),
    path("campaigns/", campaign_views.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign_detail"),
    path("tasks/<int:pk>/", campaign_views.task_detail, name="task_detail"),
    path("import/", views.stats_import_view, name="import"),
    path("import/template.xlsx", views.stats_template, name="import_template"),
]
