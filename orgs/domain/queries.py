"""Reused read queries over already-scoped querysets (the caller applies ``visible``)."""

from django.db.models import Q, QuerySet

from core.paths import subtree_q
from core.search import search
from orgs.models import Grid, Household, Member, Organization, Region


def filter_members(
    rows: QuerySet[Member],
    *,
    q: str = "",
    region: Region | None = None,
    organization: Organization | None = None,
    status: str = "",
    kind: str = "",
) -> QuerySet[Member]:
    """Search by name or the last digits of the ID number; narrow to a region or an
    organization subtree, a status, mobile or in-service members."""
    q = q.strip()
    if q:
        match = Q(name__contains=q)
        if q.isdigit() or q[-1:].upper() == "X":
            match |= Q(id_number__endswith=q.upper())
        rows = rows.filter(match)
    if region is not None:
        rows = rows.filter(subtree_q("region_path", region.path))
    if organization is not None:
        rows = rows.filter(subtree_q("org_path", organization.path))
    if status:
        rows = rows.filter(status=status)
    if kind == "mobile":
        rows = rows.filter(is_mobile=True)
    elif kind == "in_service":
        rows = rows.filter(is_in_service=True)
    return rows


def filter_households(
    rows: QuerySet[Household],
    *,
    q: str = "",
    region: Region | None = None,
    grid: Grid | None = None,
    liaison: str = "",
) -> QuerySet[Household]:
    q = q.strip()
    if q:
        rows = search(rows, q, ["head_name", "code", "address"], number=None)
    if region is not None:
        rows = rows.filter(subtree_q("region_path", region.path))
    if grid is not None:
        rows = rows.filter(grid=grid)
    if liaison == "yes":
        rows = rows.filter(liaison__isnull=False)
    elif liaison == "no":
        rows = rows.filter(liaison__isnull=True)
    return rows
