from django.urls import path  # noqa: F401 -- each area appends its paths below

app_name = "quality"

# Pages of the quality app, grouped by area; each view module holds one area (rounds, scores, results,
# reports, external reports).
urlpatterns: list = []
