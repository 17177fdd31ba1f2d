"""Passwords and the active flag: a user's own change, an admin's reset, deactivation and
reactivation. Each is one transaction with its audit entry; the user is notified where the
change concerns them.

Initial passwords (issued or reset) are generated, shown once to the admin, and must be
changed at the first login (``User.must_change_password``, enforced by
``accounts.middleware``)."""

import secrets

from django.contrib.auth.hashers import PBKDF2PasswordHasher, get_hasher, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from audit.log import Action, record
from core.paths import common_path
from notifications import domain as inbox

# No 0/o, 1/l/i: an initial password is read off a sheet of paper and typed on a phone.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
GROUPS = (4, 4, 4)
# An initial password has 12 random characters of 31 (59 bits) and lives until the first
# login, where Django re-hashes it with the full work factor. Hashing it with fewer PBKDF2
# rounds keeps a roster of 800 accounts to seconds instead of ten minutes; an offline guess
# still costs about 2^58 × 5,000 rounds.
INITIAL_ITERATIONS = 5_000


class AccountRefused(ValueError):
    """A refused account change; ``errors`` maps a field (or ``""``) to Chinese messages."""

    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        if isinstance(errors, str):
            errors = {"": [errors]}
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def generate_password() -> str:
    """A readable random password, e.g. ``k7mp-x3qa-9tcw``."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(n)) for n in GROUPS)


def initial_hash(password: str) -> str:
    """The stored hash of an initial password (see ``INITIAL_ITERATIONS``)."""
    hasher = get_hasher("default")
    if isinstance(hasher, PBKDF2PasswordHasher):
        return hasher.encode(password, hasher.salt(), iterations=INITIAL_ITERATIONS)
    return make_password(password)


def region_path_of(user: User) -> str:
    """Where an entry about ``user`` lies in the tree: the common node of their roles, so the
    admins above every role see it."""
    return common_path(user.assignments.values_list("region__path", flat=True))


def notify(user: User, key: str, title: str, body: str = "", url: str = "") -> None:
    """Tell the account's owner (once per key) through the shared inbox."""
    inbox.notify([user], key, title, body, url)


@transaction.atomic
def change_own_password(user: User, new_password: str, *, ip_address: str | None = None) -> None:
    """The user chose a new password (already validated by Django's password form)."""
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record(
        user,
        Action.PASSWORD_CHANGE,
        user,
        summary=f"{user.username} 修改了自己的密码",
        region_path=region_path_of(user),
        ip_address=ip_address,
    )


def _check_other(actor: User, user: User) -> None:
    if user.pk == actor.pk:
        raise AccountRefused(
            gettext("不能对自己的账号执行此操作；修改自己的密码请到「修改密码」。")
        )


@transaction.atomic
def reset_password(actor: User, user: User) -> str:
    """A new initial password for ``user`` (in the actor's write scope, checked by the
    caller); returned once, to be handed over; the user must change it at the next login."""
    _check_other(actor, user)
    password = generate_password()
    user.password = initial_hash(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record(
        actor,
        Action.PASSWORD_RESET,
        user,
        summary=f"重置账号 {user.username} 的密码",
        region_path=region_path_of(user),
    )
    notify(
        user,
        f"password-reset:{user.pk}:{timezone.now().timestamp():.0f}",
        gettext("您的密码已由管理员重置"),
        gettext("%(actor)s 重置了您的密码。如非您本人申请，请联系管理员。") % {"actor": actor},
    )
    return password


@transaction.atomic
def set_active(actor: User, user: User, active: bool) -> None:
    """Deactivate (the account can no longer log in; its history stays) or reactivate."""
    _check_other(actor, user)
    if user.is_active == active:
        raise AccountRefused(
            gettext("该账号已是启用状态。") if active else gettext("该账号已是停用状态。")
        )
    user.is_active = active
    user.save(update_fields=["is_active"])
    record(
        actor,
        Action.REACTIVATE if active else Action.DEACTIVATE,
        user,
        summary=("启用账号 " if active else "停用账号 ") + user.username,
        changes={"is_active": [not active, active]},
        region_path=region_path_of(user),
    )
    if active:
        notify(
            user,
            f"account-reactivated:{user.pk}:{timezone.now().timestamp():.0f}",
            gettext("您的账号已重新启用"),
        )
