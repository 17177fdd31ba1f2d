"""The incident workflow: which moves exist, from which states, who makes them, and the
compare-and-set that makes each one (with its history row and audit entry).

    待交办 ─assign→ 已交办 ─progress→ 处理中 ─resolve→ 已办结待核实 ─close→ 已核实关闭
       │              (a county's own open states, e.g. 待现场核实, via set_state)   │
       ├─duplicate→ 重复上报        ├─invalid→ 无效信息          reopen ←──────────┘

Moves land in built-in states (``catalogue.BUILTIN_STATES``); "any open state" includes a
county's own. A move that finds the incident already moved on (someone was quicker) changes
nothing and returns ``False``."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, RoleAssignment, User
from audit.log import Action, record
from core.paths import ancestor_paths
from incidents.domain import catalogue as c
from incidents.models import Incident, IncidentEvent, IncidentState
from incidents.scope_rules import is_assignee, is_reporter, is_superior
from notifications.domain import notify
from orgs.models import Unit

OPEN_ANY = "*open"  # every state of kind open, built-in or the county's own
CUSTOM_OPEN = "*custom"  # the county's own open states

SUPERIOR, ASSIGNEE, REPORTER_OR_SUPERIOR = "superior", "assignee", "reporter_or_superior"

TRANSITIONS: dict[str, dict[str, Any]] = {
    "assign": {"from": (OPEN_ANY,), "to": c.ASSIGNED, "by": SUPERIOR},
    "progress": {
        "from": (c.ASSIGNED, c.IN_PROGRESS, CUSTOM_OPEN), "to": c.IN_PROGRESS, "by": ASSIGNEE
    },
    "resolve": {"from": (c.ASSIGNED, c.IN_PROGRESS, CUSTOM_OPEN), "to": c.RESOLVED, "by": ASSIGNEE},
    "close": {"from": (c.RESOLVED,), "to": c.CLOSED, "by": REPORTER_OR_SUPERIOR},
    "reopen": {"from": (c.RESOLVED,), "to": c.IN_PROGRESS, "by": REPORTER_OR_SUPERIOR},
    "duplicate": {"from": (OPEN_ANY, c.RESOLVED), "to": c.DUPLICATE, "by": SUPERIOR},
    "invalid": {"from": (OPEN_ANY,), "to": c.INVALID, "by": SUPERIOR},
    "set_state": {"from": (OPEN_ANY,), "to": CUSTOM_OPEN, "by": SUPERIOR},
}  # fmt: skip
ACTIONS = tuple(TRANSITIONS)


class MoveRefused(ValueError):
    """The move's input is wrong; ``errors`` maps a field to the reasons."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def _states(incident: Incident, spec: str) -> Q:
    county = incident.type.region_id
    if spec == OPEN_ANY:
        return Q(kind=IncidentState.Kind.OPEN) & (Q(region__isnull=True) | Q(region_id=county))
    if spec == CUSTOM_OPEN:
        return Q(kind=IncidentState.Kind.OPEN, region_id=county)
    return Q(region__isnull=True, code=spec)


def allowed_from(incident: Incident, action: str) -> list[int]:
    condition = Q(pk__in=[])
    for spec in TRANSITIONS[action]["from"]:
        condition |= _states(incident, spec)
    return list(IncidentState.objects.filter(condition).values_list("pk", flat=True))


def may(user, incident: Incident, action: str) -> bool:
    """Whether ``user`` is the one who makes ``action`` on ``incident`` (not its state).
    Nobody marks their own report as a duplicate: a superior judges that."""
    if action == "duplicate" and is_reporter(user, incident):
        return False
    by = TRANSITIONS[action]["by"]
    if by == SUPERIOR:
        return is_superior(user, incident)
    if by == ASSIGNEE:
        return is_assignee(user, incident)
    return is_reporter(user, incident) or is_superior(user, incident)


def _leaves(state: IncidentState, spec: str, county: int | None) -> bool:
    """Whether ``state`` is one of ``spec``'s (in Python, the same test as ``_states``)."""
    if spec == OPEN_ANY:
        return state.kind == IncidentState.Kind.OPEN and state.region_id in (None, county)
    if spec == CUSTOM_OPEN:
        return state.kind == IncidentState.Kind.OPEN and state.region_id == county
    return state.region_id is None and state.code == spec


