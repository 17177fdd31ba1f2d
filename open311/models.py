"""Open311 GeoReport v2 (PRODUCT.md capability 4): the API keys a county issues to the civic
clients that post service requests, and what such a client sent beyond the platform's own
request fields.

A key is shown once, when issued; only its SHA-256 is stored (like ``accounts.ApiToken``).
It belongs to one county: the requests it posts land in that county's villages only."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Region


class ApiKey(models.Model):
    """An Open311 client's ``api_key``, issued and revoked by a county admin."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="open311_keys", verbose_name=_("县")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    client_name = models.CharField(_("客户端名称"), max_length=100)
    contact = models.CharField(_("联系方式"), max_length=200, blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("密钥开头"), max_length=8, editable=False)
    issued_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("签发人"),
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("吊销人"),
    )
    last_used = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 密钥")
        ordering = ["region_path", "-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.client_name} · {self.hint}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @staticmethod
    def digest_of(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(24)


class Submission(models.Model):
    """What an Open311 client sent with a service request beyond the platform's own fields:
    the key it used, the token it was given (GeoReport v2 ``batch`` services), the values of
    the service definition's attributes, and the submitter's contact details. The request
    itself is an ordinary ``services.ServiceRequest`` (``source=open311``) in its village's
    dispatch queue. The contact fields are personal data: stored for the dispatcher, never
    returned by the Open311 GETs, masked on the pages."""

    request = models.OneToOneField(
        "services.ServiceRequest", on_delete=models.CASCADE, related_name="open311"
    )
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="submissions")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    token = models.CharField(max_length=64, unique=True, editable=False)
    attributes = models.JSONField(_("属性"), default=dict, blank=True)
    address_id = models.CharField(_("地址编号"), max_length=64, blank=True)
    email = models.CharField(_("电子邮箱"), max_length=254, blank=True)
    phone = models.CharField(_("电话"), max_length=32, blank=True)
    first_name = models.CharField(_("名"), max_length=50, blank=True)
    last_name = models.CharField(_("姓"), max_length=50, blank=True)
    device_id = models.CharField(_("设备编号"), max_length=100, blank=True)
    account_id = models.CharField(_("客户端账号"), max_length=100, blank=True)
    media_url = models.URLField(_("媒体链接"), max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 诉求")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return f"Open311 {self.request_id}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(16)
