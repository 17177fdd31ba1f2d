"""The JSON API for phone clients (the mini-program) and integrations, with its OpenAPI
description at ``/api/openapi.json`` and interactive docs at ``/api/docs``.

This module holds what every app's router shares: the ``NinjaAPI`` instance, the two ways to
sign in (a bearer token from ``POST /api/auth/token``, or the browser pages' session cookie
with its CSRF check), one shape for every error (``{"detail", "code"}``; 422 adds per-field
``errors``), and the paginator. Each app keeps its endpoints in its own ``<app>/api.py``
router, mounted at the bottom of this file; those routers reach protected rows only through
``accounts.scope`` (``visible`` / ``get_for_user``), like every view.
"""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from accounts.api import router as accounts_router
from accounts.models import ApiToken, User
from core.api import ApiError, FormOrJsonParser, document_shared_answers
from incidents.api import router as incidents_router
from orglife.api import router as orglife_router
from orgs.api import router as orgs_router
from points.api import router as points_router
from services.api import router as services_router

NOT_FOUND = "未找到该记录，或您无权访问。"
# A token's ``last_used`` is written at most this often, not on every request.
LAST_USED_GRANULARITY = timedelta(minutes=1)


# ---------------------------------------------------------------------------------------------
# Authentication


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``, the token from ``POST /api/auth/token``. A header
    that is present but wrong — unknown, expired, revoked, or of an inactive user — is
    refused outright rather than falling back to the session. The token row is kept on the
    request (``api_token``) for ``POST /api/auth/logout``."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        now = timezone.now()
        found = (
            ApiToken.objects.usable(now)
            .select_related("user")
            .filter(digest=ApiToken.digest_of(token))
            .first()
        )
        if found is None or not found.user.is_active:
            raise AuthenticationError()
        if found.last_used is None or now - found.last_used >= LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=found.pk).update(last_used=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


class SessionCookie(SessionAuth):
    """The browser pages' own session, so that they may call the API. Because browsers send
    the cookie by themselves, unsafe methods must carry the CSRF token (ninja checks it here,
    not in the middleware). A request without the session cookie is simply not signed in
    this way: it gets 401, not a CSRF error."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        try:
            return super()._get_key(request)
        except HttpError:
            raise ApiError(403, "csrf_failed", "CSRF 校验失败，请刷新页面后重试。") from None

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return super().authenticate(request, key) if key else None


class LingyanApi(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return document_shared_answers(super().get_openapi_schema(**kwargs))


api = LingyanApi(
    title="Lingyan API",
    version="1",
    description="领雁（党建引领乡村治理）数据接口。先用 POST /api/auth/token 换取令牌，"
    "再以 Authorization: Bearer <令牌> 访问；每个接口只返回当前账号权限范围内的数据。",
    urls_namespace="api",
    # The bearer token first: a request that carries one never depends on the cookie, so it
    # needs no CSRF token even when the browser also sends a session cookie.
    auth=[BearerToken(), SessionCookie()],
    parser=FormOrJsonParser(),
)


# ---------------------------------------------------------------------------------------------
# Errors


def error_response(
    request: HttpRequest, status: int, code: str, detail: str, **extra: Any
) -> HttpResponse:
    response = api.create_response(
        request, {"detail": detail, "code": code, **extra}, status=status
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


# ninja's own HttpErrors, answered in Chinese with a code.
HTTP_ERRORS = {
    400: ("bad_request", "请求体无法解析，请发送有效的 JSON。"),
    401: ("not_authenticated", "请先登录，或提供有效的访问令牌。"),
    403: ("forbidden", "您无权执行此操作。"),
    429: ("throttled", "请求过于频繁，请稍后再试。"),
}


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, ApiError):
        return error_response(request, exc.status_code, exc.code, exc.message)
    code, detail = HTTP_ERRORS.get(exc.status_code, ("error", exc.message))
    return error_response(request, exc.status_code, code, detail)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """Missing and out-of-scope rows give the same answer (``accounts.scope``)."""
    return error_response(request, 404, "not_found", NOT_FOUND)


# pydantic error types, said in Chinese; ``ctx`` fills the placeholders.
FIELD_MESSAGES = {
    "missing": "此项必填。",
    "int_parsing": "请填写整数。",
    "int_type": "请填写整数。",
    "int_from_float": "请填写整数。",
    "bool_parsing": "请填写 true 或 false。",
    "bool_type": "请填写 true 或 false。",
    "string_type": "请填写文本。",
    "greater_than_equal": "不能小于 {ge}。",
    "greater_than": "必须大于 {gt}。",
    "less_than_equal": "不能大于 {le}。",
    "less_than": "必须小于 {lt}。",
    "string_too_short": "至少 {min_length} 个字符。",
    "string_too_long": "最多 {max_length} 个字符。",
    "enum": "可选值：{expected}。",
    "literal_error": "可选值：{expected}。",
    "model_attributes_type": "格式不正确，应为 JSON 对象。",
    "dict_type": "格式不正确，应为 JSON 对象。",
    "date_parsing": "请填写日期，如 2026-11-23。",
    "date_from_datetime_parsing": "请填写日期，如 2026-11-23。",
    "date_type": "请填写日期，如 2026-11-23。",
    "datetime_parsing": "请填写时间，如 2026-11-23T09:30:00+08:00。",
    "datetime_from_date_parsing": "请填写时间，如 2026-11-23T09:30:00+08:00。",
    "datetime_type": "请填写时间，如 2026-11-23T09:30:00+08:00。",
    "list_type": "应为列表。",
}


def field_name(loc: Sequence[Any]) -> str:
    """``("query", "limit")`` → ``limit``; ``("body", "credentials", "username")`` →
    ``username``: the source and the view's parameter name mean nothing to a client."""
    parts = [str(part) for part in loc[1:]]
    if loc and loc[0] == "body" and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


def field_message(error: dict[str, Any]) -> str:
    template = FIELD_MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", "取值无效。"))
    # pydantic lists choices as "'a', 'b' or 'c'".
    ctx = {key: str(value).replace(" or ", ", ") for key, value in error.get("ctx", {}).items()}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return str(error.get("msg", "取值无效。"))


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": field_name(error.get("loc", ())), "message": field_message(error)}
        for error in exc.errors
    ]
    return error_response(request, 422, "invalid", "请求参数有误", errors=errors)


api.add_router("/auth/", accounts_router)
api.add_router("/", orgs_router)
api.add_router("/orglife/", orglife_router)
api.add_router("/services/", services_router)
api.add_router("/incidents/", incidents_router)
api.add_router("/points/", points_router)
