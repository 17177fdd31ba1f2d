"""List pages make a fixed number of queries whatever the number of rows (STYLE.md: query
counts on list views with few and with more items)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.domain import people
from orgs.models import Grid
from tests.world import add_household, add_member


def queries_for(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def grow(world, n: int) -> None:
    for i in range(n):
        member = add_member(world.branch_org, f"党员{i}")
        add_household(world.grid, f"户主{i}", liaison=member)
        people.create(
            None,
            Grid,
            region=world.village,
            organization=world.branch_org,
            name=f"新网格{i}",
            code=f"G-N{i}",
        )


@pytest.mark.parametrize(
    "persona, path",
    [
        ("county_admin", "/members/"),
        ("county_admin", "/households/"),
        ("branch", "/members/"),
        ("grid_worker", "/"),
        ("county_admin", "/"),
        ("county_admin", "/tree/regions/{village}/"),
        ("county_admin", "/tree/grids/{grid}/"),
        ("county_admin", "/tree/organizations/{branch_org}/"),
        ("township_admin", "/committees/?region={township}"),
        ("county_admin", "/audit/"),
    ],
)
def test_list_pages_do_not_query_per_row(world, client, persona, path):
    path = path.format(
        village=world.village.pk,
        grid=world.grid.pk,
        branch_org=world.branch_org.pk,
        township=world.township.pk,
    )
    client.force_login(getattr(world, persona))
    queries_for(client, path)  # warm: session, content types
    few = queries_for(client, path)
    grow(world, 3)
    assert queries_for(client, path) == few
