"""The organization tree and the people in it over the JSON API (read-only for now):
regions, party organizations, grids, party members and households, each a list and a detail.

Rows are reached only through ``accounts.scope``. A list narrows to one node of the tree —
``parent`` (its direct children) or ``region`` / ``organization`` (anywhere under it) — and
that node is itself fetched with ``get_for_user``, so a node outside the user's scope gives
the same 404 as a row outside it. Members and households are searched and filtered by the same
``orgs.domain.queries`` as the pages. ID numbers and phones are masked; a member's or
household's detail shows them in full with ``?reveal=true`` when ``orgs.personal`` allows it,
and every such view is audited.
"""

from datetime import date
from functools import partial
from typing import Any, Literal, TypeVar

from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from accounts.scope import get_for_user, visible
from core.api import ERRORS, ErrorOut, Forbidden, Listing, Page
from core.pages import client_ip
from core.paths import depth_of, subtree_q
from orgs import personal
from orgs.domain import queries
from orgs.domain.counts import NodeCounts, child_counts, counts_by_depth, subtree_counts
from orgs.models import Education, Gender, Grid, Household, Member, Organization, Region
from orgs.scope_rules import may_see_counts

router = Router()

M = TypeVar("M", bound=models.Model)
N = TypeVar("N", Region, Organization)
P = TypeVar("P", Member, Household)

ORGANIZATIONS = Organization.objects.select_related("region")
GRIDS = Grid.objects.select_related("region", "organization", "party_group")
MEMBERS = Member.objects.select_related("organization", "region")
HOUSEHOLDS = Household.objects.select_related("grid", "region", "liaison")


def choice(choices: type[models.TextChoices], description: str) -> Any:
    """A field holding one of ``choices``' values, listed in the OpenAPI description."""
    return Field(description=description, json_schema_extra={"enum": list(choices.values)})


# ---------------------------------------------------------------------------------------------
# Schemas


class Ref(Schema):
    """Another row a row points to: its id and name."""

    id: int
    name: str


class CountsOut(Schema):
    """Totals for a region's whole subtree, the region itself included."""

    members: int
    households: int
    organizations: int
    grids: int


class RegionOut(Schema):
    id: int
    code: str
    name: str
    level: str = choice(Region.Level, "层级")
    level_label: str
    parent_id: int | None
    depth: int = Field(description="在树中的层数，根为 0")
    counts: CountsOut | None = Field(
        description="下辖范围内的党员、农户、党组织、网格数；仅对管辖该区划的管理员和支部账号提供"
    )

    @staticmethod
    def resolve_counts(obj: Region) -> NodeCounts | None:
        return getattr(obj, "counts", None)

    @staticmethod
    def resolve_level_label(obj: Region) -> str:
        return obj.get_level_display()

    @staticmethod
    def resolve_depth(obj: Region) -> int:
        return depth_of(obj.path)


class OrganizationOut(Schema):
    id: int
    code: str
    name: str
    kind: str = choice(Organization.Kind, "类型")
    kind_label: str
    parent_id: int | None
    depth: int = Field(description="在组织树中的层数，根为 0")
    region: Ref
    under_rectification: bool
    founded_on: date | None
    closed_on: date | None

    @staticmethod
    def resolve_kind_label(obj: Organization) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_depth(obj: Organization) -> int:
        return depth_of(obj.path)


class GridOut(Schema):
    id: int
    code: str
    name: str
    region: Ref
    organization: Ref
    party_group: Ref | None


def shown_personal_values(obj: Member | Household) -> dict[str, str]:
    """The personal values a response carries: full after ``reveal_if_asked``, else masked."""
    return getattr(obj, "revealed_values", None) or personal.masked_values(obj)


class MemberOut(Schema):
    id: int
    name: str
    gender: str = choice(Gender, "性别")
    gender_label: str
    education: str = choice(Education, "学历")
    education_label: str
    status: str = choice(Member.Status, "党员类别")
    status_label: str
    joined_on: date
    is_mobile: bool
    mobile_location: str
    is_in_service: bool
    workplace: str
    organization: Ref
    region: Ref
    household_id: int | None
    id_number: str = Field(description="身份证号，默认打码")
    phone: str = Field(description="手机号，默认打码")
    revealed: bool = Field(description="是否为完整的个人信息（详情 ?reveal=true）")

    @staticmethod
    def resolve_gender_label(obj: Member) -> str:
        return obj.get_gender_display()

    @staticmethod
    def resolve_education_label(obj: Member) -> str:
        return obj.get_education_display()

    @staticmethod
    def resolve_status_label(obj: Member) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_id_number(obj: Member) -> str:
        return shown_personal_values(obj)["id_number"]

    @staticmethod
    def resolve_phone(obj: Member) -> str:
        return shown_personal_values(obj)["phone"]

    @staticmethod
    def resolve_revealed(obj: Member) -> bool:
        return hasattr(obj, "revealed_values")


