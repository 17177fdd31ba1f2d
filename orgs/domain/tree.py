"""Adding nodes to the region and organization trees, and keeping the copied paths of the
rows below them right."""

from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext

from audit.log import Action, diff, record, snapshot
from core.paths import SEGMENT, decode_segment, depth_of, encode_segment
from orgs.models import LEVEL_ORDER, Organization, Region, TreeNode

KIND_ORDER = [choice.value for choice in Organization.Kind]


def next_child_path(model: type[Region] | type[Organization], parent: TreeNode | None) -> str:
    """The path for a new last child of ``parent`` (a new root when ``None``). Callers hold a
    lock on the parent row, so two inserts under one parent cannot take the same segment."""
    prefix = parent.path if parent is not None else ""
    siblings = (
        model._default_manager.filter(parent_id=parent.pk)
        if parent
        else model._default_manager.filter(depth=0)
    )
    last = siblings.aggregate(last=Max("path"))["last"]
    number = decode_segment(last[len(prefix) : len(prefix) + SEGMENT]) + 1 if last else 0
    return prefix + encode_segment(number)


def check_region_level(parent: Region | None, level: str) -> None:
    if parent is not None and LEVEL_ORDER.index(level) <= LEVEL_ORDER.index(parent.level):
        raise ValueError(
            gettext("“%(child)s”不能位于“%(parent)s”之下。")
            % {"child": Region.Level(level).label, "parent": parent.get_level_display()}
        )


@transaction.atomic
def add_region(actor, *, parent: Region | None, name: str, code: str, level: str) -> Region:
    """A new region as the last child of ``parent``; audited."""
    check_region_level(parent, level)
    if parent is not None:
        Region.objects.select_for_update().filter(pk=parent.pk).first()
    path = next_child_path(Region, parent)
    region = Region.objects.create(
        parent=parent, name=name, code=code, level=level, path=path, depth=depth_of(path)
    )
    record(actor, Action.CREATE, region, region_path=region.path)
    return region


def check_organization_kind(parent: Organization | None, kind: str) -> None:
    """A child sits below its parent's kind (a committee may also lead committees)."""
    if parent is None:
        return
    if parent.kind == Organization.Kind.GROUP:
        raise ValueError(gettext("党小组之下不能再设组织。"))
    nested_committee = parent.kind == kind == Organization.Kind.COMMITTEE
    if KIND_ORDER.index(kind) <= KIND_ORDER.index(parent.kind) and not nested_committee:
        raise ValueError(
            gettext("“%(child)s”不能位于“%(parent)s”之下。")
            % {"child": Organization.Kind(kind).label, "parent": parent.get_kind_display()}
        )


@transaction.atomic
def add_organization(
    actor, *, parent: Organization | None, region: Region, name: str, code: str, kind: str, **extra
) -> Organization:
    """A new party organization under ``parent``, leading ``region``; counted and audited."""
    check_organization_kind(parent, kind)
    if parent is not None:
        Organization.objects.select_for_update().filter(pk=parent.pk).first()
    path = next_child_path(Organization, parent)
    organization = Organization.objects.create(
        parent=parent,
        region=region,
        region_path=region.path,
        name=name,
        code=code,
        kind=kind,
        path=path,
        depth=depth_of(path),
        **extra,
    )
    Region.objects.filter(pk=region.pk).update(
        own_organization_count=F("own_organization_count") + 1
    )
    record(actor, Action.CREATE, organization, region_path=region.path)
    return organization


# What may change on an existing node: never its place (parent, path, region, level).
NODE_FIELDS: dict[type, frozenset[str]] = {
    Region: frozenset({"name"}),
    Organization: frozenset({"name", "kind", "founded_on", "closed_on", "under_rectification"}),
}


@transaction.atomic
def update_node(actor, node: Region | Organization, **changes: Any) -> Region | Organization:
    """Rename or re-describe a region or organization in place; audited with the changed
    fields. A new organization kind must still fit under its parent and above its children."""
    refused = set(changes) - NODE_FIELDS[type(node)]
    if refused:
        raise ValueError(
            gettext("不能修改：%(fields)s（不支持调整上级或层级）")
            % {"fields": "、".join(sorted(refused))}
        )
    new_kind = changes.get("kind")
    if isinstance(node, Organization) and new_kind and new_kind != node.kind:
        parent = node.parent
        check_organization_kind(parent if isinstance(parent, Organization) else None, new_kind)
        for child_kind in node.children.values_list("kind", flat=True).distinct():
            check_organization_kind(Organization(kind=new_kind), child_kind)
    fields = list(changes)
    before = snapshot(node, fields)
    for name, value in changes.items():
        setattr(node, name, value)
    node.save(update_fields=fields)
    changed = diff(before, snapshot(node, fields))
    if changed:
        region_path = node.path if isinstance(node, Region) else node.region_path
        record(actor, Action.UPDATE, node, region_path=region_path, changes=changed)
    return node
