"""Views of reviews: committee (issue 21). Thin: parse, call a service or a read, render."""

from dudao.reviews.views._stub import stub


def committee(request):
    return stub(request, "督导委员会")
