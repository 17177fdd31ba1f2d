"""Logins, failed logins and lockouts go to the audit log.

A failed login or lockout naming an existing account is placed at that account's region
(its primary assignment's), so the admins above it see it; an unknown username stays
without a place (superusers only). The answer to the caller is the same either way."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from accounts.roles import region_path_of
from accounts.throttle import client_ip, was_refused_unchecked
from audit.log import Action, record


def _client_ip(request) -> str | None:
    return client_ip(request) if request is not None else None


def account_named(username: str):
    """The account a typed username names, or ``None`` (with its region path)."""
    from accounts.models import User

    return User.objects.filter(username=username).first() if username else None


@receiver(user_logged_in)
def log_login(sender, request, user, **kwargs) -> None:
    first = user.assignments.select_related("region").first()
    record(
        user,
        Action.LOGIN,
        user,
        region_path=first.region.path if first else "",
        ip_address=_client_ip(request),
    )


@receiver(user_login_failed)
def log_failed_login(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    account = account_named(username)
    summary = f"账号 {username}"
    if request is not None and was_refused_unchecked(request):
        summary += "（已锁定，未校验密码）"
    record(
        None,
        Action.LOGIN_FAILED,
        account,
        summary=summary,
        region_path=region_path_of(account),
        ip_address=_client_ip(request),
    )


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs) -> None:
    """Once, when the limit is reached (axes also signals each refused attempt during the
    lockout; those have no fresh failure count)."""
    if request is None or getattr(request, "axes_failures_since_start", None) is None:
        return
    username = str(username or "")[:150]
    account = account_named(username)
    record(
        None,
        Action.LOCKOUT,
        account,
        summary=f"账号 {username}（来自 {ip_address}）",
        region_path=region_path_of(account),
        ip_address=ip_address,
    )
