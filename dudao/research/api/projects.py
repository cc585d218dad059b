"""API of area projects: 课题：成员、开题、中期、结题."""

from ninja import Router

router = Router(tags=["研究与征集评选"])
