"""Issuing accounts (一支部一账号, 网格员专属账号): an admin gives an account to a subject in
their subtree — a party organization (branch account), a grid (grid worker), a service unit,
a village's love supermarket (clerk), a member, a household (resident) — and, above a
township, to a lower region's admin.

Each account gets one role assignment, a generated initial password shown once to the
admin, and must change it at its first login. Branch, grid worker, unit, member and resident
accounts are one per subject: a subject that already has an active account of that role is
refused (reset that account's password instead); an admin or clerk may have several.

Usernames are derived from codes unless the admin types one (``default_username``):
``b-<组织代码>``, ``g-<网格编码>``, ``u-<单位编码>``, ``c-<村区划代码>``, ``h-<户编号>``,
``a-<区划代码>``, ``m-<党员编号>`` (the database id: an ID number never goes in a username),
all lower-case."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.domain.passwords import AccountRefused, generate_password, initial_hash
from accounts.models import Role, RoleAssignment, User
from accounts.scope import scope_for, visible
from audit.log import Action, record
from notifications.models import Notification
from orgs.models import Grid, Household, Member, Organization, Region, Unit

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{1,149}$")
# The roles an admin issues, in the order the form offers them.
ISSUED_ROLES = (
    Role.BRANCH,
    Role.GRID_WORKER,
    Role.UNIT,
    Role.CLERK,
    Role.MEMBER,
    Role.RESIDENT,
    Role.ADMIN,
)
ONE_PER_SUBJECT = frozenset({Role.BRANCH, Role.GRID_WORKER, Role.UNIT, Role.MEMBER, Role.RESIDENT})
# Where the subject of each role is found: its model and the assignment field naming it
# (``region`` for a clerk's village and an admin's region).
SUBJECT_MODEL: dict[str, type[models.Model]] = {
    Role.BRANCH: Organization,
    Role.GRID_WORKER: Grid,
    Role.UNIT: Unit,
    Role.CLERK: Region,
    Role.MEMBER: Member,
    Role.RESIDENT: Household,
    Role.ADMIN: Region,
}
SUBJECT_FIELD = {
    Role.BRANCH: "organization",
    Role.GRID_WORKER: "grid",
    Role.UNIT: "unit",
    Role.CLERK: "region",
    Role.MEMBER: "member",
    Role.RESIDENT: "household",
    Role.ADMIN: "region",
}
PREFIX = {
    Role.BRANCH: "b",
    Role.GRID_WORKER: "g",
    Role.UNIT: "u",
    Role.CLERK: "c",
    Role.MEMBER: "m",
    Role.RESIDENT: "h",
    Role.ADMIN: "a",
}
ADMIN_LEVELS = (Region.Level.PREFECTURE, Region.Level.COUNTY, Region.Level.TOWNSHIP)


def may_issue(user) -> bool:
    return scope_for(user).is_admin


def issued_roles(actor) -> list[Role]:
    """The roles ``actor`` may issue: every role for an admin; admin accounts only for an
    admin above a township (a county admin issues township admins)."""
    if not may_issue(actor):
        return []
    roles = list(ISSUED_ROLES)
    if not subjects(actor, Role.ADMIN).exists():
        roles.remove(Role.ADMIN)
    return roles


def subjects(actor, role: str) -> models.QuerySet:
    """The rows ``actor`` may issue a ``role`` account for: the subjects in their write scope
    (a clerk's village; for an admin account, a region strictly below the actor's own)."""
    model = SUBJECT_MODEL[role]
    rows = visible(actor, model, write=True)
    if role == Role.CLERK:
        rows = rows.filter(level=Region.Level.VILLAGE)
    elif role == Role.ADMIN:
        scope = scope_for(actor)
        rows = rows.filter(level__in=ADMIN_LEVELS).exclude(path__in=scope.admin_paths)
    return rows


def search_subjects(actor, role: str, query: str, limit: int = 20) -> list[Any]:
    """Up to ``limit`` subjects of ``role`` whose name or code contains ``query``."""
    rows = subjects(actor, role)
    query = query.strip()[:50]
    if query:
        if role == Role.MEMBER:
            rows = rows.filter(name__icontains=query)
        elif role == Role.RESIDENT:
            rows = rows.filter(Q(head_name__icontains=query) | Q(code__icontains=query))
        else:
            rows = rows.filter(Q(name__icontains=query) | Q(code__icontains=query))
    order = {Region: "path", Organization: "path", Member: "name"}.get(rows.model, "code")
    return list(rows.order_by(order)[:limit])


def subject_label(role: str, subject: Any) -> str:
    if role == Role.RESIDENT:
        return f"{subject} · {subject.code}"
    if role == Role.MEMBER:
        return str(subject.name)
    return f"{subject.name} · {subject.code}"


def default_username(role: str, subject: Any) -> str:
    key = subject.pk if role == Role.MEMBER else subject.code
    return f"{PREFIX[role]}-{key}".lower()


def default_display_name(role: str, subject: Any) -> str:
    return {
        Role.BRANCH: lambda: subject.name,
        Role.GRID_WORKER: lambda: gettext("%(grid)s网格员") % {"grid": subject.name},
        Role.UNIT: lambda: subject.name,
        Role.CLERK: lambda: gettext("%(village)s爱心超市") % {"village": subject.name},
        Role.MEMBER: lambda: subject.name,
        Role.RESIDENT: lambda: str(subject),
        Role.ADMIN: lambda: gettext("%(region)s管理员") % {"region": subject.name},
    }[role]()[:100]


def subject_region(role: str, subject: Any) -> Region:
    return subject if isinstance(subject, Region) else subject.region


@dataclass
class Planned:
    """One account to issue: checked by ``check``, written by ``issue_all``."""

    role: Role
    subject: Any
    username: str = ""
    display_name: str = ""

    def __post_init__(self) -> None:
        self.username = (self.username or "").strip().lower() or default_username(
            self.role, self.subject
        )
        self.display_name = (self.display_name or "").strip()[:100] or default_display_name(
            self.role, self.subject
        )


@dataclass
class Issued:
    user: User
    password: str
    assignment: RoleAssignment


def covered_subjects(role: str, subject_ids: Iterable[int]) -> set[int]:
    """The ids among ``subject_ids`` that already have an active account of ``role``."""
    field = SUBJECT_FIELD[role]
    ids = sorted(set(subject_ids))
    found: set[int] = set()
    for start in range(0, len(ids), 2000):
        found |= set(
            RoleAssignment.objects.filter(
                role=role, user__is_active=True, **{f"{field}_id__in": ids[start : start + 2000]}
            ).values_list(f"{field}_id", flat=True)
        )
    return found


def taken_usernames(usernames: Iterable[str]) -> set[str]:
    names = sorted(set(usernames))
    found: set[str] = set()
    for start in range(0, len(names), 2000):
        found |= {
            name.lower()
            for name in User.objects.filter(username__in=names[start : start + 2000]).values_list(
                "username", flat=True
            )
        }
    return found


def check_username(username: str) -> str | None:
    if not USERNAME.match(username):
        return gettext(
            "用户名须为 2 至 150 位小写字母、数字或 . _ - @ +，以字母或数字开头；收到“%(name)s”"
        ) % {"name": username[:40]}
    return None


def check(planned: Sequence[Planned]) -> list[dict[str, list[str]]]:
    """The problems of each planned account (in order; an empty dict when it may be issued):
    the username's form, a username already taken (in the database or earlier in the list),
    and a subject that already has its one active account (or appears twice)."""
    taken = taken_usernames(p.username for p in planned)
    covered: dict[str, set[int]] = {}
    for role in ONE_PER_SUBJECT:
        ids = [p.subject.pk for p in planned if p.role == role]
        if ids:
            covered[role] = covered_subjects(role, ids)
    seen_names: set[str] = set()
    seen_subjects: set[tuple[str, int]] = set()
    problems = []
    for p in planned:
        errors: dict[str, list[str]] = {}
        bad_name = check_username(p.username)
        if bad_name:
            errors["username"] = [bad_name]
        elif p.username in taken:
            errors["username"] = [
                gettext("用户名“%(name)s”已被使用，请另填一个。") % {"name": p.username}
            ]
        elif p.username in seen_names:
            errors["username"] = [gettext("用户名“%(name)s”在文件中重复。") % {"name": p.username}]
        seen_names.add(p.username)
        if p.role in ONE_PER_SUBJECT:
            if p.subject.pk in covered.get(p.role, set()):
                errors["subject"] = [
                    gettext(
                        "%(subject)s已有启用的%(role)s，不能重复发放；如需重新交付请重置其密码。"
                    )
                    % {"subject": subject_label(p.role, p.subject), "role": p.role.label}
                ]
            elif (p.role, p.subject.pk) in seen_subjects:
                errors["subject"] = [
                    gettext("%(subject)s的%(role)s在文件中重复。")
                    % {"subject": subject_label(p.role, p.subject), "role": p.role.label}
                ]
            seen_subjects.add((p.role, p.subject.pk))
        problems.append(errors)
    return problems


def _assignment(user: User, p: Planned) -> RoleAssignment:
    field = SUBJECT_FIELD[p.role]
    subject = {} if field == "region" else {field: p.subject}
    return RoleAssignment(
        user=user, role=p.role, region=subject_region(p.role, p.subject), **subject
    )


@transaction.atomic
def issue_all(actor, planned: Sequence[Planned]) -> list[Issued]:
    """Issue every planned account, or none (``AccountRefused`` with the first problems).
    Subjects must come from ``subjects(actor, role)``; each account is audited and welcomed
    in its inbox."""
    problems = check(planned)
    if any(problems):
        first = next(errors for errors in problems if errors)
        raise AccountRefused(first)
    now = timezone.now()
    issued = []
    for p in planned:
        if not subjects(actor, p.role).filter(pk=p.subject.pk).exists():
            raise AccountRefused({"subject": [gettext("在您的管辖范围内找不到该对象。")]})
        password = generate_password()
        user = User.objects.create(
            username=p.username,
            display_name=p.display_name,
            password=initial_hash(password),
            must_change_password=True,
        )
        assignment = _assignment(user, p)
        assignment.clean()
        assignment.save()
        record(
            actor,
            Action.CREATE,
            user,
            summary=f"发放账号 {user.username}（{assignment.label}）",
            changes={"role": [None, p.role.value], "subject": [None, str(p.subject)]},
            region_path=assignment.region.path,
        )
        issued.append(Issued(user, password, assignment))
    Notification.objects.bulk_create(
        [
            Notification(
                user=item.user,
                key="account-issued",
                title=gettext("欢迎使用领雁"),
                body=gettext("您的账号由 %(actor)s 发放，角色：%(role)s。")
                % {"actor": actor, "role": item.assignment.label},
                url="/",
                created_at=now,
            )
            for item in issued
        ],
        ignore_conflicts=True,
    )
    return issued


def issue_account(
    actor, role: str, subject: Any, username: str = "", display_name: str = ""
) -> Issued:
    """Issue one account (see ``issue_all``)."""
    return issue_all(actor, [Planned(Role(role), subject, username, display_name)])[0]
