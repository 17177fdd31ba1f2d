"""Unlocking an account that too many failed logins locked (``accounts.throttle``)."""

from django.db import transaction
from django.utils.translation import gettext

from accounts import throttle
from accounts.models import User
from accounts.roles import region_path_of
from audit.log import Action, record
from notifications.domain import notify


@transaction.atomic
def unlock(actor, user: User) -> bool:
    """Forget the account's counted failures (on every address), audited, and tell the
    user; ``False`` when it was not locked. An address's own lockout is not lifted."""
    if not throttle.locked_usernames([user.username]).exists():
        return False
    throttle.unlock_username(user.username)
    entry = record(
        actor,
        Action.UPDATE,
        user,
        summary=gettext("解除登录锁定：%(user)s") % {"user": user.username},
        changes={"login_locked": [True, False]},
        region_path=region_path_of(user),
    )
    notify(
        [user],
        f"login-unlocked:{entry.pk}",
        gettext("您的账号已解除登录锁定"),
        gettext("管理员已解除因多次输错密码造成的锁定，您可以重新登录。"),
        "/accounts/me/",
    )
    return True
