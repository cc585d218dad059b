from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from dudao.api import api

urlpatterns = [
    path("", include("dudao.dashboard.urls")),
    path("", include("dudao.core.urls")),
    path("regions/", include("dudao.regions.urls")),
    path("schools/", include("dudao.schools.urls")),
    path("people/", include("dudao.people.urls")),
    path("zones/", include("dudao.zones.urls")),
    path("documents/", include("dudao.documents.urls")),
    path("rectification/", include("dudao.rectification.urls")),
    path("monitoring/", include("dudao.monitoring.urls")),
    path("surveys/", include("dudao.surveys.urls")),
    path("frameworks/", include("dudao.frameworks.urls")),
    path("inspections/", include("dudao.inspections.urls")),
    path("gs/", include("dudao.zones.public_urls")),
    path("gk/", include("dudao.rectification.public_urls")),
    path("dc/", include("dudao.surveys.public_urls")),
    path("api/v1/", api.urls),
    # Browsers ask for /favicon.ico on pages without an icon link (PDF previews, the API docs).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
]

handler400 = "dudao.core.views.bad_request"
handler404 = "dudao.core.views.page_not_found"
