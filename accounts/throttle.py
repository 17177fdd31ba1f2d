"""Login throttling on ``/login/`` and ``POST /api/auth/token``, with django-axes.

Axes counts failed logins per account (the typed username) and per address, and its
authentication backend refuses every login of a locked account or address — the right
password included — until the cool-off has passed since the last counted failure. Axes has
one failure limit; ``LoginThrottle`` gives the address its own, higher one
(``settings.LOGIN_FAILURES_PER_ADDRESS``): a village office shares one address.

The two login views answer a lockout themselves (429 with ``Retry-After``: the login page
with a Chinese message, the API with its error shape); ``lockout_response`` is the
middleware's fallback for any other ``authenticate()`` caller.
"""

import math
from datetime import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext


def client_ip(request: HttpRequest) -> str | None:
    """The caller's address: ``REMOTE_ADDR``, or behind ``settings.LOGIN_PROXY_COUNT``
    trusted proxies the address they appended to ``X-Forwarded-For`` (never one the client
    wrote itself)."""
    count = settings.LOGIN_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if count > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def _limits() -> list[int]:
    """The limit of each of ``AXES_LOCKOUT_PARAMETERS`` (username, ip_address), in order."""
    return [settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_FAILURES_PER_ADDRESS]


class LoginThrottle(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter. Axes compares one number
    with ``AXES_FAILURE_LIMIT`` (the account limit): ``get_failures`` answers that limit
    when any parameter has reached its own, and stays below it otherwise."""

    def _counted(self, request, credentials: dict | None) -> list[tuple[int, datetime | None]]:
        return [
            (row["n"] or 0, row["last"])
            for row in (
                attempts.aggregate(n=Sum("failures_since_start"), last=Max("attempt_time"))
                for attempts in self.get_user_attempts(request, credentials)
            )
        ]

    def get_failures(self, request, credentials: dict | None = None) -> int:
        limit = settings.AXES_FAILURE_LIMIT
        counted = self._counted(request, credentials)
        if any(n >= cap for (n, _), cap in zip(counted, _limits(), strict=False)):
            return limit
        return min(max((n for n, _ in counted), default=0), limit - 1)

    def retry_after(self, request, credentials: dict | None = None) -> int:
        """Seconds until the lockout that refused this request ends (at least 1)."""
        cool_off = get_cool_off(request)
        now = timezone.now()
        ends = [
            last + cool_off
            for (n, last), cap in zip(self._counted(request, credentials), _limits(), strict=False)
            if n >= cap and last is not None and cool_off is not None
        ]
        if not ends:
            return int(cool_off.total_seconds()) if cool_off else 60
        return max(1, math.ceil((max(ends) - now).total_seconds()))


def retry_after(request: HttpRequest, username: str | None) -> int:
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    if isinstance(handler, LoginThrottle):
        return handler.retry_after(request, {"username": username})
    return settings.LOGIN_COOLOFF_MINUTES * 60


def lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return gettext(
        "登录失败次数过多，已暂时锁定。请 %(minutes)s 分钟后再试，或联系管理员解锁。"
    ) % {"minutes": minutes}


def is_locked_out(request: HttpRequest) -> bool:
    """This login was refused for a lockout, or its failure just reached a limit."""
    return bool(getattr(request, "axes_locked_out", False))


def was_refused_unchecked(request: HttpRequest) -> bool:
    """This login was refused by an existing lockout, its password never checked (axes
    counts no failure for it, so it has no fresh failure count)."""
    return is_locked_out(request) and getattr(request, "axes_failures_since_start", None) is None


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """The middleware's answer to a locked-out request. The login page and the token
    endpoint already answered 429 themselves; anything else gets a plain 429."""
    if original_response is not None and original_response.status_code == 429:
        return original_response
    username = (credentials or {}).get("username")
    seconds = retry_after(request, username)
    message = lockout_message(seconds)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": message, "code": "locked_out", "retry_after": seconds}, status=429
        )
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(seconds)
    return response


def locked_usernames(usernames=None):
    """The usernames locked out as accounts right now (their own count has reached the
    account limit within the cool-off; an address lockout is not theirs), among
    ``usernames`` or all: a query of ``username`` values, usable as a subquery."""
    cool_off = get_cool_off()
    attempts = AccessAttempt.objects.all()
    if usernames is not None:
        attempts = attempts.filter(username__in=list(usernames))
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return (
        attempts.values("username")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.LOGIN_FAILURES_PER_ACCOUNT)
        .values("username")
    )


def unlock_username(username: str) -> int:
    """Forget the counted failures of one account (on every address)."""
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    return count
