"""督政 in depth (issue 21): 迎检 of the district by higher levels, the 督导委员会 and its 述职评议, the annual 公报,
and the register of how results are used. One module per area; projects (强校工程, 委托管理…) live in schools
because inspections can target them."""

from dudao.reviews.models.bulletin import *  # noqa: F403
from dudao.reviews.models.committee import *  # noqa: F403
from dudao.reviews.models.upward import *  # noqa: F403
from dudao.reviews.models.uses import *  # noqa: F403
