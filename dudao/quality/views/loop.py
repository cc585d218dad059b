"""生成问题清单: the office turns a round's results into findings (one POST; services/loop.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from dudao.core.errors import ApplicationError
from dudao.core.models import Role
from dudao.core.scope import get_visible_or_404, holds_role_in
from dudao.core.web import require_role
from dudao.quality.models import Round
from dudao.quality.services.loop import findings_from_round


def round_page(round_id: int) -> str:
    try:
        return reverse("quality:round_detail", args=[round_id])
    except NoReverseMatch:  # the round pages are another area's; until they exist, the findings list
        return reverse("rectification:ledger") + "?source=quality"


@login_required
@require_POST
@require_role(Role.OFFICE)
def round_findings(request, pk: int):
    round_ = get_visible_or_404(Round.objects.all(), request.user, pk=pk)
    if not holds_role_in(request.user, round_.region_id, Role.OFFICE):
        raise Http404
    try:
        raised = findings_from_round(actor=request.user, round=round_)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已生成 {raised} 条问题，列入问题清单（来源：质量监测）。" if raised else
                         "没有需要新增的问题：符合条件的学校均已列入问题清单。")
    return redirect(round_page(round_.pk))
