"""API of area allowances: 兼职督学劳务补贴."""

from ninja import Router

router = Router(tags=["督学队伍"])
