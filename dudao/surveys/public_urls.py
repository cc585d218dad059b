from django.urls import path

from dudao.surveys import public

app_name = "surveys_public"

urlpatterns = [
    path("<str:token>/<str:code>/", public.answer, name="answer"),
]
