"""Accounts: a user holds role assignments, each a role at a place in the tree.

What a user may see and do follows from these rows alone (``accounts.scope``)."""

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
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


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token itself is
    shown once, when issued."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.digest[:8]}"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User) -> str:
        token = secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=cls.digest_of(token))
        return token
