from django.urls import path

from dudao.checks.views import annual, fill, institutions, outputs, requests, rounds, violations

app_name = "checks"

# One block per area (views/<area>.py); append inside your block only.
urlpatterns = [
    # 专项检查 rounds, checklist, targets, coverage (views/rounds.py)
    path("", rounds.round_list, name="round_list"),
    path("<int:pk>/", rounds.round_detail, name="round_detail"),
    path("new/", rounds.round_create, name="round_create"),
    path("<int:pk>/edit/", rounds.round_edit, name="round_edit"),
    path("<int:pk>/open/", rounds.round_open, name="round_open"),
    path("<int:pk>/close/", rounds.round_close, name="round_close"),
    path("<int:pk>/reopen/", rounds.round_reopen, name="round_reopen"),
    path("<int:pk>/targets/", rounds.round_targets, name="round_targets"),
    path("<int:pk>/targets/<int:target_pk>/reassign/", rounds.target_reassign, name="target_reassign"),
    path("<int:pk>/targets/<int:target_pk>/remove/", rounds.target_remove, name="target_remove"),
    path("library/", rounds.template_library, name="template_library"),
    path("library/copy/", rounds.template_copy, name="template_copy"),
    path("library/<int:pk>/", rounds.template_edit, name="template_edit"),

    # filling a checklist inside the visit form (views/fill.py)
    path("<int:pk>/targets/<int:target_pk>/fill/", fill.fill, name="fill"),

    # 检查报告, 通报, 领导摘要 (views/outputs.py)
    path("<int:pk>/report.<str:fmt>", outputs.report, name="report"),
    path("<int:pk>/bulletin/", outputs.bulletin_draft, name="bulletin_draft"),
    path("<int:pk>/bulletin/publish/", outputs.bulletin_publish, name="bulletin_publish"),
    path("<int:pk>/summary/", outputs.summary_save, name="summary_save"),

    # 民办学校 and 校外培训机构 registry (views/institutions.py)
    path("institutions/", institutions.institution_list, name="institution_list"),
    path("institutions/<int:school_pk>/edit/", institutions.institution_edit, name="institution_edit"),
    path("institutions/import/", institutions.institution_import, name="institution_import"),
    path("institutions/import/template.xlsx", institutions.institution_import_template, name="institution_import_template"),

    # 年检 (views/annual.py)
    path("annual/", annual.annual_list, name="annual_list"),
    path("annual/new/", annual.annual_create, name="annual_create"),
    path("annual/<int:pk>/", annual.annual_detail, name="annual_detail"),
    path("annual/<int:pk>/requirements/add/", annual.annual_requirement_add, name="annual_requirement_add"),
    path("annual/<int:pk>/requirements/remove/", annual.annual_requirement_remove, name="annual_requirement_remove"),
    path("annual/<int:pk>/requirements/toggle/", annual.annual_requirement_toggle, name="annual_requirement_toggle"),
    path("annual/<int:pk>/open/", annual.annual_open, name="annual_open"),
    path("annual/<int:pk>/close/", annual.annual_close, name="annual_close"),
    path("annual/<int:pk>/publish/", annual.annual_publish, name="annual_publish"),
    path("annual/reports/<int:pk>/", annual.annual_report, name="annual_report"),
    path("annual/reports/<int:pk>/upload/", annual.annual_upload, name="annual_upload"),
    path("annual/reports/<int:pk>/save/", annual.annual_save, name="annual_save"),
    path("annual/reports/<int:pk>/submit/", annual.annual_submit, name="annual_submit"),
    path("annual/reports/<int:pk>/assign/", annual.annual_assign, name="annual_assign"),
    path("annual/reports/<int:pk>/return/", annual.annual_return, name="annual_return"),
    path("annual/reports/<int:pk>/score/", annual.annual_score, name="annual_score"),
    path("annual/reports/<int:pk>/result/", annual.annual_result, name="annual_result"),

    # 违规查处 and 诚信记录 (views/violations.py)
    path("violations/", violations.violation_list, name="violation_list"),
    path("violations/new/", violations.violation_create, name="violation_create"),
    path("violations/new/sources/", violations.violation_sources, name="violation_sources"),
    path("violations/<int:pk>/", violations.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/verify/", violations.violation_verify, name="violation_verify"),
    path("violations/<int:pk>/unfounded/", violations.violation_unfounded, name="violation_unfounded"),
    path("violations/<int:pk>/decide/", violations.violation_decide, name="violation_decide"),
    path("violations/<int:pk>/close/", violations.violation_close, name="violation_close"),
    path("institutions/<int:school_pk>/credit/", violations.credit_record, name="credit_record"),

    # 因需督导 (views/requests.py)
    path("requests/", requests.request_list, name="request_list"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<int:pk>/accept/", requests.request_accept, name="request_accept"),
    path("requests/<int:pk>/decline/", requests.request_decline, name="request_decline"),
    path("requests/<int:pk>/link-visit/", requests.request_link_visit, name="request_link_visit"),
    path("requests/<int:pk>/done/", requests.request_done, name="request_done"),
    path("requests/menu/", requests.topic_list, name="topic_list"),
    path("requests/menu/new/", requests.topic_create, name="topic_create"),
    path("requests/menu/<int:pk>/edit/", requests.topic_edit, name="topic_edit"),
    path("requests/menu/<int:pk>/deactivate/", requests.topic_deactivate, name="topic_deactivate"),
    path("requests/menu/<int:pk>/activate/", requests.topic_activate, name="topic_activate"),
    path("requests/menu/<int:pk>/up/", requests.topic_up, name="topic_up"),
    path("requests/menu/<int:pk>/down/", requests.topic_down, name="topic_down"),
]
