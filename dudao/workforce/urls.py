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
]
