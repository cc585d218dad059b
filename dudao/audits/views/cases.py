"""Pages of area cases: 审计计划、审计事项、审计组、资料、发现问题、审计报告与公开. The skeleton's stubs are replaced by the real views."""

from dudao.audits.views._stub import stub


def case_list(request):
    return stub(request, "内审")

