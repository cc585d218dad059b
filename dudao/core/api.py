"""POST /api/v1/auth/token: username + password → bearer token (the login page's throttling applies);
POST /api/v1/auth/token/revoke: revoke the token the request is made with."""

from ninja import Field, Router, Schema, Status

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


class AuthErrorOut(Schema):
    detail: str
    errors: list[dict] = []


class AuthFailed(ApplicationError):
    status = 401


class Throttled(ApplicationError):
    status = 429


@router.post("/token", auth=None, response={200: TokenOut, 401: AuthErrorOut, 429: AuthErrorOut})
def issue_token(request, payload: TokenIn):
    result = login_attempt(request=request, username=payload.username, password=payload.password, via="api")
    if result.user is None:
        raise (Throttled if result.refused else AuthFailed)(result.error)
    key, token = token_issue(user=result.user, ip=client_ip(request))
    return {"token": key, "expires_at": token.expires_at.isoformat()}


@router.post("/token/revoke", response={204: None, 400: AuthErrorOut, 401: AuthErrorOut})
def revoke_token(request):
    """Revoke the bearer token this request carries (a script logging out). Session requests have none."""
    token = getattr(request, "api_token", None)
    if token is None:
        raise ApplicationError("本接口只能撤销当前请求所用的 Bearer 令牌。")
    token_revoke(actor=request.user, token=token)
    return Status(204, None)
