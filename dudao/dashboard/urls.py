from django.urls import path

from dudao.dashboard import views

app_name = "dashboard"

# The profile pages keep the addresses they had under schools/ and regions/ (dashboard's urls come first).
urlpatterns = [
    path("", views.home, name="home"),
    path("schools/<int:pk>/", views.school_detail, name="school_detail"),
    path("regions/units/<int:pk>/", views.unit_detail, name="unit_detail"),
]
