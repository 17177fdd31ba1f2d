"""Accounts: a user holds role assignments, each a role at a place in the tree.

What a user may see and do follows from these rows alone (``accounts.scope``)."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from orgs.models import Grid, Household, Member, Organization, Region, Unit


class User(AbstractUser):
    display_name = models.CharField(_("显示名称"), max_length=100, blank=True)
    # An issued or reset password is known to the admin who handed it out: the user must
    # choose their own before anything else (``accounts.middleware``).
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args, **kwargs) -> None:
        """Any password change — by the user, an admin's reset, ``set_password()`` and
        ``save()`` anywhere — revokes all of the user's API tokens. (Django's own rehash of
        a password on login leaves ``_password`` unset and revokes nothing.)"""
        password_changed = getattr(self, "_password", None) is not None
        super().save(*args, **kwargs)
        if password_changed:
            from accounts.domain.tokens import revoke_all

            revoke_all(self, reason=gettext("修改密码"))


class Role(models.TextChoices):
    ADMIN = "admin", _("管理员")
    BRANCH = "branch", _("支部账号")
    GRID_WORKER = "grid_worker", _("网格员")
    MEMBER = "member", pgettext_lazy("singular", "党员")
    RESIDENT = "resident", _("村民")
    UNIT = "unit", _("服务单位")
    CLERK = "clerk", _("超市管理员")


# The subject each role acts for; ``region`` is always set and places the assignment.
ROLE_SUBJECT = {
    Role.ADMIN: None,
    Role.BRANCH: "organization",
    Role.GRID_WORKER: "grid",
    Role.MEMBER: "member",
    Role.RESIDENT: "household",
    Role.UNIT: "unit",
    Role.CLERK: None,
}
SUBJECT_FIELDS = ("organization", "grid", "member", "household", "unit")


class RoleAssignment(models.Model):
    """A role held by a user at a node. An admin at a county is the county admin (县级管理员);
    at a township, the township admin. A clerk runs the love supermarket of ``region``."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    grid = models.ForeignKey(
        Grid, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("角色分配")

    def __str__(self) -> str:
        return f"{self.user} · {self.label}"

    @property
    def label(self) -> str:
        if self.role == Role.ADMIN:
            return gettext("%(region)s管理员") % {"region": self.region.name}
        subject = ROLE_SUBJECT[Role(self.role)]
        place = getattr(self, subject) if subject else self.region
        return f"{place} · {self.get_role_display()}"

    def clean(self) -> None:
        required = ROLE_SUBJECT[Role(self.role)]
        for field in SUBJECT_FIELDS:
            present = getattr(self, f"{field}_id") is not None
            if field == required and not present:
                raise ValidationError({field: gettext("该角色必须指定。")})
            if field != required and present:
                raise ValidationError({field: gettext("该角色不应指定此项。")})


def token_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now: datetime | None = None) -> "ApiTokenQuerySet":
        """Neither revoked nor expired (the user's being active is checked apart)."""
        return self.filter(revoked__isnull=True, expires__gt=now or timezone.now())


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token itself is
    shown once, when issued. It expires ``settings.API_TOKEN_DAYS`` after it was issued
    (fixed, not extended by use) and is revoked by ``POST /api/auth/logout``, by its user
    or an admin above them on the pages, and by any change of the user's password."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(_("签发时间"), auto_now_add=True)
    last_used = models.DateTimeField(_("最近使用"), null=True, blank=True)
    expires = models.DateTimeField(_("到期时间"), default=token_expiry)
    revoked = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("访问令牌")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.prefix}"

    @property
    def prefix(self) -> str:
        """What the pages show of a token: the start of its digest (not of the token)."""
        return self.digest[:8]

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.revoked is None and self.expires > (now or timezone.now())

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def create_for(cls, user: User) -> "tuple[str, ApiToken]":
        token = secrets.token_urlsafe(32)
        return token, cls.objects.create(user=user, digest=cls.digest_of(token))

    @classmethod
    def issue(cls, user: User) -> str:
        return cls.create_for(user)[0]
