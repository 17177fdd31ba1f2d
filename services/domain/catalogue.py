"""The county's service catalogue (服务目录) and its service centres: categories → items
(公共服务事项 / 行政审批事项), and centres at county, township and village level with their
windows. Writes for the Excel import and the demo go through here."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from audit.log import Action, diff, record, snapshot
from orgs.models import Region, Unit
from services.models import (
    Level,
    RoutingRule,
    ServiceCategory,
    ServiceCentre,
    ServiceItem,
    ServiceWindow,
)


class CatalogueRefused(ValueError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("；".join(m for messages in errors.values() for m in messages))
        self.errors = errors


@dataclass
class CategoryInput:
    code: str
    name: str
    position: int = 0


@dataclass
class ItemInput:
    code: str
    name: str
    category: ServiceCategory
    kind: str
    handling_level: str
    time_limit_days: int
    materials: str = ""
    description: str = ""
    active: bool = True


ITEM_FIELDS = (
    "name",
    "category",
    "kind",
    "handling_level",
    "time_limit_days",
    "materials",
    "description",
    "active",
)


def _county(region: Region) -> None:
    if region.level != Region.Level.COUNTY:
        raise CatalogueRefused({"region": ["服务目录按旗县设置，请在旗县一级维护。"]})


@transaction.atomic
def save_category(actor, county: Region, data: CategoryInput) -> ServiceCategory:
    """Create the category ``data.code`` of ``county``'s catalogue, or rename/reorder it."""
    _county(county)
    if not data.code.strip() or not data.name.strip():
        raise CatalogueRefused({"code": ["类别编码和名称必填。"]})
    category, created = ServiceCategory.objects.get_or_create(
        region=county,
        code=data.code.strip(),
        defaults={"name": data.name.strip(), "position": data.position, "region_path": county.path},
    )
    if created:
        record(actor, Action.CREATE, category, region_path=county.path)
    elif (category.name, category.position) != (data.name.strip(), data.position):
        before = snapshot(category, ("name", "position"))
        category.name, category.position = data.name.strip(), data.position
        category.save(update_fields=["name", "position"])
        changes = diff(before, snapshot(category, ("name", "position")))
        record(actor, Action.UPDATE, category, region_path=county.path, changes=changes)
    return category


def check_item(data: ItemInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not data.code.strip():
        errors.setdefault("code", []).append("事项编码必填。")
    if not data.name.strip():
        errors.setdefault("name", []).append("事项名称必填。")
    if data.kind not in ServiceItem.Kind.values:
        errors.setdefault("kind", []).append("事项类型应为公共服务事项或行政审批事项。")
    if data.handling_level not in Level.values:
        errors.setdefault("handling_level", []).append("办理层级应为旗县级、乡镇级或村（社区）级。")
    if not 1 <= data.time_limit_days <= 365:
        errors.setdefault("time_limit_days", []).append("办理时限应为 1 到 365 天。")
    return errors


@transaction.atomic
def save_item(actor, county: Region, data: ItemInput) -> ServiceItem:
    """Create the item ``data.code`` of ``county``'s catalogue, or change it (audited with
    what changed). The code is the item's identity, also to Open311 clients."""
    _county(county)
    errors = check_item(data)
    if data.category.region_id != county.pk:
        errors.setdefault("category", []).append("类别不属于本旗县的服务目录。")
    if errors:
        raise CatalogueRefused(errors)
    values = {
        "name": data.name.strip(),
        "category": data.category,
        "kind": data.kind,
        "handling_level": data.handling_level,
        "time_limit_days": data.time_limit_days,
        "materials": data.materials.strip(),
        "description": data.description.strip(),
        "active": data.active,
    }
    item = ServiceItem.objects.filter(region=county, code=data.code.strip()).first()
    if item is None:
        item = ServiceItem.objects.create(
            region=county, region_path=county.path, code=data.code.strip(), **values
        )
        record(actor, Action.CREATE, item, region_path=county.path)
        return item
    before = snapshot(item, ITEM_FIELDS)
    for name, value in values.items():
        setattr(item, name, value)
    changes = diff(before, snapshot(item, ITEM_FIELDS))
    if changes:
        item.save(update_fields=[*values])
        record(actor, Action.UPDATE, item, region_path=county.path, changes=changes)
    return item


@dataclass
class CentreInput:
    name: str
    code: str
    address: str = ""
    phone: str = ""
    opening_hours: str = ""
    desk_count: int = 1
    windows: Sequence[tuple[str, str]] = ()  # (name, what it handles)
    proxy_items: Sequence[ServiceItem] = field(default_factory=list)


LEVEL_OF_REGION = {
    Region.Level.COUNTY: Level.COUNTY,
    Region.Level.TOWNSHIP: Level.TOWNSHIP,
    Region.Level.VILLAGE: Level.VILLAGE,
}


@transaction.atomic
def add_centre(actor, region: Region, data: CentreInput) -> ServiceCentre:
    """A service centre of ``region`` (a county, township or village) with its windows and
    the proxy services (代办事项) it handles."""
    level = LEVEL_OF_REGION.get(Region.Level(region.level))
    if level is None:
        raise CatalogueRefused({"region": ["党群服务中心设在旗县、乡镇或村（社区）。"]})
    centre = ServiceCentre.objects.create(
        region=region,
        region_path=region.path,
        name=data.name,
        code=data.code,
        level=level,
        address=data.address,
        phone=data.phone,
        opening_hours=data.opening_hours,
        desk_count=data.desk_count,
    )
    ServiceWindow.objects.bulk_create(
        ServiceWindow(centre=centre, position=n, name=name, handles=handles)
        for n, (name, handles) in enumerate(data.windows, start=1)
    )
    if data.proxy_items:
        centre.proxy_items.set(data.proxy_items)
    record(actor, Action.CREATE, centre, region_path=region.path)
    return centre


@transaction.atomic
def set_route(actor, region: Region, item: ServiceItem, unit: Unit) -> RoutingRule:
    """派单路由: requests for ``item`` from ``region``'s subtree are proposed to ``unit``."""
    if not region.path.startswith(item.region_path):
        raise CatalogueRefused({"item": ["该事项不属于本旗县的服务目录。"]})
    rule, created = RoutingRule.objects.update_or_create(
        region=region, item=item, defaults={"unit": unit, "region_path": region.path}
    )
    record(actor, Action.CREATE if created else Action.UPDATE, rule, region_path=region.path)
    return rule


def county_of(region: Region) -> Region | None:
    """The county (旗县) at or above ``region``: whose catalogue applies there."""
    if region.level == Region.Level.COUNTY:
        return region
    ancestors = [region.path[:end] for end in range(4, len(region.path), 4)]
    return Region.objects.filter(path__in=ancestors, level=Region.Level.COUNTY).first()


def villages_of(county: Region) -> list[Region]:
    """The villages and communities of a county, for choosing where to register (双报到)."""
    from core.paths import subtree_q

    return list(
        Region.objects.filter(subtree_q("path", county.path), level=Region.Level.VILLAGE)
        .select_related("parent")
        .order_by("path")
    )
