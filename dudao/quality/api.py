"""The quality API: /api/v1/quality/rounds… (issue 19 item 7). Rounds are scoped like every object; a school's
token sees only its own school in results and value-added."""

from ninja import Router

router = Router(tags=["学业质量监测"])
