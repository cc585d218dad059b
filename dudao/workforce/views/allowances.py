"""Pages of area allowances: 兼职督学劳务补贴. The skeleton's stubs are replaced by the real views."""

from dudao.workforce.views._stub import stub


def allowance_list(request):
    return stub(request, "劳务补贴")

