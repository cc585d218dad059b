"""Views of reviews: bulletin (issue 21). Thin: parse, call a service or a read, render."""

from dudao.reviews.views._stub import stub


def bulletin_list(request):
    return stub(request, "督导公报")
