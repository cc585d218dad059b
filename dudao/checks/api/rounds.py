"""rounds API (issue 23)."""

from ninja import Router

router = Router(tags=["专项检查与民办教育"])
