"""What organizations must hold: activity types and per-county requirements, with the
defaults of the branch work regulations (《中国共产党支部工作条例（试行）》)."""

from datetime import date

from django.db import transaction

from audit.log import Action, record
from core.paths import ancestor_paths
from orglife.domain.periods import Frequency
from orglife.models import ActivityType, Exemption, Requirement, Settings
from orgs.models import Organization, Region

ACTIVITY_TYPES = [
    ("member_assembly", "支部党员大会"),
    ("committee_meeting", "支部委员会"),
    ("group_meeting", "党小组会"),
    ("party_lecture", "党课"),
    ("theme_day", "主题党日"),
]

BRANCH_LIKE = (Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH)
DEFAULTS: list[tuple[str, str, str]] = [
    *[(kind, "member_assembly", Frequency.QUARTERLY) for kind in BRANCH_LIKE],
    *[(kind, "committee_meeting", Frequency.MONTHLY) for kind in BRANCH_LIKE],
    *[(kind, "party_lecture", Frequency.QUARTERLY) for kind in BRANCH_LIKE],
    *[(kind, "theme_day", Frequency.MONTHLY) for kind in BRANCH_LIKE],
    (Organization.Kind.GROUP, "group_meeting", Frequency.MONTHLY),
]


def ensure_activity_types() -> dict[str, ActivityType]:
    types = {}
    for position, (code, name) in enumerate(ACTIVITY_TYPES):
        types[code], _ = ActivityType.objects.get_or_create(
            code=code, defaults={"name": name, "position": position}
        )
    return types


@transaction.atomic
def install_defaults(actor, county: Region, since: date) -> list[Requirement]:
    """The regulations' defaults for ``county`` (kept where the county already set its own),
    counting from ``since``; and the county's settings with their defaults."""
    if county.level != Region.Level.COUNTY:
        raise ValueError("组织生活要求按县（旗）设置。")
    types = ensure_activity_types()
    Settings.objects.get_or_create(region=county)
    installed = []
    for kind, code, frequency in DEFAULTS:
        requirement, created = Requirement.objects.get_or_create(
            region=county,
            activity_type=types[code],
            organization_kind=kind,
            defaults={"frequency": frequency, "region_path": county.path, "since": since},
        )
        if created:
            installed.append(requirement)
    if installed:
        record(actor, Action.CREATE, county, region_path=county.path, summary="组织生活默认要求")
    return installed


def settings_for(region_path: str) -> Settings:
    """The settings of the nearest region above ``region_path`` that has them (the county),
    or the defaults."""
    found = (
        Settings.objects.filter(region__path__in=ancestor_paths(region_path))
        .order_by("-region__depth")
        .first()
    )
    return found or Settings(on_time_days=5, correction_days=30)


@transaction.atomic
def change_requirement(actor, requirement: Requirement, *, frequency: str, active: bool) -> None:
    before = {"frequency": requirement.frequency, "active": requirement.active}
    Requirement.objects.filter(pk=requirement.pk).update(frequency=frequency, active=active)
    after = {"frequency": frequency, "active": active}
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if changes:
        record(
            actor, Action.UPDATE, requirement, region_path=requirement.region_path, changes=changes
        )


@transaction.atomic
def exempt(
    actor, organization: Organization, activity_type: ActivityType, reason: str
) -> Exemption:
    """Excuse one organization from one activity type from now on (due reports already
    raised stay: they were owed when they were raised)."""
    exemption, _ = Exemption.objects.update_or_create(
        organization=organization,
        activity_type=activity_type,
        defaults={"reason": reason, "region_path": organization.region_path},
    )
    record(actor, Action.CREATE, exemption, region_path=organization.region_path)
    return exemption


@transaction.atomic
def change_settings(actor, county: Region, *, on_time_days: int, correction_days: int) -> Settings:
    """Set a county's on-time window and correction lock. The deadlines of due reports that
    already exist stay as they were raised; periods generated from now on use the new
    window."""
    if county.level != Region.Level.COUNTY:
        raise ValueError("组织生活设置按县（旗）设置。")
    current, _ = Settings.objects.get_or_create(region=county)
    before = {"on_time_days": current.on_time_days, "correction_days": current.correction_days}
    after = {"on_time_days": on_time_days, "correction_days": correction_days}
    changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
    if changes:
        Settings.objects.filter(pk=current.pk).update(**after)
        current.refresh_from_db()
        record(actor, Action.UPDATE, current, region_path=county.path, changes=changes)
    return current


def required_types(organization: Organization) -> list[ActivityType]:
    """The activity types ``organization`` must hold: the active requirements of its county
    for its kind, less its own exemptions."""
    exempted = Exemption.objects.filter(organization=organization).values("activity_type_id")
    ids = (
        Requirement.objects.filter(
            region_path__in=ancestor_paths(organization.region_path),
            organization_kind=organization.kind,
            active=True,
        )
        .exclude(activity_type_id__in=exempted)
        .values("activity_type_id")
    )
    return list(ActivityType.objects.filter(pk__in=ids))
