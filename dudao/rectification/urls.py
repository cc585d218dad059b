from django.urls import path

from dudao.rectification import views

app_name = "rectification"

urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", views.finding_edit, name="finding_edit"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/document.<str:fmt>", views.notice_document, name="notice_document"),
    path("notices/<int:pk>/acknowledge/", views.notice_acknowledge, name="notice_acknowledge"),
    path("notices/<int:pk>/start/", views.notice_start, name="notice_start"),
    path("notices/<int:pk>/report/", views.notice_report, name="notice_report"),
    path("notices/<int:pk>/verify/", views.notice_verify, name="notice_verify"),
    path("notices/<int:pk>/file/", views.notice_file, name="notice_file"),
    path("notices/<int:pk>/order/", views.order_issue, name="order_issue"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/respond/", views.order_respond, name="order_respond"),
    path("talks/", views.talk_list, name="talk_list"),
    path("talks/new/", views.talk_new, name="talk_new"),
    path("talks/<int:pk>/", views.talk_detail, name="talk_detail"),
    path("talks/<int:pk>/hold/", views.talk_hold, name="talk_hold"),
    path("talks/<int:pk>/dismiss/", views.talk_dismiss, name="talk_dismiss"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/step/", views.case_step, name="case_step"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("record/<str:kind>/<int:pk>/", views.target_record, name="target_record"),
    path("rechecks/", views.recheck_list, name="recheck_list"),
    path("rechecks/<int:pk>/", views.recheck_detail, name="recheck_detail"),
    path("rechecks/<int:pk>/items/<int:item_pk>/", views.recheck_result, name="recheck_result"),
    path("publications/", views.publication_list, name="publication_list"),
    path("publications/<int:pk>/withdraw/", views.publication_withdraw, name="publication_withdraw"),
]
