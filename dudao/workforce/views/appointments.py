"""Pages of area appointments: 督学聘任、公示、聘书与督学证、公开验证. The skeleton's stubs are replaced by the real views."""

from dudao.workforce.views._stub import stub


def appointment_list(request):
    return stub(request, "督学聘任")

