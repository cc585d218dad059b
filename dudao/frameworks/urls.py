from django.urls import path

from dudao.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("template.xlsx", views.import_template, name="import_template"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<int:pk>/export.json", views.export, {"fmt": "json"}, name="export_json"),
]
