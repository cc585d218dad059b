"""The checks API (issue 23 item 6), one module per area, mounted at /api/v1/ by dudao/api.py: check rounds and
the tablet's checklist submission (rounds, fill), institutions with licence and 年检 status (institutions)."""

from ninja import Router

from dudao.checks.api import fill, institutions, rounds

router = Router()
router.add_router("/", rounds.router)
router.add_router("/", fill.router)
router.add_router("/", institutions.router)
