"""The JSON API (/api/v1/): each app contributes a router; auth and errors are handled here once."""

import datetime

from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from dudao.core.errors import ApplicationError
from dudao.core.middleware import client_ip
from dudao.core.models import ApiToken

LAST_USED_GRANULARITY = datetime.timedelta(minutes=1)


class BearerToken(HttpBearer):
    """Bearer tokens issued by POST /auth/token; forged, revoked or expired ones get 401."""

    def authenticate(self, request, token: str):
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash_key(token), revoked=False, expires_at__gt=timezone.now())
            .first()
        )
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        ip = client_ip(request)
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_GRANULARITY or found.last_used_ip != ip:
            # Recorded to the minute: a write on every request would make reads contend for the write lock.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now, last_used_ip=ip)
        request.user = found.user
        request.api_token = found
        return found.user


api = NinjaAPI(
    title="Dudao 督导 API",
    version="1",
    description="教育督导管理平台接口。浏览器会话或 Bearer 令牌认证；数据范围与网页一致。",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(
        request, {"detail": exc.message, "errors": [e.as_dict() for e in exc.errors]}, status=exc.status
    )


from dudao.core.api import router as core_router  # noqa: E402
from dudao.frameworks.api import router as frameworks_router  # noqa: E402
from dudao.inspections.api import router as inspections_router  # noqa: E402
from dudao.monitoring.api import router as monitoring_router  # noqa: E402
from dudao.people.api import router as people_router  # noqa: E402
from dudao.regions.api import router as regions_router  # noqa: E402
from dudao.schools.api import router as schools_router  # noqa: E402
from dudao.surveys.api import router as surveys_router  # noqa: E402
from dudao.zones.api import router as zones_router  # noqa: E402

api.add_router("/auth", core_router)
api.add_router("/", regions_router)
api.add_router("/schools", schools_router)
api.add_router("/inspectors", people_router)
api.add_router("/", zones_router)
api.add_router("/", monitoring_router)
api.add_router("/", surveys_router)
api.add_router("/", frameworks_router)
api.add_router("/", inspections_router)
