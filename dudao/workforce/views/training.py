"""Pages of area training: 培训活动、签到、结业与培训证书、40 学时达标. The skeleton's stubs are replaced by the real views."""

from dudao.workforce.views._stub import stub


def event_list(request):
    return stub(request, "培训活动")


def hours(request):
    return stub(request, "学时达标")

