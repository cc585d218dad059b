from django.urls import path

from dudao.workforce.views import allowances, appointments, training

app_name = "workforce"

# One block per area (views/<area>.py); append inside your block only.
urlpatterns = [
    # training: 培训活动、签到、结业与培训证书、40 学时达标 (views/training.py)
    path("training/", training.event_list, name="event_list"),
    path("training/hours/", training.hours, name="hours"),
    path("training/new/", training.event_create, name="event_create"),
    path("training/<int:pk>/", training.event_detail, name="event_detail"),
    path("training/<int:pk>/edit/", training.event_edit, name="event_edit"),
    path("training/<int:pk>/open/", training.event_open, name="event_open"),
    path("training/<int:pk>/close/", training.event_close, name="event_close"),
    path("training/<int:pk>/reopen/", training.event_reopen, name="event_reopen"),
    path("training/<int:pk>/sessions/", training.session_add, name="session_add"),
    path("training/<int:pk>/attendance/", training.attendance_add, name="attendance_add"),
    path("training/<int:pk>/enrol/", training.event_enrol, name="event_enrol"),
    path("training/<int:pk>/join/", training.enrol_self, name="enrol_self"),
    path("training/<int:pk>/certificate/", training.certificate_mine, name="certificate_mine"),
    path("training/<int:pk>/certificates/", training.certificates_all, name="certificates_all"),
    path("training/enrolments/<int:pk>/withdraw/", training.withdraw, name="withdraw"),
    path("training/sessions/<int:pk>/delete/", training.session_delete, name="session_delete"),
    path("training/sessions/<int:pk>/qr/", training.session_qr, name="session_qr"),
    path("training/sessions/<int:pk>/qr/code/", training.session_qr_code, name="session_qr_code"),
    path("training/sign-in/", training.sign_in, name="sign_in"),
    path("training/file/<str:audience>/<int:pk>/", training.person_file, name="person_file"),

    # appointments: 督学聘任、公示、聘书与督学证、公开验证 (views/appointments.py)
    path("appointments/", appointments.appointment_list, name="appointment_list"),
    path("appointments/new/", appointments.batch_new, name="appointment_new"),
    path("appointments/heads/", appointments.head_list, name="appointment_heads"),
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
