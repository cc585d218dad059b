from django.urls import path

from dudao.rectification import public

app_name = "results"

urlpatterns = [
    path("", public.results, name="list"),
    path("<int:pk>/", public.result_detail, name="detail"),
    path("feed.atom", public.ResultsFeed(), name="feed"),
]
