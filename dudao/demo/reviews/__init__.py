"""The demo's 督政 in depth (issue 21): a 强校工程 project and a 教管中心 annual assessment (targets), the city's
2026 履行教育职责评价 of 示范区 in progress (upward, outputs), the committee and a finished 述职评议 of the towns
(committee), last year's 公报 (bulletin), and uses of last year's results (uses, last: it reads the others)."""

from dudao.demo.reviews import bulletin, committee, outputs, rating, targets, upward, uses


def load_reviews(*, admin, office_user, county) -> None:
    for part in (targets, upward, outputs, committee, rating, bulletin, uses):
        part.load(admin=admin, office_user=office_user, county=county)
