"""The county's service catalogue (服务目录) and its service centres: categories → items
(公共服务事项 / 行政审批事项), and centres at county, township and village level with their
windows, and the routing table. Writes for the pages, the Excel import and the demo go
through here."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

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


CENTRE_FIELDS = ("name", "code", "address", "phone", "opening_hours", "desk_count")


def check_centre(
    region: Region, data: CentreInput, centre: ServiceCentre | None = None
) -> dict[str, list[str]]:
    """What is wrong with ``data`` for a centre of ``region`` (``centre``: the one being
    changed), per field: required name and code, a code no other centre uses, windows with
    names, proxy services from the county's own catalogue."""
    errors: dict[str, list[str]] = {}
    if LEVEL_OF_REGION.get(Region.Level(region.level)) is None:
        errors["region"] = ["党群服务中心设在旗县、乡镇或村（社区）。"]
    if not data.name.strip():
        errors["name"] = ["请填写服务中心名称。"]
    code = data.code.strip()
    if not code:
        errors["code"] = ["请填写服务中心编码。"]
    else:
        taken = ServiceCentre.objects.filter(code=code)
        if centre is not None:
            taken = taken.exclude(pk=centre.pk)
        if taken.exists():
            errors["code"] = [f"编码“{code}”已被其他服务中心使用，请换一个。"]
    if not 0 <= data.desk_count <= 99:
        errors["desk_count"] = ["便民咨询台数量应为 0 到 99。"]
    if any(not name.strip() for name, _handles in data.windows):
        errors["windows"] = ["每个办事服务窗口都要填写名称。"]
    county = county_of(region)
    if any(county is None or item.region_id != county.pk for item in data.proxy_items):
        errors["proxy_items"] = ["代办事项须来自本旗县的服务目录。"]
    return errors


def _centre_values(data: CentreInput) -> dict:
    return {
        "name": data.name.strip(),
        "code": data.code.strip(),
        "address": data.address.strip(),
        "phone": data.phone.strip(),
        "opening_hours": data.opening_hours.strip(),
        "desk_count": data.desk_count,
    }


def _code_taken(code: str) -> CatalogueRefused:
    return CatalogueRefused({"code": [f"编码“{code}”已被其他服务中心使用，请换一个。"]})


def _set_windows(centre: ServiceCentre, windows: Sequence[tuple[str, str]]) -> None:
    ServiceWindow.objects.bulk_create(
        ServiceWindow(centre=centre, position=n, name=name.strip(), handles=handles.strip())
        for n, (name, handles) in enumerate(windows, start=1)
    )


def _window_list(centre: ServiceCentre) -> list[str]:
    return [f"{w.name}：{w.handles}" if w.handles else w.name for w in centre.windows.all()]


def _proxy_codes(centre: ServiceCentre) -> list[str]:
    return sorted(centre.proxy_items.values_list("code", flat=True))


@transaction.atomic
def add_centre(actor, region: Region, data: CentreInput) -> ServiceCentre:
    """A service centre of ``region`` (a county, township or village; the centre's level
    follows it) with its windows and the proxy services (代办事项) it handles. Refused with
    the reasons per field (``check_centre``); audited."""
    errors = check_centre(region, data)
    if errors:
        raise CatalogueRefused(errors)
    values = _centre_values(data)
    try:
        with transaction.atomic():  # two admins adding the same code at once
            centre = ServiceCentre.objects.create(
                region=region,
                region_path=region.path,
                level=LEVEL_OF_REGION[Region.Level(region.level)],
                **values,
            )
    except IntegrityError:
        raise _code_taken(values["code"]) from None
    _set_windows(centre, data.windows)
    if data.proxy_items:
        centre.proxy_items.set(data.proxy_items)
    record(actor, Action.CREATE, centre, region_path=region.path)
    return centre


@transaction.atomic
def change_centre(actor, centre: ServiceCentre, data: CentreInput) -> ServiceCentre:
    """Change a centre's name, code, address, phone, opening hours, desks, its windows (the
    list given replaces the old one, in its order) and its proxy services. The region and
    level stay. One audit entry with what changed (windows and proxy services as lists);
    nothing is written when nothing changed."""
    region = centre.region
    errors = check_centre(region, data, centre)
    if errors:
        raise CatalogueRefused(errors)
    values = _centre_values(data)
    before = {
        **snapshot(centre, CENTRE_FIELDS),
        "windows": _window_list(centre),
        "proxy_items": _proxy_codes(centre),
    }
    for name, value in values.items():
        setattr(centre, name, value)
    after_fields = snapshot(centre, CENTRE_FIELDS)
    new_windows = [f"{n.strip()}：{h.strip()}" if h.strip() else n.strip() for n, h in data.windows]
    new_codes = sorted(item.code for item in data.proxy_items)
    changes = diff(before, {**after_fields, "windows": new_windows, "proxy_items": new_codes})
    if not changes:
        return centre
    if diff(before, after_fields):
        try:
            with transaction.atomic():
                centre.save(update_fields=list(CENTRE_FIELDS))
        except IntegrityError:
            raise _code_taken(values["code"]) from None
    if "windows" in changes:
        centre.windows.all().delete()
        _set_windows(centre, data.windows)
    if "proxy_items" in changes:
        centre.proxy_items.set(data.proxy_items)
    record(actor, Action.UPDATE, centre, region_path=centre.region_path, changes=changes)
    return centre


@transaction.atomic
def set_route(actor, region: Region, item: ServiceItem, unit: Unit) -> RoutingRule:
    """派单路由: requests for ``item`` from ``region``'s subtree are proposed to ``unit``; an
    existing rule for the place and item gets the new unit. The item must be of the place's
    county catalogue and the unit must serve the place (its region at or above it), as
    dispatching demands. Audited, with the old and new unit when a rule changes."""
    errors: dict[str, list[str]] = {}
    if not region.path.startswith(item.region_path):
        errors["item"] = ["该事项不属于本旗县的服务目录。"]
    if not region.path.startswith(unit.region_path):
        errors["unit"] = ["该单位不服务此区划，请选择服务此地的单位。"]
    if errors:
        raise CatalogueRefused(errors)
    rule = (
        RoutingRule.objects.select_for_update()
        .select_related("unit")
        .filter(region=region, item=item)
        .first()
    )
    if rule is None:
        try:
            with transaction.atomic():  # another admin setting the same rule at the same time
                rule = RoutingRule.objects.create(
                    region=region, region_path=region.path, item=item, unit=unit
                )
        except IntegrityError:
            raise CatalogueRefused(
                {"item": ["该区划的这一事项刚由他人设置了路由，请刷新后再试。"]}
            ) from None
        record(actor, Action.CREATE, rule, region_path=region.path, summary=_route_summary(rule))
        return rule
    if rule.unit_id != unit.pk:
        changes = {"unit": [str(rule.unit), str(unit)]}
        rule.unit = unit
        rule.save(update_fields=["unit"])
        record(
            actor,
            Action.UPDATE,
            rule,
            region_path=region.path,
            changes=changes,
            summary=_route_summary(rule),
        )
    return rule


@transaction.atomic
def remove_route(actor, rule: RoutingRule) -> None:
    """Remove a rule of the routing table: requests for the item from that place are then
    proposed by the next rule above it, or by none. Audited."""
    summary = _route_summary(rule)
    region_path = rule.region_path
    audit_target = RoutingRule(pk=rule.pk)
    rule.delete()
    record(actor, Action.DELETE, audit_target, region_path=region_path, summary=summary)


def _route_summary(rule: RoutingRule) -> str:
    return f"派单路由：{rule.region.name} · {rule.item.name} → {rule.unit.name}"


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
