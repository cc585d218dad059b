"""API of area training: 培训活动、签到、结业与培训证书、40 学时达标."""

from ninja import Router

router = Router(tags=["督学队伍"])
