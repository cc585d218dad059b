from django.urls import path  # noqa: F401 -- each area appends its paths below

app_name = "quality"

# Pages of the quality app, grouped by area; each view module holds one area (rounds, scores, results,
# reports, external reports).
urlpatterns: list = []

# Results (h19-pages): the county dashboard of a round and subject, and the Excel exports of its tables.
from dudao.quality.views import results as results_views  # noqa: E402

urlpatterns += [
    path("rounds/<int:pk>/results/", results_views.results, name="results"),
    path("rounds/<int:pk>/results/export.xlsx", results_views.results_export, name="results_export"),
    path("rounds/<int:pk>/results/school.xlsx", results_views.school_export, name="school_export"),
]