def available(user, incident: Incident) -> list[str]:
    """The moves ``user`` may make on ``incident`` in its present state: who may make each is
    decided from the user's scope, and the present state is tested against every move's
    ``from`` in Python (no query per move)."""
    actions = [action for action in ACTIONS if may(user, incident, action)]
    if not actions:
        return []
    state = incident.state
    county = incident.type.region_id
    return [
        action
        for action in actions
        if any(_leaves(state, spec, county) for spec in TRANSITIONS[action]["from"])
    ]


def _move(actor, incident: Incident, action: str, to: IncidentState, note: str = "", **fields):
    """Compare-and-set: the move happens only if the incident is still in a state the move
    may leave. Returns whether it did; on success a history row and an audit entry."""
    now = timezone.now()
    moved = Incident.objects.filter(
        pk=incident.pk, state_id__in=allowed_from(incident, action)
    ).update(state=to, updated_at=now, **fields)
    if not moved:
        return None
    event = IncidentEvent.objects.create(
        incident=incident,
        action=action,
        from_state_id=incident.state_id,
        to_state=to,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=now,
        note=note.strip(),
    )
    record(
        actor,
        Action.UPDATE,
        incident,
        region_path=incident.region_path,
        changes={"state": [incident.state.code, to.code], **_plain(fields)},
    )
    incident.refresh_from_db()
    return event


def _tell_reporter(actor, incident: Incident, event: IncidentEvent | None, title: str) -> None:
    """The reporter (a grid worker, usually) hears how their report ended or that it went
    back to work — unless they made the move themselves."""
    if event is None or incident.reporter_id is None:
        return
    if getattr(actor, "pk", None) == incident.reporter_id:
        return
    body = f"{incident.type.name} · {incident.grid.name}"
    if event.note:
        body += f"：{event.note}"
    notify(
        [incident.reporter_id],
        f"incident-{event.action}:{event.pk}",
        f"{title}：{incident.description[:60]}",
        body[:300],
        f"/incidents/{incident.pk}/",
        at=event.at,
    )


def _plain(fields: dict[str, Any]) -> dict[str, list[Any]]:
    return {
        name: ["", str(value) if value is not None else None]
        for name, value in fields.items()
        if not name.endswith("_at")
    }


def assignable_units(incident: Incident):
    """Units serving the incident's place: those of its region or any region above it, and
    those placed below it."""
    return Unit.objects.filter(
        Q(region_path__in=ancestor_paths(incident.region_path))
        | Q(region_path__startswith=incident.region_path)
    ).order_by("region_path", "name")


def assignable_users(actor, incident: Incident):
    """People a superior may assign to: users holding a role within the actor's subtree
    that contains the incident (for a branch account: its own village)."""
    from accounts.scope import scope_for

    scope = scope_for(actor)
    paths = [p for p in scope.admin_paths if incident.region_path.startswith(p)]
    if any(incident.org_path.startswith(p) for p in scope.branch_org_paths):
        paths.append(incident.region_path)
    if scope.is_superuser:
        paths = [incident.region_path[:4]]
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(assignments__region__path__startswith=path)
    return (
        User.objects.filter(condition, is_active=True)
        .exclude(assignments__role__in=[Role.RESIDENT, Role.CLERK])
        .distinct()
        .order_by("username")
    )


@dataclass
class Assignee:
    user: User | None = None
    unit: Unit | None = None


@transaction.atomic
def assign(actor, incident: Incident, to: Assignee, note: str = "") -> bool:
    """Assign (交办) to a person or a service unit (again, to change hands). Side effects:
    the history row, the audit entry, an inbox notice to the assignee (the unit's accounts)."""
    if (to.user is None) == (to.unit is None):
        raise MoveRefused({"assignee": ["请选择一位承办人或一个承办单位。"]})
    if to.user is not None and not assignable_users(actor, incident).filter(pk=to.user.pk).exists():
        raise MoveRefused({"assignee": ["只能交办给本辖区的人员。"]})
    if to.unit is not None and not assignable_units(incident).filter(pk=to.unit.pk).exists():
        raise MoveRefused({"assignee": ["该单位不服务于事件所在地。"]})
    event = _move(
        actor,
        incident,
        "assign",
        c.builtin(c.ASSIGNED),
        note,
        assigned_user=to.user,
        assigned_unit=to.unit,
    )
    if event is None:
        return False
    if to.user is not None:
        recipients = [to.user.pk]
    else:
        recipients = list(
            RoleAssignment.objects.filter(role=Role.UNIT, unit=to.unit).values_list(
                "user_id", flat=True
            )
        )
    notify(
        recipients,
        f"incident-assign:{event.pk}",
        f"交办：{incident.type.name} · {incident.grid.name}",
        incident.description[:200],
        f"/incidents/{incident.pk}/",
        at=event.at,
    )
    return True


