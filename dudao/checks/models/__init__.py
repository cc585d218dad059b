"""专项检查, 民办学校 and 校外培训机构 年检 and violations, and 因需督导 (issue 23). One module per area; the
institutions' registry fields (licence, scope, 白名单, 资金监管) live in schools (`InstitutionProfile`)."""

from dudao.checks.models.annual import *  # noqa: F403
from dudao.checks.models.requests import *  # noqa: F403
from dudao.checks.models.rounds import *  # noqa: F403
from dudao.checks.models.submissions import *  # noqa: F403
from dudao.checks.models.violations import *  # noqa: F403
