from django.urls import path

from dudao.frameworks import views

app_name = "frameworks"

urlpatterns = [
    path("", views.framework_list, name="list"),
    path("template.xlsx", views.import_template, name="import_template"),
    path("from-template/", views.framework_from_template, name="from_template"),
    path("import/", views.framework_import, name="import"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/save/", views.framework_save, name="save"),
    path("<int:pk>/freeze/", views.framework_freeze, name="freeze"),
    path("<int:pk>/new-version/", views.framework_new_version, name="new_version"),
    path("<int:pk>/settings/", views.settings_save, name="settings"),
    path("<int:pk>/nodes/add/", views.node_add, name="node_add"),
    path("<int:pk>/nodes/update/", views.node_update, name="node_update"),
    path("<int:pk>/nodes/up/", views.node_up, name="node_up"),
    path("<int:pk>/nodes/down/", views.node_down, name="node_down"),
    path("<int:pk>/nodes/remove/", views.node_remove, name="node_remove"),
    path("<int:pk>/export.xlsx", views.export, {"fmt": "xlsx"}, name="export_xlsx"),
    path("<int:pk>/export.json", views.export, {"fmt": "json"}, name="export_json"),
]
