"""POST /api/v1/auth/token: username + password → bearer token (the login page's throttling applies);
POST /api/v1/auth/token/revoke: revoke the token the request is made with."""

from ninja import Field, Router, Schema, Status

from dudao.core.api_errors import error_responses
from dudao.core.errors import ApplicationError
from dudao.core.middleware import client_ip
from dudao.core.services import login_attempt, token_issue, token_revoke

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=1024)


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: str


class AuthFailed(ApplicationError):
    status = 401


class Throttled(ApplicationError):
    status = 429


@router.post("/token", auth=None, response=TokenOut, openapi_extra=error_responses(401, 429))
def issue_token(request, payload: TokenIn):
    result = login_attempt(request=request, username=payload.username, password=payload.password, via="api")
    if result.user is None:
        raise (Throttled if result.refused else AuthFailed)(result.error)
    key, token = token_issue(user=result.user, ip=client_ip(request))
    return {"token": key, "expires_at": token.expires_at.isoformat()}


@router.post("/token/revoke", response={204: None})
def revoke_token(request):
    """Revoke the bearer token this request carries (a script logging out). Session requests have none."""
    token = getattr(request, "api_token", None)
    if token is None:
        raise ApplicationError("本接口只能撤销当前请求所用的 Bearer 令牌。")
    token_revoke(actor=request.user, token=token)
    return Status(204, None)
