from django.urls import path  # noqa: F401 -- each area appends its paths below

app_name = "quality"

# Pages of the quality app, grouped by area; each view module holds one area (rounds, scores, results,
# reports, external reports).
urlpatterns: list = []

# 学生成绩 (scores helper)
from dudao.quality.views import scores as score_views  # noqa: E402 -- grouped with its area

urlpatterns += [
    path("rounds/<int:pk>/scores/", score_views.scores_import_view, name="scores_import"),
    path("rounds/<int:pk>/scores/confirm/", score_views.scores_confirm, name="scores_confirm"),
    path("rounds/<int:pk>/scores/template/", score_views.scores_template, name="scores_template"),
    path("rounds/<int:pk>/scores/rows/", score_views.scores_rows, name="scores_rows"),
]
