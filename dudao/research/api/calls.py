"""API of area calls: 征集评选：作品、专家评分、排名、获奖与文集."""

from ninja import Router

router = Router(tags=["研究与征集评选"])
