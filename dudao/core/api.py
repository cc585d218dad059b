"""POST /api/v1/auth/token: username + password → bearer token (same lockout as the login page)."""

from django.contrib.auth import authenticate
from ninja import Router, Schema

from dudao.core.api_errors import error_responses
from dudao.core.errors import ApplicationError
from dudao.core.middleware import client_ip
from dudao.core.services import login_failed, login_locked, token_issue

router = Router(tags=["认证"])


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: str


class AuthFailed(ApplicationError):
    status = 401


@router.post("/token", auth=None, response=TokenOut, openapi_extra=error_responses(401, 429))
def issue_token(request, payload: TokenIn):
    if login_locked(payload.username):
        raise AuthFailed("账号因多次登录失败已被临时锁定，请稍后再试或联系管理员。")
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        login_failed(username=payload.username, ip=client_ip(request))
        raise AuthFailed("用户名或密码错误。")
    key, token = token_issue(user=user)
    return {"token": key, "expires_at": token.expires_at.isoformat()}
