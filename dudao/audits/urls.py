from django.urls import path

from dudao.audits.views import case_page, cases

app_name = "audits"

# One block per area (views/<area>.py); append inside your block only.
urlpatterns = [
    # cases: 审计计划、审计事项、审计组、资料、发现问题、审计报告与公开 (views/cases.py, views/case_page.py)
    path("", cases.case_list, name="case_list"),
    path("plans/new/", cases.plan_create, name="plan_create"),
    path("plans/<int:pk>/approve/", cases.plan_approve, name="plan_approve"),
    path("plans/<int:plan_pk>/cases/new/", cases.case_create, name="case_create"),
    path("<int:pk>/", case_page.case_detail, name="case_detail"),
    path("<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("<int:pk>/start/", case_page.case_start, name="case_start"),
    path("<int:pk>/close/", case_page.case_close, name="case_close"),
    path("<int:pk>/team/", case_page.team_add, name="team_add"),
    path("<int:pk>/team/<int:member_pk>/remove/", case_page.team_remove, name="team_remove"),
    path("<int:pk>/requests/", case_page.request_add, name="request_add"),
    path("<int:pk>/requests/<int:item_pk>/remove/", case_page.request_remove, name="request_remove"),
    path("requests/<int:item_pk>/upload/", case_page.request_upload, name="request_upload"),
    path("requests/<int:item_pk>/file/", case_page.request_file, name="request_file"),
    path("<int:pk>/findings/", case_page.finding_add, name="finding_add"),
    path("<int:pk>/findings/<int:finding_pk>/remove/", case_page.finding_remove, name="finding_remove"),
    path("<int:pk>/findings/<int:finding_pk>/raise/", case_page.finding_raise, name="finding_raise"),
    path("<int:pk>/report/", case_page.report_issue, name="report_issue"),
    path("<int:pk>/report.docx", case_page.report_download, name="report_download"),
    path("<int:pk>/publish/", case_page.report_publish, name="report_publish"),
    path("<int:pk>/withdraw/", case_page.report_withdraw, name="report_withdraw"),
]
