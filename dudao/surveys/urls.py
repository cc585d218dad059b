from django.urls import path

from dudao.surveys import exports, views

app_name = "surveys"

urlpatterns = [
    path("", views.round_list, name="round_list"),
    path("new/", views.round_new, name="round_new"),
    path("<int:pk>/", views.round_detail, name="round_detail"),
    path("<int:pk>/close/", views.round_close, name="round_close"),
    path("<int:pk>/finding/", views.round_finding, name="round_finding"),
    path("<int:pk>/codes/", views.round_codes, name="round_codes"),
    path("<int:pk>/recognition/", views.recognition_publish, name="recognition_publish"),
    path("<int:pk>/answers/", views.round_answers, name="round_answers"),
    path("<int:pk>/answers/exclude-flagged/", views.flagged_exclude, name="flagged_exclude"),
    path("<int:pk>/answers/exclude/", views.response_exclude, name="response_exclude"),
    path("<int:pk>/answers/include/", views.response_include, name="response_include"),
    path("<int:pk>/answers.xlsx", exports.raw_export, name="raw_export"),
    path("<int:pk>/report.docx", exports.report, {"fmt": "docx"}, name="report_docx"),
    path("<int:pk>/report.pdf", exports.report, {"fmt": "pdf"}, name="report_pdf"),
    path("<int:pk>/poster/<int:school_id>.pdf", exports.poster, name="poster"),
    path("<int:pk>/codes/<int:school_id>.pdf", exports.codes_pdf, name="codes"),
    path("questionnaires/", views.questionnaire_list, name="questionnaire_list"),
    path("questionnaires/<int:pk>/", views.questionnaire_detail, name="questionnaire_detail"),
    path("questionnaires/<int:pk>/questions/", views.question_add, name="question_add"),
    path("questionnaires/<int:pk>/questions/up/", views.question_up, name="question_up"),
    path("questionnaires/<int:pk>/questions/down/", views.question_down, name="question_down"),
    path("questionnaires/<int:pk>/questions/remove/", views.question_remove, name="question_remove"),
    path("questionnaires/<int:pk>/save/", views.questionnaire_save, name="questionnaire_save"),
    path("questionnaires/<int:pk>/publish/", views.questionnaire_publish, name="questionnaire_publish"),
    path("questionnaires/<int:pk>/new-version/", views.questionnaire_new_version, name="questionnaire_new_version"),
    path("questionnaires/<int:pk>/preview/", views.questionnaire_preview, name="questionnaire_preview"),
]
