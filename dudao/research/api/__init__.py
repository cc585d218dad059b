"""The research API (issue 24), one module per area, mounted at /api/v1/ by dudao/api.py."""

from ninja import Router

from dudao.research.api import calls, projects

router = Router()
router.add_router("/", calls.router)
router.add_router("/", projects.router)
