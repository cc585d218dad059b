from django.urls import path

from dudao.people import views

app_name = "people"

urlpatterns = [
    path("inspectors/", views.inspector_list, name="inspector_list"),
    path("inspectors/new/", views.inspector_edit, name="inspector_new"),
    path("inspectors/<int:pk>/", views.inspector_detail, name="inspector_detail"),
    path("inspectors/<int:pk>/edit/", views.inspector_edit, name="inspector_edit"),
    path("inspectors/<int:pk>/status/", views.inspector_status, name="inspector_status"),
    path("inspectors/<int:pk>/renew/", views.inspector_renew, name="inspector_renew"),
    path("inspectors/<int:pk>/trainings/", views.training_add, name="training_add"),
    path("inspectors/<int:pk>/reviews/", views.review_add, name="review_add"),
    path("experts/", views.expert_list, name="expert_list"),
    path("experts/new/", views.expert_edit, name="expert_new"),
    path("experts/<int:pk>/edit/", views.expert_edit, name="expert_edit"),
    path("experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/trainings/", views.expert_training_add, name="expert_training_add"),
    path("supervisors/", views.supervisor_list, name="supervisor_list"),
    path("supervisors/new/", views.supervisor_edit, name="supervisor_new"),
    path("supervisors/<int:pk>/", views.supervisor_detail, name="supervisor_detail"),
    path("supervisors/<int:pk>/edit/", views.supervisor_edit, name="supervisor_edit"),
    path("supervisors/<int:pk>/end/", views.supervisor_end, name="supervisor_end"),
    path("supervisors/<int:pk>/trainings/", views.supervisor_training_add, name="supervisor_training_add"),
    path("import/", views.people_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
