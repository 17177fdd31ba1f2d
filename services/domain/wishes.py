"""Micro-wishes (微心愿, seeds 001 and 002) and dual registration (双报到).

A resident posts a small wish on their community's board; a party member of the place, an
in-service member registered there (``CommunityRegistration``) or a unit serving it claims
it (认领), fulfils it with a note and a photo, and the resident confirms. The moves are
``services.models.WISH_TRANSITIONS``, each a compare-and-set with a ``WishEvent``; the first
claim wins, a second claimant is told it was taken."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.scope import scope_for
from audit.log import Action, record
from core.photos import CleanPhoto
from notifications.domain import notify
from orgs.models import Household, Member, Region, Unit
from services import scope_rules
from services.domain.requests import RequestRefused
from services.models import (
    WISH_TRANSITIONS,
    CommunityRegistration,
    Wish,
    WishEvent,
    WishPhoto,
    WishStatus,
)


class WishRefused(RequestRefused):
    """A wish (or a move on it) refused; ``errors`` maps a field to reasons in Chinese."""


def _refuse(field: str, message: str, code: str = "invalid") -> WishRefused:
    return WishRefused({field: [message]}, code)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


@dataclass
class WishInput:
    title: str
    household: Household
    description: str = ""
    client_key: str | None = None


@transaction.atomic
def post_wish(actor, data: WishInput) -> Wish:
    """A resident posts a wish for their household (or a grid worker / the branch for a
    resident without a phone); it appears on the village's board. Idempotent on
    (poster, ``client_key``) like ``submit_request``."""
    signed_in = _user(actor)
    key = data.client_key if signed_in and data.client_key else None
    if key is not None:
        first = Wish.objects.filter(posted_by=actor, client_key=key).first()
        if first is not None:
            return first
    errors: dict[str, list[str]] = {}
    if not data.title.strip():
        errors.setdefault("title", []).append("请填写心愿内容。")
    if len(data.title.strip()) > 100:
        errors.setdefault("title", []).append("心愿内容最多 100 个字，详细情况请写在说明里。")
    if scope_rules.may_submit_for(actor, data.household) is None:
        errors.setdefault("household", []).append("不能为该农户发布心愿。")
    if errors:
        raise WishRefused(errors)
    now = timezone.now()
    try:
        with transaction.atomic():
            wish = Wish.objects.create(
                title=data.title.strip(),
                description=data.description.strip(),
                region=data.household.region,
                region_path=data.household.region_path,
                household=data.household,
                posted_by=signed_in,
                posted_at=now,
                client_key=key,
                updated_at=now,
            )
    except IntegrityError:
        if key is None:
            raise
        return Wish.objects.get(posted_by=actor, client_key=key)
    WishEvent.objects.create(wish=wish, to_status=WishStatus.POSTED, actor=signed_in, at=now)
    record(actor, Action.CREATE, wish, region_path=wish.region_path)
    return wish


@dataclass(frozen=True)
class Claimant:
    kind: str
    name: str
    member: Member | None = None
    unit: Unit | None = None


def claimant_for(actor, wish: Wish) -> Claimant | None:
    """Who ``actor`` would claim ``wish`` as: a unit serving the place, an in-service member
    registered at it (双报到), or a party member of an organization of the place."""
    scope = scope_for(actor)
    if scope.unit_ids:
        unit = (
            Unit.objects.filter(pk__in=sorted(scope.unit_ids))
            .filter(Q(region__path__in=_ancestors(wish.region_path)))
            .order_by("pk")
            .first()
        )
        if unit is not None:
            return Claimant(Wish.ClaimantKind.UNIT, unit.name, unit=unit)
    if scope.member_ids:
        members = Member.objects.filter(pk__in=sorted(scope.member_ids)).order_by("pk")
        registered = members.filter(
            community_registrations__region_id=wish.region_id,
            community_registrations__active=True,
        ).first()
        if registered is not None:
            return Claimant(Wish.ClaimantKind.IN_SERVICE, registered.name, member=registered)
        local = members.filter(region_path=wish.region_path).first()
        if local is not None:
            return Claimant(Wish.ClaimantKind.MEMBER, local.name, member=local)
    return None


def _ancestors(path: str) -> list[str]:
    return [path[:end] for end in range(4, len(path) + 1, 4)]


def _move(actor, wish: Wish, to: str, note: str = "", **fields) -> WishEvent:
    if (wish.status, to) not in WISH_TRANSITIONS:
        raise _refuse(
            "", f"该心愿当前为“{wish.get_status_display()}”，不能执行此操作。", "conflict"
        )
    now = timezone.now()
    moved = Wish.objects.filter(pk=wish.pk, status=wish.status).update(
        status=to, updated_at=now, **fields
    )
    if moved != 1:
        raise _refuse("", "该心愿刚被他人处理（可能已被认领），请刷新后查看。", "conflict")
    event = WishEvent.objects.create(
        wish=wish, from_status=wish.status, to_status=to, actor=_user(actor), at=now, note=note
    )
    record(
        actor,
        Action.UPDATE,
        wish,
        region_path=wish.region_path,
        changes={"status": [wish.status, to]},
        summary=f"微心愿 {wish.pk}",
    )
    wish.refresh_from_db()
    return event


@transaction.atomic
def claim_wish(actor, wish: Wish) -> Wish:
    """认领: the first eligible claimant takes the wish; the poster is told who."""
    claimant = claimant_for(actor, wish)
    if claimant is None:
        raise _refuse(
            "", "只有本村（社区）党员、在此报到的在职党员或服务单位可以认领。", "forbidden"
        )
    now = timezone.now()
    event = _move(
        actor,
        wish,
        WishStatus.CLAIMED,
        claimant.name,
        claimed_by=_user(actor),
        claimant_kind=claimant.kind,
        claimant_member=claimant.member,
        claimant_unit=claimant.unit,
        claimant_name=claimant.name,
        claimed_at=now,
    )
    _notify_poster(wish, event, f"您的微心愿已被认领：{wish.title}", f"认领方：{claimant.name}")
    return wish


@transaction.atomic
def fulfil_wish(actor, wish: Wish, note: str, photo: CleanPhoto | None = None) -> Wish:
    """实现: whoever claimed it reports, with a note and (usually) a photo; the resident is
    asked to confirm."""
    if wish.claimed_by_id is None or getattr(actor, "pk", None) != wish.claimed_by_id:
        raise _refuse("", "只有认领人可以登记心愿实现情况。", "forbidden")
    if not note.strip():
        raise _refuse("note", "请填写心愿实现情况。")
    event = _move(
        actor,
        wish,
        WishStatus.FULFILLED,
        note.strip(),
        fulfil_note=note.strip(),
        fulfilled_at=timezone.now(),
    )
    if photo is not None:
        WishPhoto.objects.create(
            wish=wish,
            image=photo.image,
            thumbnail=photo.thumbnail,
            width=photo.width,
            height=photo.height,
        )
    _notify_poster(wish, event, f"您的微心愿已实现：{wish.title}", "请确认心愿已实现。")
    return wish


@transaction.atomic
def confirm_wish(actor, wish: Wish, note: str = "") -> Wish:
    """确认: the resident (or whoever posted it for them) confirms the wish came true."""
    scope = scope_for(actor)
    own = wish.household_id in scope.household_ids or (
        wish.posted_by_id is not None and getattr(actor, "pk", None) == wish.posted_by_id
    )
    if not own:
        raise _refuse("", "只有心愿发布人可以确认。", "forbidden")
    _move(actor, wish, WishStatus.CONFIRMED, note.strip(), confirmed_at=timezone.now())
    return wish


def _notify_poster(wish: Wish, event: WishEvent, title: str, body: str) -> None:
    from accounts.models import Role, RoleAssignment

    users: set[int] = set()
    if wish.household_id is not None:
        users |= set(
            RoleAssignment.objects.filter(
                role=Role.RESIDENT, household_id=wish.household_id
            ).values_list("user_id", flat=True)
        )
    if wish.posted_by_id:
        users.add(wish.posted_by_id)
    notify(
        users,
        f"wish-event:{event.pk}",
        title,
        body,
        f"/services/wishes/{wish.pk}/",
        at=event.at,
    )


# ---------------------------------------------------------------------------------------------
# Dual registration


@transaction.atomic
def register_at_community(actor, member: Member, community: Region) -> CommunityRegistration:
    """双报到: an in-service member registers at the village or community where they live,
    by themselves or through the branch; registering again reactivates the registration."""
    scope = scope_for(actor)
    own = member.pk in scope.member_ids
    managed = (
        scope.is_superuser
        or any(member.org_path.startswith(p) for p in scope.branch_org_paths)
        or any(member.region_path.startswith(p) for p in scope.admin_paths)
    )
    if not (own or managed):
        raise _refuse("", "您无权为该党员报到。", "forbidden")
    if not member.is_in_service:
        raise _refuse("member", "只有在职党员需要到社区报到。")
    if community.level != Region.Level.VILLAGE:
        raise _refuse("region", "请选择报到的村（社区）。")
    registration, created = CommunityRegistration.objects.get_or_create(
        member=member,
        region=community,
        defaults={"region_path": community.path, "registered_at": timezone.now()},
    )
    if not created and not registration.active:
        CommunityRegistration.objects.filter(pk=registration.pk).update(active=True)
        registration.active = True
    if created:
        record(actor, Action.CREATE, registration, region_path=community.path)
    return registration
