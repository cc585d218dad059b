"""Pages of area projects: 课题：成员、开题、中期、结题. The skeleton's stubs are replaced by the real views."""

from dudao.research.views._stub import stub


def project_list(request):
    return stub(request, "课题")

