from django.urls import path

from dudao.reviews.views import bulletin as bulletin_views
from dudao.reviews.views import committee as committee_views
from dudao.reviews.views import projects as project_views
from dudao.reviews.views import rating as rating_views
from dudao.reviews.views import upward as upward_views
from dudao.reviews.views import uses as use_views

app_name = "reviews"

urlpatterns = [
    # 迎检 (views/upward.py)
    path("", upward_views.review_list, name="review_list"),

    # 迎检 outputs: 自评报告, 印证材料, 日程, 问题清单, 复查 (views/outputs.py)

    # 督导委员会 (views/committee.py)
    path("committee/", committee_views.committee, name="committee"),

    # 述职评议 (views/rating.py)
    path("ratings/", rating_views.session_list, name="session_list"),

    # 教育督导公报 (views/bulletin.py)
    path("bulletins/", bulletin_views.bulletin_list, name="bulletin_list"),

    # 结果运用 (views/uses.py)
    path("uses/", use_views.use_list, name="use_list"),

    # 帮扶项目 and project/group targets' member figures (views/projects.py)
    path("projects/", project_views.project_list, name="project_list"),
    path("projects/new/", project_views.project_create, name="project_create"),
    path("projects/<int:pk>/", project_views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", project_views.project_edit, name="project_edit"),
]
