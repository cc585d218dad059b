from django.urls import path

from dudao.reviews.views import bulletin as bulletin_views
from dudao.reviews.views import committee as committee_views
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
    path("uses/new/", use_views.use_create, name="use_create"),
    path("uses/annual/", use_views.use_annual, name="use_annual"),
    path("uses/annual/export/", use_views.use_annual_export, name="use_annual_export"),
    path("uses/<int:pk>/", use_views.use_detail, name="use_detail"),
    path("uses/<int:pk>/edit/", use_views.use_edit, name="use_edit"),
    path("uses/<int:pk>/delete/", use_views.use_delete, name="use_delete"),
]
