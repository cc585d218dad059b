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
    path("committee/create/", committee_views.committee_create, name="committee_create"),
    path("committee/mine/", committee_views.committee_mine, name="committee_mine"),
    path("committee/import-template.xlsx", committee_views.committee_import_template, name="committee_import_template"),
    path("committee/<int:pk>/edit/", committee_views.committee_edit, name="committee_edit"),
    path("committee/<int:pk>/members/add/", committee_views.member_add, name="member_add"),
    path("committee/<int:pk>/coverage/", committee_views.coverage, name="committee_coverage"),
    path("committee/<int:pk>/duties.xlsx", committee_views.duties_xlsx, name="committee_duties_xlsx"),
    path("committee/<int:pk>/duties.docx", committee_views.duties_docx, name="committee_duties_docx"),
    path("committee/<int:pk>/import/", committee_views.committee_import, name="committee_import"),
    path("committee/members/<int:pk>/", committee_views.member_detail, name="member_detail"),
    path("committee/members/<int:pk>/edit/", committee_views.member_edit, name="member_edit"),
    path("committee/members/<int:pk>/deactivate/", committee_views.member_deactivate, name="member_deactivate"),
    path("committee/members/<int:pk>/activate/", committee_views.member_activate, name="member_activate"),
    path("committee/members/<int:pk>/delete/", committee_views.member_delete, name="member_delete"),
    path("committee/members/<int:pk>/duties/add/", committee_views.duty_add, name="duty_add"),
    path("committee/duties/<int:pk>/edit/", committee_views.duty_edit, name="duty_edit"),
    path("committee/duties/<int:pk>/delete/", committee_views.duty_delete, name="duty_delete"),
    path("committee/duties/<int:pk>/up/", committee_views.duty_up, name="duty_up"),
    path("committee/duties/<int:pk>/down/", committee_views.duty_down, name="duty_down"),

    # 述职评议 (views/rating.py)
    path("ratings/", rating_views.session_list, name="session_list"),

    # 教育督导公报 (views/bulletin.py)
    path("bulletins/", bulletin_views.bulletin_list, name="bulletin_list"),

    # 结果运用 (views/uses.py)
    path("uses/", use_views.use_list, name="use_list"),
]