class HouseholdOut(Schema):
    id: int
    code: str
    head_name: str
    head_id_number: str = Field(description="户主身份证号，默认打码")
    phone: str = Field(description="联系电话，默认打码")
    address: str
    size: int
    grid: Ref
    region: Ref
    liaison: Ref | None = Field(description="联系党员")
    revealed: bool = Field(description="是否为完整的个人信息（详情 ?reveal=true）")

    @staticmethod
    def resolve_head_id_number(obj: Household) -> str:
        return shown_personal_values(obj)["head_id_number"]

    @staticmethod
    def resolve_phone(obj: Household) -> str:
        return shown_personal_values(obj)["phone"]

    @staticmethod
    def resolve_revealed(obj: Household) -> bool:
        return hasattr(obj, "revealed_values")


# ---------------------------------------------------------------------------------------------
# List parameters

# Inline in the OpenAPI document: an enum class would become a component named after the
# class ("Status"), which later apps' own ``Status`` enums would overwrite.
MemberStatus = Literal[*Member.Status.values]  # type: ignore[valid-type]


class TreeQuery(Schema):
    parent: int | None = Field(None, description="只列出该节点的直接下级")
    q: str = Field("", max_length=50, description="按名称搜索")


class GridQuery(Schema):
    region: int | None = Field(None, description="只列出该区划（含各级下级）内的网格")
    q: str = Field("", max_length=50, description="按名称搜索")


class MemberQuery(Schema):
    region: int | None = Field(None, description="只列出该区划（含各级下级）内的党员")
    organization: int | None = Field(None, description="只列出该党组织（含下级组织）的党员")
    q: str = Field("", max_length=50, description="按姓名或身份证号后几位搜索")
    status: MemberStatus | None = Field(None, description="党员类别")
    is_mobile: bool | None = Field(None, description="流动党员")
    is_in_service: bool | None = Field(None, description="在职党员")


class HouseholdQuery(Schema):
    region: int | None = Field(None, description="只列出该区划（含各级下级）内的农户")
    q: str = Field("", max_length=50, description="按户主姓名或户编号搜索")


def node(request: HttpRequest, model: type[N], pk: int | None) -> N | None:
    """The tree node a list is narrowed to, or ``None``; 404 when it is not the user's."""
    return None if pk is None else get_for_user(request.user, model, pk)


def named(rows: QuerySet[M], q: str) -> QuerySet[M]:
    return rows.filter(name__contains=q.strip()) if q.strip() else rows


def children(rows: QuerySet[N], parent: N | None) -> QuerySet[N]:
    return rows if parent is None else rows.filter(parent=parent)


def flagged(rows: QuerySet[M], **flags: bool | None) -> QuerySet[M]:
    """``rows`` whose boolean fields equal the ``flags`` given (``None``: either)."""
    return rows.filter(**{name: value for name, value in flags.items() if value is not None})


# ---------------------------------------------------------------------------------------------
# What views add to rows


def attach_counts(regions: list[Region], *, user: Any, parent: Region | None) -> None:
    """Set ``counts`` (subtree totals) on the regions of a page whose figures the user may
    see: one grouped query for the children of ``parent`` (``child_counts``), otherwise one
    per depth present on the page — never one per row."""
    shown = [region for region in regions if may_see_counts(user, region)]
    if not shown:
        return
    nodes = child_counts(parent, shown) if parent is not None else counts_by_depth(shown)
    for counts in nodes:
        counts.region.counts = counts  # type: ignore[attr-defined]


def reveal_if_asked(request: HttpRequest, obj: P, asked: bool) -> P:
    """``obj`` with its full personal values when ``asked`` and allowed (audited by
    ``orgs.personal.reveal``); 403 when asked and not allowed — the row itself is visible."""
    if asked:
        try:
            values = personal.reveal(request.user, obj, ip_address=client_ip(request))
        except PermissionError as error:
            raise Forbidden(str(error)) from None
        obj.revealed_values = values  # type: ignore[attr-defined]
    return obj


