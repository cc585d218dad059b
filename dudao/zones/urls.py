from django.urls import path

from dudao.zones import views

app_name = "zones"

urlpatterns = [
    path("", views.zone_list, name="zone_list"),
    path("<int:pk>/", views.zone_detail, name="zone_detail"),
    path("<int:pk>/edit/", views.zone_edit, name="zone_edit"),
    path("<int:pk>/report.<str:fmt>", views.zone_report, name="zone_report"),
    path("schools/<int:school_pk>/", views.school_supervision, name="school_supervision"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("coverage/", views.coverage, name="coverage"),
    path("compliance/", views.compliance, name="compliance"),
    path("frequency/", views.frequency, name="frequency"),
    path("workload/", views.workload, name="workload"),
    path("cross/", views.cross, name="cross"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/sign/", views.visit_sign, name="visit_sign"),
    path("visits/<int:pk>/photo/", views.visit_photo, name="visit_photo"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/new/", views.complaint_new, name="complaint_new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("complaints/<int:pk>/assign/", views.complaint_assign, name="complaint_assign"),
    path("complaints/<int:pk>/verify/", views.complaint_verify, name="complaint_verify"),
    path("complaints/<int:pk>/reply/", views.complaint_reply, name="complaint_reply"),
    path("complaints/<int:pk>/close/", views.complaint_close, name="complaint_close"),
    path("plaque/<int:school_pk>.pdf", views.plaque_pdf, name="plaque"),
]
