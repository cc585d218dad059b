from django.urls import path  # noqa: F401 -- each area appends its paths below

app_name = "quality"

# Pages of the quality app, grouped by area; each view module holds one area (rounds, scores, results,
# reports, external reports).
urlpatterns: list = []

# ---- external reports (views/external.py) ------------------------------------------------------------------
from dudao.quality.views import external  # noqa: E402 -- grouped with its paths

urlpatterns += [
    path("external/", external.external_index, name="external_index"),
    path("external/school/<int:school_id>/", external.external_school, name="external_school"),
    path("external/school/<int:school_id>/upload/", external.external_upload, name="external_upload"),
    path("external/<int:pk>/download/", external.external_download, name="external_download"),
]
