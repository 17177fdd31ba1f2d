"""Which language a request is answered in; the request size cap; ``no-store`` for personal
pages; a locked database answered 503; the rule for typed text in the JSON API."""

import json
from collections.abc import Callable
from typing import Any

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext

from core.numbers import (
    DATE_MESSAGE,
    RANGE_MESSAGE,
    fields_out_of_date_range,
    fields_out_of_range,
    out_of_range,
)
from core.text import CONTROL_MESSAGE, fields_with_control_characters

API_PREFIX = "/api/"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's negotiation (language cookie, then ``Accept-Language``) for the pages; the JSON
    API always answers in ``LANGUAGE_CODE``. Its documentation, error texts and ``*_label``
    fields are Chinese, and a client's browser settings must not turn half of a response into
    English: the API is a contract, the pages are a UI."""

    def process_request(self, request):
        if request.path_info.startswith(API_PREFIX):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = translation.get_language()
            return
        super().process_request(request)


# --- Request size, no-store, a busy database ---------------------------------------------


def wants_json(request: HttpRequest) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    return (
        request.path_info.startswith((API_PREFIX, "/open311/"))
        or request.path_info.endswith(".json")
        or ("application/json" in accept and "text/html" not in accept)
    )


def status_page(
    request: HttpRequest, status: int, title: str, message: str, **headers: str
) -> HttpResponse:
    """A refusal in Chinese: a small page of its own (it may come before the session and the
    user are known), or ``{"detail": …}`` for the API and Open311."""
    if wants_json(request):
        response: HttpResponse = JsonResponse({"detail": f"{title}：{message}"}, status=status)
    else:
        page = render_to_string(
            "core/status_page.html", {"title": title, "message": message, "status": status}
        )
        response = HttpResponse(page, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


class RequestSizeLimitMiddleware:
    """The first middleware: a request whose declared body is larger than its limit is
    answered 413 before anything of it is read — an upload (``multipart/form-data``) over
    ``settings.REQUEST_MAX_BYTES``, any other body (a form, JSON) over Django's
    ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (which Django would otherwise answer 400, from inside
    the CSRF check)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        upload = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.REQUEST_MAX_BYTES if upload else settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            return too_large(request)
        return self.get_response(request)


def too_large(request: HttpRequest) -> HttpResponse:
    limit = settings.REQUEST_MAX_BYTES // (1024 * 1024)
    return status_page(
        request,
        413,
        gettext("提交的内容太大"),
        gettext("一次提交最多 %(limit)s MB（每张照片最多 10 MB）。请减少照片或压缩后再提交。")
        % {"limit": limit},
    )


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response to a signed-in user or an API token
    caller (after ``AuthenticationMiddleware``): their pages and JSON show personal data,
    which must not stay in a shared computer's browser cache or a proxy. A response that set
    its own ``Cache-Control`` keeps it (the photo files: ``private``, cached by the browser
    only). Static files never get here (WhiteNoise answers them first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        personal = (user is not None and user.is_authenticated) or (
            "HTTP_AUTHORIZATION" in request.META
        )
        if personal and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class DatabaseBusyMiddleware:
    """The last middleware: a view that meets a locked SQLite database (another user's long
    write) answers 503 with ``Retry-After`` and a page saying so, never a 500; what the user
    submitted was not saved, and the page says to submit it again. Also a body over Django's
    in-memory limit (``RequestDataTooBig``) answers 413 rather than 400."""

    RETRY_AFTER = "5"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return too_large(request)
        if is_database_locked(exception):
            return busy(request)
        return None


def is_database_locked(exception: BaseException) -> bool:
    return isinstance(exception, OperationalError) and (
        "database is locked" in str(exception) or "database table is locked" in str(exception)
    )


def busy(request: HttpRequest) -> HttpResponse:
    message = gettext("其他用户正在写入大量数据，请稍后重试。")
    if request.method not in ("GET", "HEAD"):
        message += gettext("您提交的内容尚未保存：请返回上一页，内容仍在，稍等几秒后再次提交。")
    return status_page(
        request,
        503,
        gettext("系统繁忙，请稍后重试"),
        message,
        Retry_After=DatabaseBusyMiddleware.RETRY_AFTER,
    )


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with ``settings.CONTENT_SECURITY_POLICY``, and one page of its own: the API
    docs (``/api/docs``, django-ninja's vendored Swagger UI) set inline styles and draw SVG
    icons from ``data:`` URLs, so that page alone may use inline styles. Its scripts are
    static files like everyone's (ninja's ``swagger-ui-init.js``)."""

    API_DOCS = "/api/docs"

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info == self.API_DOCS and parts.update is None:
            parts.update = {"style-src": [UNSAFE_INLINE]}
        return parts


class ApiInputMiddleware:
    """The input rules of the JSON API, checked before any endpoint reads its arguments:

    - typed text (``core.text``): a query parameter, form field or JSON value (at any depth)
      holding a control character is answered 422 in the API's error shape, each such field
      named. The pages apply the same rule through their forms (``core.forms``), Open311 in
      its own error format (``open311.api``);
    - integers fit the database's 64 bits (``core.numbers``): a path segment beyond them is
      an id no row can have (404, as for a missing row), a parameter or body value beyond
      them is answered 422. The pages' ``<int:…>`` converter has the same bound;
    - a date or time outside 1900–2199 (``core.numbers``) is answered 422, as the pages'
      date fields refuse it (``core.forms``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(API_PREFIX):
            if any(out_of_range(part) for part in request.path_info.split("/")):
                return JsonResponse(
                    {"detail": "未找到该记录，或您无权访问。", "code": "not_found"}, status=404
                )
            data = api_input(request)
            errors = (
                [
                    {"field": name, "message": CONTROL_MESSAGE}
                    for name in dict.fromkeys(fields_with_control_characters(data))
                ]
                + [
                    {"field": name, "message": RANGE_MESSAGE}
                    for name in dict.fromkeys(fields_out_of_range(data))
                ]
                + [
                    {"field": name, "message": DATE_MESSAGE}
                    for name in dict.fromkeys(fields_out_of_date_range(data))
                ]
            )
            if errors:
                return JsonResponse(
                    {"detail": "请求参数有误", "code": "invalid", "errors": errors}, status=422
                )
        return self.get_response(request)


def api_input(request) -> dict[str, Any]:
    """The request's query parameters and body values by name (a body that cannot be read
    is left to the endpoint, which answers it)."""
    data: dict[str, Any] = dict(request.GET.lists())
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body)
            except ValueError:
                body = None
            if isinstance(body, dict):
                data.update(body)
            elif body is not None:
                data["body"] = body
        elif request.content_type in FORM_TYPES:
            data.update(request.POST.lists())
            names = [u.name or "" for _, uploads in request.FILES.lists() for u in uploads]
            data["file name"] = names
    return data
