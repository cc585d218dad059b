"""The reviews API (issue 21 item 6), one module per area, mounted at /api/v1/ by dudao/api.py. Scoped like the
pages: a unit user sees only its own assignments."""

from ninja import Router

from dudao.reviews.api import projects, upward, uses

router = Router()
router.add_router("/", upward.router)
router.add_router("/", uses.router)
router.add_router("/", projects.router)
