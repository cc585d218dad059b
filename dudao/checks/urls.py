from django.urls import path

from dudao.checks.views._stub import stub

app_name = "checks"

# One block per area (views/<area>.py); append inside your block only.
urlpatterns = [
    # 专项检查 rounds, checklist, targets, coverage (views/rounds.py)
    path("", stub, {"title": "专项检查"}, name="round_list"),

    # filling a checklist inside the visit form (views/fill.py)

    # 检查报告, 通报, 领导摘要 (views/outputs.py)

    # 民办学校 and 校外培训机构 registry (views/institutions.py)
    path("institutions/", stub, {"title": "民办学校与校外培训机构"}, name="institution_list"),

    # 年检 (views/annual.py)
    path("annual/", stub, {"title": "年检"}, name="annual_list"),

    # 违规查处 and 诚信记录 (views/violations.py)
    path("violations/", stub, {"title": "违规查处"}, name="violation_list"),

    # 因需督导 (views/requests.py)
    path("requests/", stub, {"title": "因需督导"}, name="request_list"),
]
