from django.urls import path

from dudao.zones import public

app_name = "zones_public"

urlpatterns = [
    path("<str:code>/", public.school_page, name="school"),
]
