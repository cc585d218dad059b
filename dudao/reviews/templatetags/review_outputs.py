"""{% outputs_panel review %}: the outputs panel (自评报告, 印证材料, 日程, 问题清单, 复查) for the review page."""

from django import template

from dudao.reviews.selectors.outputs import panel

register = template.Library()


@register.inclusion_tag("reviews/outputs_panel.html", takes_context=True)
def outputs_panel(context, review):
    """Nothing for a unit that sees the review through its assignment: the outputs are the office's."""
    request = context.get("request")
    user = getattr(request, "user", None)
    data = panel(user, review)
    return data if data["reader"] else {"reader": False}
