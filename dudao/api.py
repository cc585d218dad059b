"""The JSON API (/api/v1/): each app contributes a router; auth and errors are handled here once.

Errors: every 4xx is `dudao.core.api_errors.ErrorOut` with a Chinese `detail`; the OpenAPI document declares
the error statuses of every operation (defaults by shape in `declare_error_responses`; an operation adds its
own extra ones, e.g. 409, with `openapi_extra=error_responses(409)`). The schema (/api/v1/openapi.json) needs a
session or a bearer token; the browsable docs (/api/v1/docs) need a logged-in session.
"""

import datetime
import functools

from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from dudao.core.api_errors import STATUS_MESSAGES, declare_error_responses, error_body, install_error_handlers
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


def docs_behind_login(view):
    """/api/v1/docs: a logged-in session, else the login page. /api/v1/openapi.json: a session or a valid
    bearer token, else 401 (a script reads the schema with the token it uses for the API)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        match = request.resolver_match
        if match is not None and match.url_name == "openapi-json":
            if BearerToken()(request) is not None:
                return view(request, *args, **kwargs)
            response = JsonResponse(error_body(STATUS_MESSAGES[401]), status=401,
                                    json_dumps_params={"ensure_ascii": False})
            response["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        return redirect_to_login(request.get_full_path())

    return wrapper


class DudaoAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        return declare_error_responses(super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params))


api = DudaoAPI(
    title="Dudao 督导 API",
    version="1",
    description="教育督导管理平台接口。浏览器会话或 Bearer 令牌认证；数据范围与网页一致。"
    "错误响应统一为 {detail, errors}：detail 是可直接展示的中文说明，errors 列出每一处问题。",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
    docs_decorator=docs_behind_login,
)
install_error_handlers(api)


from dudao.audits.api import router as audits_router  # noqa: E402
from dudao.checks.api import router as checks_router  # noqa: E402
from dudao.core.api import router as core_router  # noqa: E402
from dudao.dashboard.api import router as dashboard_router  # noqa: E402
from dudao.frameworks.api import router as frameworks_router  # noqa: E402
from dudao.inspections.api import router as inspections_router  # noqa: E402
from dudao.monitoring.api import router as monitoring_router  # noqa: E402
from dudao.people.api import router as people_router  # noqa: E402
from dudao.planning.api import router as planning_router  # noqa: E402
from dudao.quality.api import router as quality_router  # noqa: E402
from dudao.rectification.api import router as rectification_router  # noqa: E402
from dudao.regions.api import router as regions_router  # noqa: E402
from dudao.research.api import router as research_router  # noqa: E402
from dudao.reviews.api import router as reviews_router  # noqa: E402
from dudao.schools.api import router as schools_router  # noqa: E402
from dudao.surveys.api import router as surveys_router  # noqa: E402
from dudao.workforce.api import router as workforce_router  # noqa: E402
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
api.add_router("/", rectification_router)
api.add_router("/", quality_router)
api.add_router("/", planning_router)
api.add_router("/", reviews_router)
api.add_router("/", checks_router)
api.add_router("/", workforce_router)
api.add_router("/", research_router)
api.add_router("/", audits_router)
api.add_router("/", dashboard_router)
