"""Views of reviews: rating (issue 21). Thin: parse, call a service or a read, render."""

from dudao.reviews.views._stub import stub


def session_list(request):
    return stub(request, "述职评议")
