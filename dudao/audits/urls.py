from django.urls import path

from dudao.audits.views import cases

app_name = "audits"

# One block per area (views/<area>.py); append inside your block only.
urlpatterns = [
    # cases: 审计计划、审计事项、审计组、资料、发现问题、审计报告与公开 (views/cases.py)
    path("", cases.case_list, name="case_list"),
]
