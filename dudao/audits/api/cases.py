"""API of area cases: 审计计划、审计事项、审计组、资料、发现问题、审计报告与公开."""

from ninja import Router

router = Router(tags=["内审"])