@transaction.atomic
def record_progress(actor, incident: Incident, note: str) -> bool:
    """The assignee records what was done so far (处理进展)."""
    if not note.strip():
        raise MoveRefused({"note": ["请填写处理进展。"]})
    return _move(actor, incident, "progress", c.builtin(c.IN_PROGRESS), note) is not None


@transaction.atomic
def resolve(
    actor, incident: Incident, note: str, people_evacuated: int = 0, hazards_removed: int = 0
) -> bool:
    """The assignee reports it handled (办结), with the emergency figures: people evacuated
    and hazards removed (kept for any incident; counted on an emergency's board)."""
    errors: dict[str, list[str]] = {}
    if not note.strip():
        errors["note"] = ["请填写办结情况。"]
    if people_evacuated < 0:
        errors["people_evacuated"] = ["不能小于 0。"]
    if hazards_removed < 0:
        errors["hazards_removed"] = ["不能小于 0。"]
    if errors:
        raise MoveRefused(errors)
    event = _move(
        actor,
        incident,
        "resolve",
        c.builtin(c.RESOLVED),
        note,
        people_evacuated=people_evacuated,
        hazards_removed=hazards_removed,
        resolved_at=timezone.now(),
    )
    return event is not None


@transaction.atomic
def close(actor, incident: Incident, note: str = "") -> bool:
    """The reporter or a superior verifies the result and closes the incident (核实关闭)."""
    event = _move(actor, incident, "close", c.builtin(c.CLOSED), note, closed_at=timezone.now())
    _tell_reporter(actor, incident, event, "您上报的事件已关闭")
    return event is not None


@transaction.atomic
def reopen(actor, incident: Incident, note: str) -> bool:
    """Verification failed: back to the assignee (退回重办), with the reason."""
    if not note.strip():
        raise MoveRefused({"note": ["请说明退回原因。"]})
    event = _move(actor, incident, "reopen", c.builtin(c.IN_PROGRESS), note, resolved_at=None)
    _tell_reporter(actor, incident, event, "您上报的事件已退回重办")
    return event is not None


@transaction.atomic
def mark_duplicate(actor, incident: Incident, original: Incident, note: str = "") -> bool:
    """The same thing was reported before: closed as a duplicate of ``original`` (which the
    caller has fetched through the scope). Only a superior who is not the reporter."""
    if not may(actor, incident, "duplicate"):
        raise MoveRefused({"original": ["不能将自己上报的事件标记为重复，由上级核实。"]})
    if original.pk == incident.pk or original.duplicate_of_id == incident.pk:
        raise MoveRefused({"original": ["请选择另一条事件。"]})
    if original.type.region_id != incident.type.region_id:
        raise MoveRefused({"original": ["只能标记为本县事件的重复。"]})
    event = _move(
        actor,
        incident,
        "duplicate",
        c.builtin(c.DUPLICATE),
        note or f"与事件 {original.pk} 重复",
        duplicate_of=original,
        closed_at=timezone.now(),
    )
    _tell_reporter(actor, incident, event, "您上报的事件被标记为重复")
    return event is not None


@transaction.atomic
def mark_invalid(actor, incident: Incident, note: str) -> bool:
    """Not a real incident (无效信息): closed, and not counted as a valid report."""
    if not note.strip():
        raise MoveRefused({"note": ["请说明无效的原因。"]})
    event = _move(actor, incident, "invalid", c.builtin(c.INVALID), note, closed_at=timezone.now())
    _tell_reporter(actor, incident, event, "您上报的事件被认定为无效")
    return event is not None


@transaction.atomic
def set_state(actor, incident: Incident, state: IncidentState, note: str = "") -> bool:
    """Put an open incident into one of the county's own open states (e.g. 待现场核实)."""
    if state.region_id != incident.type.region_id or state.kind != IncidentState.Kind.OPEN:
        raise MoveRefused({"state": ["请选择本县自定义的状态。"]})
    return _move(actor, incident, "set_state", state, note) is not None
