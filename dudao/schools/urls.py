from django.urls import path

from dudao.schools import views

app_name = "schools"

urlpatterns = [
    path("", views.school_list, name="list"),
    path("<int:pk>/edit/", views.school_edit, name="edit"),
    path("import/", views.registry_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
]
