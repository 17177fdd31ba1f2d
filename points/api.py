"""The points system over the JSON API, for phone clients: the rulebook in force, proposals
(a batch, each item idempotent by its ``client_key``), the review steps and returns, the
assembly's approval, households' balances and ledgers, and redemptions at the love
supermarket (idempotent by ``client_key``).

Rows are reached only through ``accounts.scope``; every write goes through
``points.domain``. The domain's refusals answer 422 with per-field errors; a row that moved
meanwhile (already reviewed, already redeemed) answers 409."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate

from accounts.scope import get_for_user, scope_for, visible
from core.api import ERRORS, ApiError, ErrorOut, Page
from orgs.models import Grid, Household, Member, Region
from points import scope_rules
from points.domain import ledger, people, proposals, rankings, rulebooks, store
from points.domain.errors import PointsRefused
from points.models import (
    AssemblyMeeting,
    HouseholdPoints,
    PointEntry,
    PointProposal,
    PointRule,
    Redemption,
    Store,
)

router = Router(tags=["积分制"])
WRITE_ERRORS = {**ERRORS, 409: ErrorOut}


def refused(error: PointsRefused) -> Exception:
    if error.conflict:
        return ApiError(409, "conflict", str(error))
    return ValidationError(
        [
            {"loc": ("body", "payload", name or "detail"), "msg": m, "type": "value_error"}
            for name, messages in error.errors.items()
            for m in messages
        ]
    )


# ---------------------------------------------------------------------------------------------
# Schemas


class RuleOut(Schema):
    id: int
    code: str
    name: str
    category: str = Field(
        description="basic 基础 / incentive 激励 / discretionary 机动 / veto 否决"
    )
    points: int = Field(description="每次的分值（正为加分，负为扣分）")
    applies_to: str = Field(description="member 党员 / resident 群众 / grid_worker 网格员")
    evidence: str = Field(description="photo 照片 / note 文字说明 / none 无需")
    cap: int | None = Field(description="每户每周期上限（分）")
    cap_period: str | None


class RulebookOut(Schema):
    id: int
    region_id: int
    version: int
    status: str
    approved_on: date | None
    in_force_from: date | None
    rules: list[RuleOut]

    @staticmethod
    def resolve_rules(obj) -> list[PointRule]:
        return list(obj.rules.order_by("code"))


class ProposalOut(Schema):
    id: int
    household_id: int | None = Field(description="农户 id（网格员积分项目为空）")
    household_name: str
    grid_id: int
    rule: RuleOut
    member_id: int | None
    person_name: str
    occurred_on: date
    times: int
    points: int
    note: str
    status: str = Field(
        description="proposed 待初审 / preliminary 待复审 / joint 待审议 / approved / returned / withdrawn"  # noqa: E501
    )
    status_label: str
    returned_reason: str
    proposed_at: datetime

    @staticmethod
    def resolve_household_name(obj: PointProposal) -> str:
        return obj.household.head_name if obj.household is not None else ""

    @staticmethod
    def resolve_status_label(obj: PointProposal) -> str:
        return str(obj.get_status_display())


class ProposalItemIn(Schema):
    household: int | None = Field(None, description="农户 id（群众、党员积分项目）")
    grid: int | None = Field(None, description="网格 id（网格员积分项目：为该网格的网格员采分）")
    rule: int = Field(description="施行中细则的积分项目 id")
    occurred_on: date
    times: int = Field(
        1, ge=1, le=proposals.MAX_TIMES, description="次数（不超过该项目每周期上限所允许的次数）"
    )
    note: str = ""
    member: int | None = Field(None, description="党员积分项目：本户的党员 id")
    person_name: str = Field("", description="网格员积分项目：网格员姓名（默认为网格员账号）")
    client_key: str | None = Field(
        None, max_length=64, description="幂等键：重试时返回首次创建的采分"
    )


class ProposeIn(Schema):
    items: list[ProposalItemIn] = Field(description="一批采分（需照片的项目请用网页端上传）")


class ReviewIn(Schema):
    step: Literal["preliminary", "joint"] = Field(
        description="preliminary 党小组初审 / joint 两委联席复审"
    )
    proposals: list[int]
    signed_by: str = ""


class ReturnIn(Schema):
    proposals: list[int]
    reason: str
    signed_by: str = ""


class ApproveIn(Schema):
    region: int = Field(description="村 id")
    proposals: list[int]
    held_on: date = Field(description="党员（村民代表）大会日期")
    minutes: str = Field(description="大会记录")
    signed_by: str = ""


class EntryOut(Schema):
    id: int
    kind: str = Field(description="award 积分 / reversal 冲正 / redemption 兑换")
    household_id: int | None = Field(description="农户 id（网格员积分为空）")
    member_id: int | None = Field(description="党员积分项目的党员 id")
    grid_id: int
    points: int = Field(description="分值（扣分如实为负）")
    occurred_on: date
    recorded_at: datetime
    category: str
    note: str
    proposal_id: int | None
    reverses_id: int | None
    redemption_id: int | None


class BalanceOut(Schema):
    household_id: int
    balance: int = Field(description="现有积分（等于积分流水之和；扣分可使其为负）")
    spendable: int = Field(description="可兑换积分：max(0, 现有积分)")
    quarter: str
    quarter_points: int = Field(description="本季度得分（含冲正，不含兑换）")
    threshold: int | None
    points_per_yuan: int | None
    eligible: bool | None = Field(description="是否达到本季度兑换门槛（本村无爱心超市时为空）")
    yuan: Decimal | None = Field(description="现有积分可兑换的金额（元）")


class LineIn(Schema):
    goods: int
    quantity: int = Field(ge=1, le=store.MAX_QUANTITY)


class RedeemIn(Schema):
    store: int
    household: int
    lines: list[LineIn]
    client_key: str | None = Field(None, max_length=64, description="幂等键：重试时返回首次的兑换")


class LineOut(Schema):
    goods_id: int
    goods_name: str
    quantity: int
    price: Decimal
    points: int

    @staticmethod
    def resolve_goods_name(obj) -> str:
        return obj.goods.name


class RedemptionOut(Schema):
    id: int
    store_id: int
    household_id: int
    points: int
    amount: Decimal
    at: datetime
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: Redemption) -> list[Any]:
        return list(obj.lines.all())


class ProposalQuery(Schema):
    status: str | None = Field(None, description="按状态筛选")
    household: int | None = None


PROPOSALS = PointProposal.objects.select_related("rule", "household")
REDEMPTIONS = Redemption.objects.prefetch_related("lines__goods")


# ---------------------------------------------------------------------------------------------
# Endpoints


def reviewable(request: HttpRequest, ids: list[int]) -> None:
    """404 unless every proposal is one the user reviews (whatever its status)."""
    found = visible(request.user, PointProposal, write=True).filter(pk__in=ids).count()
    if found != len(set(ids)):
        raise Http404


@router.get("/rulebook", response={200: RulebookOut, **ERRORS}, summary="施行中的积分细则")
def rulebook_in_force(request: HttpRequest, region: int, day: date | None = None):
    village = get_for_user(request.user, Region, region)
    book = rulebooks.rule_in_force(village, day or timezone.localdate())
    if book is None or not visible(request.user, type(book)).filter(pk=book.pk).exists():
        raise Http404
    return book


@router.get("/proposals/", response={200: list[ProposalOut], **ERRORS}, summary="采分列表")
@paginate(Page)
def list_proposals(request: HttpRequest, params: Query[ProposalQuery]) -> QuerySet:
    rows = visible(request.user, PROPOSALS).order_by("-proposed_at", "-id")
    if params.status:
        rows = rows.filter(status=params.status)
    if params.household:
        rows = rows.filter(household_id=params.household)
    return rows


@router.post("/proposals/", response={201: list[ProposalOut], **WRITE_ERRORS}, summary="批量采分")
def propose(request: HttpRequest, payload: ProposeIn) -> Status:
    batch = []
    for item in payload.items:
        household = (
            get_for_user(request.user, Household, item.household) if item.household else None
        )
        grid = get_for_user(request.user, Grid, item.grid) if item.grid else None
        rule = get_for_user(request.user, PointRule, item.rule)
        member = get_for_user(request.user, Member, item.member) if item.member else None
        batch.append(
            proposals.ProposalInput(
                household=household,
                grid=grid,
                rule=rule,
                occurred_on=item.occurred_on,
                times=item.times,
                note=item.note,
                member=member,
                person_name=item.person_name,
                client_key=(item.client_key or "").strip() or None,
            )
        )
    try:
        made = proposals.propose_entries(request.user, batch)
    except PointsRefused as error:
        raise refused(error) from None
    return Status(201, list(visible(request.user, PROPOSALS).filter(pk__in=[p.pk for p in made])))


@router.post(
    "/proposals/review",
    response={200: list[ProposalOut], **WRITE_ERRORS},
    summary="初审 / 复审通过",
)
def review(request: HttpRequest, payload: ReviewIn):
    reviewable(request, payload.proposals)
    try:
        moved = proposals.review(
            request.user, payload.proposals, payload.step, signed_by=payload.signed_by
        )
    except PointsRefused as error:
        raise refused(error) from None
    return list(visible(request.user, PROPOSALS).filter(pk__in=[p.pk for p in moved]))


@router.post(
    "/proposals/return",
    response={200: list[ProposalOut], **WRITE_ERRORS},
    summary="退回（须说明原因）",
)
def return_proposals(request: HttpRequest, payload: ReturnIn):
    reviewable(request, payload.proposals)
    try:
        moved = proposals.return_proposal(
            request.user, payload.proposals, payload.reason, signed_by=payload.signed_by
        )
    except PointsRefused as error:
        raise refused(error) from None
    return list(visible(request.user, PROPOSALS).filter(pk__in=[p.pk for p in moved]))


@router.post(
    "/proposals/approve",
    response={200: list[EntryOut], **WRITE_ERRORS},
    summary="党员（村民代表）大会审议通过，计入积分流水",
)
def approve(request: HttpRequest, payload: ApproveIn):
    village = get_for_user(request.user, Region, payload.region)
    if not scope_rules.reviews(request.user, village.path):
        raise Http404
    meeting = AssemblyMeeting(region=village, held_on=payload.held_on, minutes=payload.minutes)
    try:
        return ledger.approve_at_assembly(
            request.user, meeting, payload.proposals, signed_by=payload.signed_by
        )
    except PointsRefused as error:
        raise refused(error) from None


@router.get(
    "/households/{id}", response={200: BalanceOut, **ERRORS}, summary="农户积分余额与兑换资格"
)
def household_balance(request: HttpRequest, id: int) -> dict[str, Any]:
    household = household_for(request, id)
    shop = visible(request.user, Store).filter(region_id=household.region_id).first()
    standing = store.standing(shop, household) if shop else None
    today = timezone.localdate()
    quarter = store.Quarter.of(today)
    return {
        "household_id": household.pk,
        "balance": (held := ledger.balance(household)),
        "spendable": max(held, 0),
        "quarter": str(quarter),
        "quarter_points": ledger.quarter_points(household, quarter),
        "threshold": shop.threshold if shop else None,
        "points_per_yuan": shop.points_per_yuan if shop else None,
        "eligible": standing.eligible if standing else None,
        "yuan": standing.yuan if standing else None,
    }


def household_for(request: HttpRequest, id: int) -> Household:
    """A household the user may see: through the tree's scope, or — for a clerk — through
    the balances of their village."""
    if scope_for(request.user).clerk_paths:
        row = get_for_user(request.user, HouseholdPoints.objects.select_related("household"), id)
        return row.household
    return get_for_user(request.user, Household, id)


@router.get(
    "/households/{id}/entries", response={200: list[EntryOut], **ERRORS}, summary="农户积分流水"
)
@paginate(Page)
def household_entries(request: HttpRequest, id: int) -> QuerySet:
    household = household_for(request, id)
    return (
        visible(request.user, PointEntry)
        .filter(household=household)
        .order_by("-recorded_at", "-id")
    )


@router.get("/redemptions/", response={200: list[RedemptionOut], **ERRORS}, summary="兑换记录")
@paginate(Page)
def list_redemptions(request: HttpRequest, household: int | None = None) -> QuerySet:
    rows = visible(request.user, REDEMPTIONS).order_by("-at", "-id")
    return rows.filter(household_id=household) if household else rows


@router.post("/redemptions/", response={201: RedemptionOut, **WRITE_ERRORS}, summary="爱心超市兑换")
def redeem(request: HttpRequest, payload: RedeemIn) -> Status:
    shop = get_for_user(request.user, Store, payload.store, write=True)
    household = household_for(request, payload.household)
    try:
        made = store.redeem(
            request.user,
            shop,
            household,
            [(line.goods, line.quantity) for line in payload.lines],
            client_key=(payload.client_key or "").strip() or None,
        )
    except PointsRefused as error:
        raise refused(error) from None
    return Status(201, get_for_user(request.user, REDEMPTIONS, made.pk))


# ---------------------------------------------------------------------------------------------
# Scores of the three classes of person: rankings, and a person's own


class RankedOut(Schema):
    subject_id: int = Field(description="农户 / 党员 / 网格 id，依人员分类")
    name: str = Field(description="户主姓名 / 党员姓名 / 网格名称")
    person: str = Field(description="网格员姓名（网格员分类）")
    points: int
    place_rank: int
    grid_rank: int
    grid_count: int
    village_rank: int
    village_count: int
    township_rank: int
    grid_name: str
    village_name: str

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.head_name


PERSON_CLASS = Literal["resident", "member", "grid_worker"]


class RankingQuery(Schema):
    person_class: PERSON_CLASS = Field(
        "resident",
        alias="class",
        description="resident 群众（农户）/ member 党员 / grid_worker 网格员",
    )
    region: int | None = None
    grid: int | None = None
    span: Literal["week", "month", "quarter", "year"] = "quarter"
    period: str | None = Field(None, description="2026-W05 / 2026-03 / 2026-Q1 / 2026")
    limit: int = Field(50, ge=1, le=settings.API_MAX_PAGE_SIZE)
    offset: int = Field(0, ge=0, le=10_000_000)


class RankingOut(Schema):
    items: list[RankedOut]
    count: int = Field(description="本期有积分的人数（户数、网格数）")


@router.get("/rankings", response={200: RankingOut, **ERRORS}, summary="积分排名（三类人员）")
def ranking(request: HttpRequest, params: Query[RankingQuery]) -> dict[str, Any]:
    """The same ranking as the page ``/points/rankings/`` (who may see it, the same), paged
    in SQL by ``limit``/``offset``."""
    from points.report_views import _period, _place

    place, period = _place(request), _period(request)
    return {
        "items": rankings.ranking(
            place,
            period,
            person_class=params.person_class,
            limit=params.limit,
            offset=params.offset,
        ),
        "count": rankings.ranked_count(place, period, person_class=params.person_class),
    }


class OwnScoreOut(Schema):
    person_class: str = Field(description="member 党员 / grid_worker 网格员")
    subject_id: int
    name: str
    span: str
    period: str
    points: int = Field(description="本期得分（无积分为 0）")
    village_rank: int | None
    village_count: int | None
    township_rank: int | None


@router.get(
    "/mine", response={200: list[OwnScoreOut], **ERRORS}, summary="我的积分（党员、网格员）"
)
def my_scores(request: HttpRequest) -> list[dict[str, Any]]:
    """A party member's or grid worker's own points and ranks this quarter and this year (a
    resident's are their household's: ``households/{id}``)."""
    from points.domain.spans import Span, period_of

    today = timezone.localdate()
    periods = [period_of(today, Span.QUARTER), period_of(today, Span.YEAR)]
    out = []
    for own in people.own_subjects(request.user):
        people.with_standings(own, periods)
        for pk, standing in own.standings.items():
            for period, row in standing:
                out.append(
                    {
                        "person_class": own.person_class,
                        "subject_id": pk,
                        "name": own.names[pk],
                        "span": period.span,
                        "period": period.key,
                        "points": row.points if row else 0,
                        "village_rank": row.village_rank if row else None,
                        "village_count": row.village_count if row else None,
                        "township_rank": row.township_rank if row else None,
                    }
                )
    return out
