"""Issuing, revoking and checking Open311 API keys (GeoReport v2: ``api_key`` is required to
POST a service request). A key is shown to the county admin once, when issued; only its
digest is kept."""

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from audit.log import Action, record
from open311.models import ApiKey
from orgs.models import Region

# ``last_used`` is written at most this often, not on every request.
LAST_USED_GRANULARITY = timedelta(minutes=1)


class KeyRefused(Exception):
    """The key cannot be issued as asked; ``field`` says which input is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    key: str  # the secret itself, to be shown once


def issue_key(
    actor, county: Region, client_name: str, contact: str = "", *, key: str | None = None
) -> IssuedKey:
    """Issue a new key for a client of ``county``. ``key`` fixes the secret (the demo county's
    well-known key); otherwise a random one is made.

    Side effects: one ``ApiKey`` row and one audit entry (without the secret)."""
    if county.level != Region.Level.COUNTY:
        raise KeyRefused("county", "密钥只能签发给县（旗）。")
    client_name = client_name.strip()
    if not client_name:
        raise KeyRefused("client_name", "请填写客户端名称。")
    secret = key or ApiKey.new_key()
    digest = ApiKey.digest_of(secret)
    with transaction.atomic():
        if ApiKey.objects.filter(digest=digest).exists():
            raise KeyRefused("key", "该密钥已存在。")
        api_key = ApiKey.objects.create(
            region=county,
            region_path=county.path,
            client_name=client_name,
            contact=contact.strip(),
            digest=digest,
            hint=secret[:6],
            issued_by=actor if actor is not None and actor.is_authenticated else None,
        )
        record(
            actor,
            Action.CREATE,
            api_key,
            region_path=county.path,
            summary=f"Open311 密钥 {api_key}",
            changes={"client_name": [None, client_name], "contact": [None, api_key.contact]},
        )
    return IssuedKey(api_key, secret)


def revoke_key(actor, api_key: ApiKey) -> bool:
    """Revoke ``api_key`` (compare-and-set: only an active key is revoked, once). Returns
    whether this call revoked it.

    Side effects: ``revoked_at``/``revoked_by`` set and one audit entry, or nothing."""
    now = timezone.now()
    with transaction.atomic():
        changed = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=actor if actor and actor.is_authenticated else None
        )
        if changed:
            record(
                actor,
                Action.UPDATE,
                api_key,
                region_path=api_key.region_path,
                summary=f"吊销 Open311 密钥 {api_key}",
                changes={"revoked_at": [None, now.isoformat()]},
            )
    return bool(changed)


def authenticate(secret: str) -> ApiKey | None:
    """The active key whose secret is ``secret``, or ``None``."""
    if not secret:
        return None
    found = (
        ApiKey.objects.select_related("region")
        .filter(digest=ApiKey.digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    if found is None:
        return None
    now = timezone.now()
    if found.last_used is None or now - found.last_used >= LAST_USED_GRANULARITY:
        ApiKey.objects.filter(pk=found.pk).update(last_used=now)
    return found
