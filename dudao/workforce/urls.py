from django.urls import path

from dudao.workforce.views import allowances, appointments, training

app_name = "workforce"

# One block per area (views/<area>.py); append inside your block only.
urlpatterns = [
    # training: 培训活动、签到、结业与培训证书、40 学时达标 (views/training.py)
    path("training/", training.event_list, name="event_list"),
    path("training/hours/", training.hours, name="hours"),

    # appointments: 督学聘任、公示、聘书与督学证、公开验证 (views/appointments.py)
    path("appointments/", appointments.appointment_list, name="appointment_list"),

    # allowances: 兼职督学劳务补贴 (views/allowances.py)
    path("allowances/", allowances.allowance_list, name="allowance_list"),
    path("allowances/compute/", allowances.allowance_compute, name="allowance_compute"),
    path("allowances/mine/", allowances.allowance_mine, name="allowance_mine"),
    path("allowances/<int:pk>/", allowances.allowance_detail, name="allowance_detail"),
    path("allowances/<int:pk>/export/", allowances.allowance_export, name="allowance_export"),
    path("allowances/<int:pk>/recompute/", allowances.allowance_recompute, name="allowance_recompute"),
    path("allowances/<int:pk>/review/", allowances.allowance_review, name="allowance_review"),
    path("allowances/<int:pk>/return/", allowances.allowance_return, name="allowance_return"),
    path("allowances/<int:pk>/approve/", allowances.allowance_approve, name="allowance_approve"),
    path("allowances/<int:pk>/delete/", allowances.allowance_delete, name="allowance_delete"),
    path("allowances/<int:pk>/adjust/", allowances.allowance_adjust, name="allowance_adjust"),
    path("allowances/<int:pk>/adjust/<int:line>/remove/", allowances.allowance_adjust_remove,
         name="allowance_adjust_remove"),
]
