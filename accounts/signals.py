"""Logins and failed logins go to the audit log."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from audit.log import Action, record


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


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
    record(None, Action.LOGIN_FAILED, summary=f"账号 {username}", ip_address=_client_ip(request))
