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
    path("bulletins/new/", bulletin_views.bulletin_create, name="bulletin_create"),
    path("bulletins/<int:pk>/", bulletin_views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/body/", bulletin_views.bulletin_body, name="bulletin_body"),
    path("bulletins/<int:pk>/refresh/", bulletin_views.bulletin_refresh, name="bulletin_refresh"),
    path("bulletins/<int:pk>/fields/add/", bulletin_views.field_add, name="bulletin_field_add"),
    path("bulletins/<int:pk>/fields/<int:field_pk>/", bulletin_views.field_update, name="bulletin_field_update"),
    path("bulletins/<int:pk>/fields/<int:field_pk>/reset/", bulletin_views.field_reset, name="bulletin_field_reset"),
    path("bulletins/<int:pk>/fields/<int:field_pk>/required/", bulletin_views.field_required,
         name="bulletin_field_required"),
    path("bulletins/<int:pk>/fields/<int:field_pk>/delete/", bulletin_views.field_delete, name="bulletin_field_delete"),
    path("bulletins/<int:pk>/fields.xlsx", bulletin_views.bulletin_fields_export, name="bulletin_fields_export"),
    path("bulletins/<int:pk>/publish/", bulletin_views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/withdraw/", bulletin_views.bulletin_withdraw, name="bulletin_withdraw"),
    path("bulletins/<int:pk>/download.<str:fmt>", bulletin_views.bulletin_download, name="bulletin_download"),

    # 结果运用 (views/uses.py)
    path("uses/", use_views.use_list, name="use_list"),
]
