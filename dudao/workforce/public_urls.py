from django.urls import path

from dudao.workforce import public

app_name = "workforce_public"

urlpatterns = [
    path("<str:key>/", public.card, name="card"),
]
