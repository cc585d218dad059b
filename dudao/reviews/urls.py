from django.urls import path

from dudao.reviews.views import bulletin as bulletin_views
from dudao.reviews.views import committee as committee_views
from dudao.reviews.views import outputs as output_views
from dudao.reviews.views import rating as rating_views
from dudao.reviews.views import upward as upward_views
from dudao.reviews.views import uses as use_views

app_name = "reviews"

urlpatterns = [
    # 迎检 (views/upward.py)
    path("", upward_views.review_list, name="review_list"),

    # 迎检 outputs: 自评报告, 印证材料, 日程, 问题清单, 复查 (views/outputs.py)
    path("<int:pk>/outputs/", output_views.outputs, name="outputs"),
    path("<int:pk>/report/", output_views.report, name="report"),
    path("<int:pk>/report/save/", output_views.report_save, name="report_save"),
    path("<int:pk>/report/draft/", output_views.report_draft, name="report_draft"),
    path("<int:pk>/report/docx/", output_views.report_docx, name="report_docx"),
    path("<int:pk>/package/", output_views.package, name="package"),
    path("<int:pk>/package/start/", output_views.package_start, name="package_start"),
    path("<int:pk>/package/<int:package_pk>/", output_views.package_progress, name="package_progress"),
    path("<int:pk>/package/<int:package_pk>/download/", output_views.package_download, name="package_download"),
    path("<int:pk>/visits/", output_views.visits, name="visits"),
    path("<int:pk>/visits/add/", output_views.visit_add, name="visit_add"),
    path("<int:pk>/visits/<int:visit_pk>/edit/", output_views.visit_edit, name="visit_edit"),
    path("<int:pk>/visits/<int:visit_pk>/delete/", output_views.visit_delete, name="visit_delete"),
    path("<int:pk>/problems/", output_views.problems, name="problems"),
    path("<int:pk>/problems/import/", output_views.problem_import, name="problem_import"),
    path("<int:pk>/problems/template/", output_views.problem_template, name="problem_template"),
    path("<int:pk>/recheck/", output_views.recheck_create, name="recheck_create"),

    # 督导委员会 (views/committee.py)
    path("committee/", committee_views.committee, name="committee"),

    # 述职评议 (views/rating.py)
    path("ratings/", rating_views.session_list, name="session_list"),

    # 教育督导公报 (views/bulletin.py)
    path("bulletins/", bulletin_views.bulletin_list, name="bulletin_list"),

    # 结果运用 (views/uses.py)
    path("uses/", use_views.use_list, name="use_list"),
]
