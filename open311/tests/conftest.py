from dataclasses import dataclass

import pytest

from accounts.models import Role
from open311.domain.keys import issue_key
from orgs.domain import tree
from orgs.models import Region
from services.models import ServiceItem
from services.tests.factories import make_catalogue
from tests.world import World, make_user

KEY = "test-open311-key"


@dataclass
class Open311World:
    """The test county with its catalogue and a client's key, and a second county (西山旗)
    with its own admin, catalogue and key: the outsider of every Open311 test."""

    world: World
    items: list[ServiceItem]
    key: str
    other_county: Region
    other_village: Region
    other_items: list[ServiceItem]
    other_key: str
    other_county_admin: object


@pytest.fixture
def o311(world) -> Open311World:
    catalogue = make_catalogue(world.county)
    issue_key(world.county_admin, world.county, "随手拍客户端", key=KEY)
    prefecture = world.county.parent
    other = tree.add_region(None, parent=prefecture, name="西山旗", code="150526", level="county")
    township = tree.add_region(
        None, parent=other, name="白音镇", code="150526100", level="township"
    )
    village = tree.add_region(
        None, parent=township, name="白音村", code="150526100001", level="village"
    )
    other_catalogue = make_catalogue(other)
    issue_key(None, other, "西山旗客户端", key="other-county-key")
    return Open311World(
        world=world,
        items=catalogue.items,
        key=KEY,
        other_county=other,
        other_village=village,
        other_items=other_catalogue.items,
        other_key="other-county-key",
        other_county_admin=make_user("diana", Role.ADMIN, other),
    )
