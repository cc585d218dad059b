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
    path("appointments/new/", appointments.batch_new, name="appointment_new"),
    path("appointments/<int:pk>/", appointments.appointment_detail, name="appointment_detail"),
    path("appointments/<int:pk>/recommend/", appointments.candidate_new, name="appointment_recommend"),
    path("appointments/<int:pk>/review/", appointments.batch_review, name="appointment_review"),
    path("appointments/<int:pk>/publish/", appointments.batch_publish, name="appointment_publish"),
    path("appointments/<int:pk>/appoint/", appointments.batch_appoint, name="appointment_appoint"),
    path("appointments/<int:pk>/cancel/", appointments.batch_cancel, name="appointment_cancel"),
    path("appointments/candidates/<int:pk>/except/", appointments.candidate_except, name="candidate_except"),
    path("appointments/candidates/<int:pk>/refuse/", appointments.candidate_refuse, name="candidate_refuse"),
    path("appointments/candidates/<int:pk>/withdraw/", appointments.candidate_withdraw, name="candidate_withdraw"),
    path("appointments/candidates/<int:pk>/objection/", appointments.objection_record, name="objection_record"),
    path("appointments/objections/<int:pk>/handle/", appointments.objection_handle, name="objection_handle"),
    path("appointments/certificates/<int:pk>/", appointments.certificate_detail, name="certificate_detail"),
    path("appointments/certificates/<int:pk>/<str:kind>.pdf", appointments.certificate_pdf, name="certificate_pdf"),

    # allowances: 兼职督学劳务补贴 (views/allowances.py)
    path("allowances/", allowances.allowance_list, name="allowance_list"),
]
