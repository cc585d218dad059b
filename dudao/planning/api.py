"""The planning API: /api/v1/plans, /api/v1/calendar, /api/v1/chronicle (issue 20 item 9)."""

from ninja import Router

router = Router(tags=["工作计划"])
