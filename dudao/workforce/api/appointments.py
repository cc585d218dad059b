"""API of area appointments: 督学聘任、公示、聘书与督学证、公开验证."""

from ninja import Router

router = Router(tags=["督学队伍"])
