from django.urls import path  # noqa: F401 -- the areas below add their routes

app_name = "planning"

urlpatterns = [
]
