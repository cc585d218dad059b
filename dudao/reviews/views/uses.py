"""Views of reviews: uses (issue 21). Thin: parse, call a service or a read, render."""

from dudao.reviews.views._stub import stub


def use_list(request):
    return stub(request, "结果运用")
