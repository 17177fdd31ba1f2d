"""Sending inbox messages (站内消息) and reading them. Every app tells the people a change
concerns through ``notify``; nobody writes notification rows by hand (the exceptions are
set-based inserts of many rows with different texts at once — the orglife sweep's reminders
and the welcome messages of a roster import (``accounts.domain.issuing``) — and they keep the
same key rule).

A message is keyed by what it is about (``incident-close:17``): sending the same key to the
same person twice is refused by the model's unique constraint, so a retried request or sweep
never repeats a message."""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from notifications.models import Notification


def notify(
    users: Iterable,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    *,
    at: datetime | None = None,
) -> int:
    """One message per person for ``key`` (users or user ids; duplicates and ``None`` are
    dropped); a person who already has this key gets nothing new. Returns how many rows
    were offered (not necessarily written: a repeat is silently refused)."""
    ids = sorted({getattr(u, "pk", u) for u in users if u is not None})
    if not ids:
        return 0
    at = at or timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=user_id,
                key=key[:64],
                title=title[:200],
                body=body,
                url=url[:200],
                created_at=at,
            )
            for user_id in ids
        ],
        ignore_conflicts=True,
    )
    return len(ids)


def residents_of(household_id: int | None) -> list[int]:
    """The resident accounts of a household: whom a change to its points concerns."""
    if household_id is None:
        return []
    return residents_by_household([household_id]).get(household_id, [])


def residents_by_household(household_ids: Iterable[int | None]) -> dict[int, list[int]]:
    """The resident accounts of each of several households, in one query."""
    from accounts.models import Role, RoleAssignment

    wanted = sorted({h for h in household_ids if h is not None})
    found: dict[int, list[int]] = {}
    if not wanted:
        return found
    rows = RoleAssignment.objects.filter(role=Role.RESIDENT, household_id__in=wanted)
    for household_id, user_id in rows.values_list("household_id", "user_id").order_by("user_id"):
        found.setdefault(household_id, []).append(user_id)
    return found


def inbox_of(user, query: str = "") -> QuerySet[Notification]:
    """A user's own messages, newest first; ``query`` keeps those whose title or body holds
    every one of its words."""
    rows = Notification.objects.filter(user=user)
    for word in query.split()[:5]:
        rows = rows.filter(Q(title__icontains=word) | Q(body__icontains=word))
    return rows


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def mark_read(user, pk: int) -> Notification | None:
    """Open one of the user's messages: it is read from now on (the first opening's time is
    kept). Someone else's message, or none, is ``None`` (the view answers 404)."""
    notice = Notification.objects.filter(user=user, pk=pk).first()
    if notice is None:
        return None
    if notice.read_at is None:
        Notification.objects.filter(pk=notice.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    return notice
