from django.urls import path

from dudao.reviews.views import bulletin as bulletin_views
from dudao.reviews.views import committee as committee_views
from dudao.reviews.views import outputs as output_views
from dudao.reviews.views import projects as project_views
from dudao.reviews.views import rating as rating_views
from dudao.reviews.views import upward as upward_views
from dudao.reviews.views import uses as use_views

app_name = "reviews"

urlpatterns = [
    # 迎检 (views/upward.py)
    path("", upward_views.review_list, name="review_list"),
    path("new/", upward_views.review_create, name="review_create"),
    path("tasks/", upward_views.my_tasks, name="my_tasks"),
    path("board/", upward_views.province_board, name="province_board"),
    path("indicators/template.xlsx", upward_views.indicators_template, name="indicators_template"),
    path("<int:pk>/", upward_views.review_detail, name="review_detail"),
    path("<int:pk>/edit/", upward_views.review_edit, name="review_edit"),
    path("<int:pk>/move/", upward_views.review_move, name="review_move"),
    path("<int:pk>/board/", upward_views.review_board, name="review_board"),
    path("<int:pk>/indicators/import/", upward_views.indicators_import, name="indicators_import"),
    path("<int:pk>/indicators/confirm/", upward_views.indicators_confirm, name="indicators_confirm"),
    path("<int:pk>/scores/", upward_views.self_scores, name="self_scores"),
    path("<int:pk>/assign/", upward_views.assignments_create, name="assignments_create"),
    path("assignments/<int:pk>/", upward_views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/edit/", upward_views.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/delete/", upward_views.assignment_delete, name="assignment_delete"),
    path("assignments/<int:pk>/evidence/", upward_views.evidence_submit, name="evidence_submit"),
    path("evidence/<int:pk>/accept/", upward_views.evidence_accept, name="evidence_accept"),
    path("evidence/<int:pk>/return/", upward_views.evidence_return, name="evidence_return"),

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
    path("ratings/new/", rating_views.session_create, name="session_create"),
    path("ratings/mine/", rating_views.session_mine, name="session_mine"),
    path("ratings/<int:pk>/", rating_views.session_detail, name="session_detail"),
    path("ratings/<int:pk>/edit/", rating_views.session_edit, name="session_edit"),
    path("ratings/<int:pk>/open/", rating_views.session_open, name="session_open"),
    path("ratings/<int:pk>/close/", rating_views.session_close, name="session_close"),
    path("ratings/<int:pk>/reopen/", rating_views.session_reopen, name="session_reopen"),
    path("ratings/<int:pk>/publish/", rating_views.session_publish, name="session_publish"),
    path("ratings/<int:pk>/unpublish/", rating_views.session_unpublish, name="session_unpublish"),
    path("ratings/<int:pk>/reporters/add/", rating_views.reporters_add, name="session_reporters_add"),
    path("ratings/<int:pk>/reporters/default/", rating_views.reporters_default, name="session_reporters_default"),
    path("ratings/<int:pk>/raters/add/", rating_views.rater_add, name="session_rater_add"),
    path("ratings/<int:pk>/links/", rating_views.rater_links, name="session_links"),
    path("ratings/<int:pk>/results/", rating_views.session_results, name="session_results"),
    path("ratings/<int:pk>/result.docx", rating_views.session_document, name="session_document"),
    path("ratings/<int:pk>/findings/", rating_views.session_findings, name="session_findings"),
    path("ratings/<int:pk>/findings/raise/", rating_views.findings_raise, name="session_findings_raise"),
    path("ratings/reporters/<int:pk>/remove/", rating_views.reporter_remove, name="reporter_remove"),
    path("ratings/reporters/<int:pk>/up/", rating_views.reporter_move, {"up": True}, name="reporter_up"),
    path("ratings/reporters/<int:pk>/down/", rating_views.reporter_move, {"up": False}, name="reporter_down"),
    path("ratings/reporters/<int:pk>/report/", rating_views.report_upload, name="reporter_report"),
    path("ratings/raters/<int:pk>/remove/", rating_views.rater_remove, name="rater_remove"),
    path("ratings/raters/<int:pk>/reissue/", rating_views.rater_reissue, name="rater_reissue"),
    path("rate/<str:key>/", rating_views.rate_sheet, name="rate_sheet"),
    path("rate/<str:key>/save/", rating_views.rate_save, name="rate_save"),
    path("rate/<str:key>/submit/", rating_views.rate_submit, name="rate_submit"),

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
    path("uses/new/", use_views.use_create, name="use_create"),
    path("uses/annual/", use_views.use_annual, name="use_annual"),
    path("uses/annual/export/", use_views.use_annual_export, name="use_annual_export"),
    path("uses/<int:pk>/", use_views.use_detail, name="use_detail"),
    path("uses/<int:pk>/edit/", use_views.use_edit, name="use_edit"),
    path("uses/<int:pk>/delete/", use_views.use_delete, name="use_delete"),

    # 帮扶项目 and project/group targets' member figures (views/projects.py)
    path("projects/", project_views.project_list, name="project_list"),
    path("projects/new/", project_views.project_create, name="project_create"),
    path("projects/<int:pk>/", project_views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", project_views.project_edit, name="project_edit"),
]
