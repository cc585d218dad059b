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
    path("notices/<int:pk>/<str:action>/", views.notice_action, name="notice_action"),
    path("orders/", views.order_list, name="order_list"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/respond/", views.order_respond, name="order_respond"),
    path("talks/", views.talk_list, name="talk_list"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
