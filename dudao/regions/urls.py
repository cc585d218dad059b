from django.urls import path

from dudao.regions import views

app_name = "regions"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/", views.unit_list, name="unit_list"),
    # 区划边界 for the cockpit map (area: map)
    path("<str:code>/boundary/", views.boundary, name="boundary"),
    path("<str:code>/boundary/upload/", views.boundary_upload, name="boundary_upload"),
    path("<str:code>/boundary/towns/", views.town_boundaries_upload, name="boundary_towns_upload"),
]
