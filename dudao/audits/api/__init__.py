"""The audits API (issue 24), one module per area, mounted at /api/v1/ by dudao/api.py."""

from ninja import Router

from dudao.audits.api import cases

router = Router()
router.add_router("/", cases.router)
