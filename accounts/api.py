"""Signing in to the JSON API: a username and password exchanged for a bearer token.

Phone clients and integrations call ``POST /api/auth/token`` once and then send
``Authorization: Bearer <token>`` (checked by ``lingyan.api.BearerToken``). Issuing a token is
a login: it is audited like one, and failed attempts like failed logins."""

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Router, Schema

from accounts.models import ApiToken
from core.api import ApiError, ErrorOut, InvalidOut

router = Router(tags=["认证"])


class Credentials(Schema):
    username: str = Field(min_length=1, max_length=150, description="登录账号")
    password: str = Field(min_length=1, max_length=1024, description="密码")


class TokenOut(Schema):
    token: str = Field(description="访问令牌：只返回这一次，请妥善保存")


@router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 422: InvalidOut},
    summary="用账号和密码换取访问令牌",
)
def issue_token(request: HttpRequest, credentials: Credentials) -> dict[str, str]:
    """A new bearer token for an active user. Wrong credentials and inactive users get the
    same 401 (``invalid_credentials``), so the answer does not tell which accounts exist."""
    user = authenticate(request, username=credentials.username, password=credentials.password)
    if user is None:
        raise ApiError(401, "invalid_credentials", "用户名或密码错误")
    with transaction.atomic():
        token = ApiToken.issue(user)
        # The same signal as a page login: audit entry and ``last_login``.
        user_logged_in.send(sender=type(user), request=request, user=user)
    return {"token": token}
