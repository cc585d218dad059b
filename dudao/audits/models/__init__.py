"""学校领导干部离任、轮岗审计 (issue 24). One module per area:

- `cases`: 审计计划、审计事项、审计组、资料、发现问题、审计报告与公开
"""

from dudao.audits.models.cases import *  # noqa: F403
