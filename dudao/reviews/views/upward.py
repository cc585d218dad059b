"""Views of reviews: upward (issue 21). Thin: parse, call a service or a read, render."""

from dudao.reviews.views._stub import stub


def review_list(request):
    return stub(request, "迎检")
