"""Coverage per node: the organizations of a subtree without an active branch account and
the grids without an active grid worker, counted per child node."""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import Substr

from accounts.models import Role, RoleAssignment
from core.paths import SEGMENT, subtree_q
from orgs.models import Grid, Organization, Region


def _active(role: str, field_name: str) -> Exists:
    return Exists(
        RoleAssignment.objects.filter(
            role=role, user__is_active=True, **{field_name: OuterRef("pk")}
        )
    )


def missing_organizations(region: Region) -> QuerySet[Organization]:
    """The organizations placed in ``region``'s subtree with no active branch account."""
    return Organization.objects.filter(subtree_q("region_path", region.path)).filter(
        ~_active(Role.BRANCH, "organization")
    )


def missing_grids(region: Region) -> QuerySet[Grid]:
    """The grids in ``region``'s subtree with no active grid worker."""
    return Grid.objects.filter(subtree_q("region_path", region.path)).filter(
        ~_active(Role.GRID_WORKER, "grid")
    )


@dataclass
class Line:
    """One child node's figures (``region`` is ``None`` for rows attached to the node itself)."""

    region: Region | None
    organizations: int = 0
    organizations_missing: int = 0
    grids: int = 0
    grids_missing: int = 0

    @property
    def complete(self) -> bool:
        return not (self.organizations_missing or self.grids_missing)


@dataclass
class Coverage:
    region: Region
    total: Line
    lines: list[Line] = field(default_factory=list)


def _per_child(rows: QuerySet, depth: int) -> dict[str, int]:
    return {
        entry["child"]: entry["n"]
        for entry in rows.annotate(child=Substr("region_path", 1, depth))
        .values("child")
        .annotate(n=Count("id"))
        .order_by()
    }


def coverage(region: Region) -> Coverage:
    """Totals and missing accounts for ``region`` and each of its children: four grouped
    queries whatever the size of the subtree."""
    depth = len(region.path) + SEGMENT
    orgs = Organization.objects.filter(subtree_q("region_path", region.path))
    grids = Grid.objects.filter(subtree_q("region_path", region.path))
    figures = {
        "organizations": _per_child(orgs, depth),
        "organizations_missing": _per_child(missing_organizations(region), depth),
        "grids": _per_child(grids, depth),
        "grids_missing": _per_child(missing_grids(region), depth),
    }
    children = list(Region.objects.filter(parent=region).order_by("path"))
    lines = []
    own = Line(None, **{name: counts.get(region.path, 0) for name, counts in figures.items()})
    if own.organizations or own.grids:
        lines.append(own)
    for child in children:
        lines.append(
            Line(child, **{name: counts.get(child.path, 0) for name, counts in figures.items()})
        )
    total = Line(region, **{name: sum(counts.values()) for name, counts in figures.items()})
    return Coverage(region, total, lines)
