"""生成问题清单: the office turns a round's results into findings (one POST; services/loop.py)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from dudao.core.models import Role
from dudao.core.web import attempt, require_role
from dudao.quality.selectors import office_round_or_404
from dudao.quality.services.loop import findings_from_round


@login_required
@require_POST
@require_role(Role.OFFICE)
def round_findings(request, pk: int):
    round_ = office_round_or_404(request.user, pk)

    def write() -> str:
        raised = findings_from_round(actor=request.user, round=round_)
        return (f"已生成 {raised} 条问题，列入问题清单（来源：质量监测）。" if raised else
                "没有需要新增的问题：符合条件的学校均已列入问题清单。")

    attempt(request, write)
    return redirect("quality:round_detail", pk=round_.pk)
