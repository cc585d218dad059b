"""The quality API: /api/v1/quality/rounds… (issue 19 item 7). Rounds are scoped like every object; a school's
token sees only its own school in results and value-added."""

from ninja import Router

router = Router(tags=["学业质量监测"])


# ---- 学生成绩 (scores helper) ----------------------------------------------------------------------------------

from ninja import File, Form, Status  # noqa: E402 -- grouped with its area
from ninja.files import UploadedFile  # noqa: E402

from dudao.core.api_errors import error_responses  # noqa: E402
from dudao.core.errors import ApplicationError, RowError  # noqa: E402
from dudao.core.scope import get_visible_or_404  # noqa: E402
from dudao.core.tabular import read_import_file  # noqa: E402
from dudao.quality.models import Round  # noqa: E402
from dudao.quality.services.scores import scores_import  # noqa: E402


class _ScoresNeedConfirmation(ApplicationError):
    status = 409

    def __init__(self, warnings: list[dict]):
        super().__init__(f"有 {len(warnings)} 条数据提示需要确认，未导入。核对无误后以 confirm=true 重新上传。",
                         [RowError(**w) for w in warnings])


@router.post("/quality/rounds/{round_id}/scores", response={201: dict}, openapi_extra=error_responses(404, 409))
def upload_scores(request, round_id: int, file: File[UploadedFile], confirm: Form[bool] = False):
    """Upload a 学生成绩 file for a round (office of its county): 400 with every error (nothing imported), 409 with
    the warnings to confirm, else 201 with the counts (rows, replaced, prior_from_file, prior_linked, …)."""
    found = get_visible_or_404(Round.objects.all(), request.user, pk=round_id)
    result = scores_import(actor=request.user, round=found, data=read_import_file(file), filename=file.name or "",
                           confirm=confirm)
    if result.needs_confirmation:
        raise _ScoresNeedConfirmation([w.as_dict() for w in result.warnings])
    return Status(201, result.as_dict())
