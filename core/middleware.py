"""Which language a request is answered in; the request size cap; ``no-store`` for personal
pages; a locked database answered 503."""

from collections.abc import Callable

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

API_PREFIX = "/api/"


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
