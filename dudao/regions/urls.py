from django.urls import path

from dudao.regions import views

app_name = "regions"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("units/", views.unit_list, name="unit_list"),
]
