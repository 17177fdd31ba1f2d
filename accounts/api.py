"""Signing in to the JSON API: a username and password exchanged for a bearer token.

Phone clients and integrations call ``POST /api/auth/token`` once and then send
``Authorization: Bearer <token>`` (checked by ``lingyan.api.BearerToken``). Issuing a token is
a login: it is audited like one, and failed attempts like failed logins."""

from datetime import datetime

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from accounts import throttle
from accounts.domain.tokens import revoke
from accounts.models import ApiToken
from core.api import ApiError, ErrorOut, InvalidOut

router = Router(tags=["认证"])


class Credentials(Schema):
    username: str = Field(min_length=1, max_length=150, description="登录账号")
    password: str = Field(min_length=1, max_length=1024, description="密码")


class TokenOut(Schema):
    token: str = Field(description="访问令牌：只返回这一次，请妥善保存")
    expires: datetime = Field(description="到期时间；到期、注销、修改密码后令牌失效")


class LockedOut(ErrorOut):
    """429: too many failed logins for this account or from this address."""

    retry_after: int = Field(description="还需等待的秒数（同 Retry-After 响应头）")


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: InvalidOut, 429: LockedOut},
    summary="用账号和密码换取访问令牌",
    openapi_extra={
        "responses": {
            429: {
                "headers": {
                    "Retry-After": {
                        "description": "还需等待的秒数",
                        "schema": {"type": "integer"},
                    }
                }
            }
        }
    },
)
def issue_token(request: HttpRequest, credentials: Credentials, response: HttpResponse) -> Status:
    """A new bearer token for an active user. Wrong credentials and inactive users get the
    same 401 (``invalid_credentials``), so the answer does not tell which accounts exist.
    After too many failures for the account or from the address every attempt, the right
    password included, gets 429 (``locked_out``) with ``Retry-After`` until the cool-off
    has passed."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        if throttle.is_locked_out(request):
            seconds = throttle.retry_after(request, credentials.username)
            response["Retry-After"] = str(seconds)
            return Status(
                429,
                {
                    "detail": throttle.lockout_message(seconds),
                    "code": "locked_out",
                    "retry_after": seconds,
                },
            )
        raise ApiError(401, "invalid_credentials", "用户名或密码错误")
    if user.must_change_password:
        # An issued or reset password is for the first sign-in on the web only, where the
        # user must replace it; a token got with it would outlive that password.
        raise ApiError(403, "password_change_required", "请先登录网页修改初始密码，再使用接口")
    with transaction.atomic():
        token, stored = ApiToken.create_for(user)
        # The same signal as a page login: audit entry and ``last_login``.
        user_logged_in.send(sender=type(user), request=request, user=user)
    return Status(200, {"token": token, "expires": stored.expires})


@router.post(
    "/logout",
    response={204: None, 400: ErrorOut, 401: ErrorOut},
    summary="注销当前访问令牌",
)
def logout(request: HttpRequest) -> Status:
    """Revoke the bearer token this request was signed in with; later requests with it get
    401. A browser session has no token here (400 ``no_token``): it signs out at /logout/."""
    token = getattr(request, "api_token", None)
    if token is None:
        raise ApiError(400, "no_token", "此接口用于注销访问令牌，请以 Bearer 令牌调用。")
    revoke(request.user, token)
    return Status(204, None)
