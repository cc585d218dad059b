from django.urls import path

from dudao.surveys import exports, views

app_name = "surveys"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/answers/", views.round_answers, name="round_answers"),
    path("<int:pk>/answers.xlsx", exports.raw_export, name="raw_export"),
    path("<int:pk>/report.docx", exports.report, {"fmt": "docx"}, name="report_docx"),
    path("<int:pk>/report.pdf", exports.report, {"fmt": "pdf"}, name="report_pdf"),
    path("<int:pk>/poster/<int:school_id>.pdf", exports.poster, name="poster"),
    path("<int:pk>/codes/<int:school_id>.pdf", exports.codes_pdf, name="codes"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/preview/", views.questionnaire_preview, name="questionnaire_preview"),
]
