from django.urls import path

from dudao.checks.views import institutions
from dudao.checks.views import outputs
from dudao.checks.views._stub import stub

app_name = "checks"

# One block per area (views/<area>.py); append inside your block only.
urlpatterns = [
    # 专项检查 rounds, checklist, targets, coverage (views/rounds.py)
    path("", stub, {"title": "专项检查"}, name="round_list"),
    path("<int:pk>/", stub, {"title": "专项检查"}, name="round_detail"),

    # filling a checklist inside the visit form (views/fill.py)
    path("<int:pk>/targets/<int:target_pk>/fill/", stub, {"title": "填写检查清单"}, name="fill"),

    # 检查报告, 通报, 领导摘要 (views/outputs.py)
    path("<int:pk>/report.<str:fmt>", outputs.report, name="report"),
    path("<int:pk>/bulletin/", outputs.bulletin_draft, name="bulletin_draft"),
    path("<int:pk>/bulletin/publish/", outputs.bulletin_publish, name="bulletin_publish"),
    path("<int:pk>/summary/", outputs.summary_save, name="summary_save"),

    # 民办学校 and 校外培训机构 registry (views/institutions.py)
    path("institutions/", institutions.institution_list, name="institution_list"),
    path("institutions/<int:school_pk>/edit/", institutions.institution_edit, name="institution_edit"),
    path("institutions/import/", institutions.institution_import, name="institution_import"),
    path("institutions/import/template.xlsx", institutions.institution_import_template, name="institution_import_template"),

    # 年检 (views/annual.py)
    path("annual/", stub, {"title": "年检"}, name="annual_list"),
    path("annual/<int:pk>/", stub, {"title": "年检"}, name="annual_detail"),
    path("annual/reports/<int:pk>/", stub, {"title": "年检报告"}, name="annual_report"),

    # 违规查处 and 诚信记录 (views/violations.py)
    path("violations/", stub, {"title": "违规查处"}, name="violation_list"),
    path("violations/<int:pk>/", stub, {"title": "违规查处"}, name="violation_detail"),
    path("institutions/<int:school_pk>/credit/", stub, {"title": "诚信记录"}, name="credit_record"),

    # 因需督导 (views/requests.py)
    path("requests/", stub, {"title": "因需督导"}, name="request_list"),
    path("requests/<int:pk>/", stub, {"title": "督导申请"}, name="request_detail"),
]
