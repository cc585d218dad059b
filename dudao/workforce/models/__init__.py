"""培训活动与签到、督学聘任（推荐、资格审核、公示、任命、聘书与督学证）、劳务补贴 (issue 24). One module per area:

- `training`: 培训活动、签到、结业与培训证书、40 学时达标
- `appointments`: 督学聘任、公示、聘书与督学证、公开验证
- `allowances`: 兼职督学劳务补贴
"""

from dudao.workforce.models.allowances import *  # noqa: F403
from dudao.workforce.models.appointments import *  # noqa: F403
from dudao.workforce.models.training import *  # noqa: F403
