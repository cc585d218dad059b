"""The reviews API (issue 21 item 6): /api/v1/reviews, /api/v1/result-uses. Scoped like the pages."""

from ninja import Router

router = Router(tags=["督政与迎检"])
