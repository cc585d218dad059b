from django.urls import path  # noqa: F401 -- each area appends its paths below

app_name = "quality"

# Pages of the quality app, grouped by area; each view module holds one area (rounds, scores, results,
# reports, external reports).
urlpatterns: list = []

# ---- rounds (views/rounds.py) ----
from dudao.quality.views import rounds as round_views  # noqa: E402

urlpatterns += [
    path("rounds/", round_views.round_list, name="round_list"),
    path("rounds/new/", round_views.round_create, name="round_create"),
    path("rounds/school-list-template/", round_views.school_list_template, name="school_list_template"),
    path("rounds/<int:pk>/", round_views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/draw/", round_views.round_draw, name="round_draw"),
    path("rounds/<int:pk>/publish/", round_views.round_publish, name="round_publish"),
    path("rounds/<int:pk>/schools/", round_views.round_schools, name="round_schools"),
]

# 学生成绩 (scores helper)
from dudao.quality.views import scores as score_views  # noqa: E402 -- grouped with its area

urlpatterns += [
    path("rounds/<int:pk>/scores/", score_views.scores_import_view, name="scores_import"),
    path("rounds/<int:pk>/scores/confirm/", score_views.scores_confirm, name="scores_confirm"),
    path("rounds/<int:pk>/scores/template/", score_views.scores_template, name="scores_template"),
    path("rounds/<int:pk>/scores/rows/", score_views.scores_rows, name="scores_rows"),
]

# Results (h19-pages): the county dashboard of a round and subject, and the Excel exports of its tables.
from dudao.quality.views import results as results_views  # noqa: E402

urlpatterns += [
    path("rounds/<int:pk>/results/", results_views.results, name="results"),
    path("rounds/<int:pk>/results/export.xlsx", results_views.results_export, name="results_export"),
    path("rounds/<int:pk>/results/school.xlsx", results_views.school_export, name="school_export"),
]
