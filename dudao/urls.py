from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from dudao.api import api
from dudao.core.views import legacy_public_redirect

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
    path("quality/", include("dudao.quality.urls")),
    path("planning/", include("dudao.planning.urls")),
    path("reviews/", include("dudao.reviews.urls")),
    path("checks/", include("dudao.checks.urls")),
    path("workforce/", include("dudao.workforce.urls")),
    path("research/", include("dudao.research.urls")),
    path("audits/", include("dudao.audits.urls")),
    # Public pages (no login): the plaque page behind a school's QR code, published results, surveys.
    path("public/plaque/", include("dudao.zones.public_urls")),
    path("public/results/", include("dudao.rectification.public_urls")),
    path("public/survey/", include("dudao.surveys.public_urls")),
    path("public/card/", include("dudao.workforce.public_urls")),
    # The first releases printed QR codes and notices with these short prefixes: they keep working.
    path("gs/<path:rest>", legacy_public_redirect, {"prefix": "/public/plaque/"}),
    path("gk/", legacy_public_redirect, {"prefix": "/public/results/", "rest": ""}),
    path("gk/<path:rest>", legacy_public_redirect, {"prefix": "/public/results/"}),
    path("dc/<path:rest>", legacy_public_redirect, {"prefix": "/public/survey/"}),
    path("api/v1/", api.urls),
    # Browsers ask for /favicon.ico on pages without an icon link (PDF previews, the API docs).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
]

handler400 = "dudao.core.views.bad_request"
handler404 = "dudao.core.views.page_not_found"