Reveal = Query(False, description="显示完整的身份证号和电话（仅限有权查看的角色，并记入审计日志）")

# ---------------------------------------------------------------------------------------------
# Endpoints


@router.get(
    "/regions/",
    response={200: list[RegionOut], **ERRORS},
    tags=["行政区划"],
    summary="行政区划列表",
)
@paginate(Page)
def list_regions(request: HttpRequest, params: Query[TreeQuery]) -> Listing:
    parent = node(request, Region, params.parent)
    rows = named(children(visible(request.user, Region), parent), params.q)
    return Listing(rows, partial(attach_counts, user=request.user, parent=parent))


@router.get(
    "/regions/{id}",
    response={200: RegionOut, **ERRORS},
    tags=["行政区划"],
    summary="行政区划详情",
)
def region_detail(request: HttpRequest, id: int) -> Region:
    region = get_for_user(request.user, Region, id)
    if may_see_counts(request.user, region):
        region.counts = subtree_counts(region)  # type: ignore[attr-defined]
    return region


@router.get(
    "/organizations/",
    response={200: list[OrganizationOut], **ERRORS},
    tags=["党组织"],
    summary="党组织列表",
)
@paginate(Page)
def list_organizations(request: HttpRequest, params: Query[TreeQuery]) -> QuerySet[Organization]:
    parent = node(request, Organization, params.parent)
    return named(children(visible(request.user, ORGANIZATIONS), parent), params.q)


@router.get(
    "/organizations/{id}",
    response={200: OrganizationOut, **ERRORS},
    tags=["党组织"],
    summary="党组织详情",
)
def organization_detail(request: HttpRequest, id: int) -> Organization:
    return get_for_user(request.user, ORGANIZATIONS, id)


@router.get("/grids/", response={200: list[GridOut], **ERRORS}, tags=["网格"], summary="网格列表")
@paginate(Page)
def list_grids(request: HttpRequest, params: Query[GridQuery]) -> QuerySet[Grid]:
    rows = visible(request.user, GRIDS)
    region = node(request, Region, params.region)
    if region is not None:
        rows = rows.filter(subtree_q("region_path", region.path))
    return named(rows, params.q)


@router.get("/grids/{id}", response={200: GridOut, **ERRORS}, tags=["网格"], summary="网格详情")
def grid_detail(request: HttpRequest, id: int) -> Grid:
    return get_for_user(request.user, GRIDS, id)


@router.get(
    "/members/",
    response={200: list[MemberOut], **ERRORS},
    tags=["党员"],
    summary="党员列表（身份证号、手机号打码）",
)
@paginate(Page)
def list_members(request: HttpRequest, params: Query[MemberQuery]) -> QuerySet[Member]:
    rows = queries.filter_members(
        visible(request.user, MEMBERS),
        q=params.q,
        region=node(request, Region, params.region),
        organization=node(request, Organization, params.organization),
        status=params.status or "",
    )
    return flagged(rows, is_mobile=params.is_mobile, is_in_service=params.is_in_service)


@router.get(
    "/members/{id}",
    response={200: MemberOut, 403: ErrorOut, **ERRORS},
    tags=["党员"],
    summary="党员详情",
)
def member_detail(request: HttpRequest, id: int, reveal: bool = Reveal) -> Member:
    return reveal_if_asked(request, get_for_user(request.user, MEMBERS, id), reveal)


@router.get(
    "/households/",
    response={200: list[HouseholdOut], **ERRORS},
    tags=["农户"],
    summary="农户列表（户主身份证号、联系电话打码）",
)
@paginate(Page)
def list_households(request: HttpRequest, params: Query[HouseholdQuery]) -> QuerySet[Household]:
    return queries.filter_households(
        visible(request.user, HOUSEHOLDS),
        q=params.q,
        region=node(request, Region, params.region),
    )


@router.get(
    "/households/{id}",
    response={200: HouseholdOut, 403: ErrorOut, **ERRORS},
    tags=["农户"],
    summary="农户详情",
)
def household_detail(request: HttpRequest, id: int, reveal: bool = Reveal) -> Household:
    return reveal_if_asked(request, get_for_user(request.user, HOUSEHOLDS, id), reveal)
