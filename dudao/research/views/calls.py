"""Pages of area calls: 征集评选：作品、专家评分、排名、获奖与文集. The skeleton's stubs are replaced by the real views."""

from dudao.research.views._stub import stub


def call_list(request):
    return stub(request, "征集评选")

