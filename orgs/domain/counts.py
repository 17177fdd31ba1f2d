"""Counts of members, households, organizations and grids at any node of the region tree.

Each region keeps ``own_*_count`` for the rows attached to it exactly; the domain functions in
``orgs.domain`` move them with every write, in the same transaction. A subtree's figure is the
sum over one path range, so counts per child node are one grouped, indexed query whatever the
depth (about 20,000 region rows for a province, not millions of member rows). ``recount``
rebuilds the counters set-based after bulk loads; ``tests`` check that it changes nothing.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr

from core.paths import SEGMENT, subtree_q
from orgs.models import Grid, Household, Member, Organization, Region

COUNTED: dict[str, type[Member] | type[Household] | type[Organization] | type[Grid]] = {
    "own_member_count": Member,
    "own_household_count": Household,
    "own_organization_count": Organization,
    "own_grid_count": Grid,
}
FIGURES = ("members", "households", "organizations", "grids")


@dataclass
class NodeCounts:
    region: Region
    members: int = 0
    households: int = 0
    organizations: int = 0
    grids: int = 0

    def add(self, row: dict) -> None:
        for figure in FIGURES:
            setattr(self, figure, getattr(self, figure) + (row.get(figure) or 0))


def _sums():
    return {
        "members": Sum("own_member_count"),
        "households": Sum("own_household_count"),
        "organizations": Sum("own_organization_count"),
        "grids": Sum("own_grid_count"),
    }


def subtree_counts(region: Region) -> NodeCounts:
    """Totals for the whole subtree of ``region``, the region itself included."""
    totals = NodeCounts(region)
    totals.add(Region.objects.filter(subtree_q("path", region.path)).aggregate(**_sums()))
    return totals


def child_counts(region: Region, children=None) -> list[NodeCounts]:
    """Subtree totals for each child of ``region``, in tree order: one grouped query."""
    if children is None:
        children = list(Region.objects.filter(parent=region).order_by("path"))
    by_path = {child.path: NodeCounts(child) for child in children}
    prefix_length = len(region.path) + SEGMENT
    rows = (
        Region.objects.filter(subtree_q("path", region.path), depth__gt=region.depth)
        .annotate(prefix=Substr("path", 1, prefix_length))
        .values("prefix")
        .annotate(**_sums())
        .order_by()
    )
    for row in rows:
        node = by_path.get(row["prefix"])
        if node is not None:
            node.add(row)
    return list(by_path.values())


def counts_by_depth(regions: list[Region]) -> list[NodeCounts]:
    """Subtree totals for regions that need not share a parent (an API page of regions): the
    regions of each depth are summed in one query, grouped by their path's prefix."""
    by_path = {region.path: NodeCounts(region) for region in regions}
    paths_by_length: dict[int, list[str]] = defaultdict(list)
    for path in by_path:
        paths_by_length[len(path)].append(path)
    for length, paths in paths_by_length.items():
        subtrees = Q(pk__in=[])
        for path in paths:
            subtrees |= subtree_q("path", path)
        rows = (
            Region.objects.filter(subtrees)
            .annotate(prefix=Substr("path", 1, length))
            .values("prefix")
            .annotate(**_sums())
            .order_by()
        )
        for row in rows:
            by_path[row["prefix"]].add(row)
    return list(by_path.values())


def recount(region: Region | None = None) -> int:
    """Rebuild the own counters of ``region``'s subtree (everything when ``None``) from the
    rows themselves; returns the number of regions updated."""
    regions = Region.objects.all()
    if region is not None:
        regions = regions.filter(subtree_q("path", region.path))
    updates = {}
    for counter, model in COUNTED.items():
        per_region = (
            model.objects.filter(region_id=OuterRef("pk"))
            .order_by()
            .values("region_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        updates[counter] = Coalesce(Subquery(per_region, output_field=IntegerField()), Value(0))
    return regions.update(**updates)
