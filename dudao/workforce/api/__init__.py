"""The workforce API (issue 24), one module per area, mounted at /api/v1/ by dudao/api.py."""

from ninja import Router

from dudao.workforce.api import allowances, appointments, training

router = Router()
router.add_router("/", training.router)
router.add_router("/", appointments.router)
router.add_router("/", allowances.router)
