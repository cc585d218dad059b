"""论文、案例、研究成果征集评选与文集，课题过程管理 (issue 24). One module per area:

- `calls`: 征集评选：作品、专家评分、排名、获奖与文集
- `projects`: 课题：成员、开题、中期、结题
"""

from dudao.research.models.calls import *  # noqa: F403
from dudao.research.models.projects import *  # noqa: F403
