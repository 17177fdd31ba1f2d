"""The love supermarket (爱心超市): store settings, goods, and ``redeem`` — the one place that
debits points and stock, together, in one transaction, never below zero.

Eligibility (seed 004): a household that earned at least ``store.threshold`` points in the
current quarter (``ledger.quarter_points``: awards and reversals counted in the quarter) may
exchange its balance at ``store.points_per_yuan`` points per yuan — 235 points buy 47 yuan of
goods at 5 points per yuan. A redemption's points are its amount times the rate, rounded up
to a whole point."""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.log import Action, record
from orgs.models import Household, Region
from points import scope_rules
from points.domain import ledger
from points.domain.errors import PointsRefused
from points.domain.periods import Quarter
from points.models import Goods, PointEntry, Redemption, RedemptionLine, Store

# Stock bounds: one intake at most MAX_ADD_STOCK pieces, a shelf at most MAX_STOCK of one
# goods (a village store; a larger number is a typing error and would overflow the column).
MAX_ADD_STOCK = 100_000
MAX_STOCK = 1_000_000
# The most pieces of one goods in one exchange.
MAX_QUANTITY = 9_999
REUSED_KEY = "该兑换编号已用于另一户的兑换，未重复扣分。请刷新页面后重新兑换。"


@dataclass(frozen=True)
class Standing:
    """What a household may do at the store today."""

    balance: int
    quarter: Quarter
    quarter_points: int
    threshold: int
    points_per_yuan: int

    @property
    def eligible(self) -> bool:
        return self.quarter_points >= self.threshold

    @property
    def spendable(self) -> int:
        """What may be exchanged: max(0, balance) — a deduction may take the balance below
        zero, but nothing is ever spent below zero."""
        return max(self.balance, 0)

    @property
    def yuan(self) -> Decimal:
        """The goods its spendable balance buys, in yuan (floored to the fen)."""
        return (Decimal(self.spendable) / self.points_per_yuan).quantize(
            Decimal("0.01"), rounding=ROUND_FLOOR
        )

    @property
    def shortfall(self) -> int:
        return max(self.threshold - self.quarter_points, 0)


def points_for(store: Store, amount: Decimal) -> int:
    return int((amount * store.points_per_yuan).to_integral_value(rounding=ROUND_CEILING))


def standing(store: Store, household: Household | int, day=None) -> Standing:
    quarter = Quarter.of(day or timezone.localdate())
    return Standing(
        balance=ledger.balance(household),
        quarter=quarter,
        quarter_points=ledger.quarter_points(household, quarter),
        threshold=store.threshold,
        points_per_yuan=store.points_per_yuan,
    )


def receipt_number(redemption: Redemption) -> str:
    """The number printed on a receipt: DH, the day in Asia/Shanghai, the store and the id
    (DH20261204-3-000123); unique because the id is."""
    day = timezone.localtime(redemption.at).strftime("%Y%m%d")
    return f"DH{day}-{redemption.store_id}-{redemption.pk:06d}"


@transaction.atomic
def open_store(actor, village: Region, name: str = "", **settings) -> Store:
    """The village's store, created with the seed's defaults unless told otherwise.

    Side effects: one Store, one audit entry (nothing if it exists)."""
    store = Store.objects.filter(region=village).first()
    if store is not None:
        return store
    store = Store.objects.create(
        region=village, region_path=village.path, name=name or f"{village.name}爱心超市", **settings
    )
    record(actor, Action.CREATE, store, region_path=store.region_path)
    return store


@transaction.atomic
def update_store(actor, store: Store, *, name: str, points_per_yuan: int, threshold: int) -> Store:
    """Change the store's name, rate and threshold: only the village's branch account or an
    admin above it (``scope_rules.reviews``) — the clerk runs the till but does not set the
    price of a point. Side effects: the store, an audit entry."""
    if actor is not None and not scope_rules.reviews(actor, store.region_path):
        raise PointsRefused("超市的兑换比例和门槛只能由本村党支部或上级管理员修改。")
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["请填写超市名称。"]
    if points_per_yuan < 1:
        errors["points_per_yuan"] = ["每元所需积分至少为 1。"]
    if threshold < 0:
        errors["threshold"] = ["兑换门槛不能为负数。"]
    if errors:
        raise PointsRefused(errors)
    before = record_fields(store)
    Store.objects.filter(pk=store.pk).update(
        name=name.strip(), points_per_yuan=points_per_yuan, threshold=threshold
    )
    store.refresh_from_db()
    changes = {k: [before[k], v] for k, v in record_fields(store).items() if before[k] != v}
    record(actor, Action.UPDATE, store, region_path=store.region_path, changes=changes)
    return store


def record_fields(store: Store) -> dict:
    return {
        "name": store.name,
        "points_per_yuan": store.points_per_yuan,
        "threshold": store.threshold,
    }


@transaction.atomic
def save_goods(
    actor,
    store: Store,
    *,
    name: str,
    price: Decimal,
    add_stock: int = 0,
    active: bool = True,
    goods: Goods | None = None,
) -> Goods:
    """Put goods on the shelf or change them; stock is only ever added to here (a conditional
    increment), taken by ``redeem``. Side effects: the goods row, an audit entry."""
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = ["请填写商品名称。"]
    if price is None or price <= 0 or price != price.quantize(Decimal("0.01")):
        errors["price"] = ["价格应为大于 0 的金额，精确到分。"]
    if add_stock < 0:
        errors["add_stock"] = ["入库数量不能为负数。"]
    elif add_stock > MAX_ADD_STOCK:
        errors["add_stock"] = [f"入库数量过大：一次最多入库 {MAX_ADD_STOCK} 件。"]
    if errors:
        raise PointsRefused(errors)
    if goods is None:
        goods = Goods.objects.create(
            store=store, name=name.strip(), price=price, stock=add_stock, active=active
        )
        record(actor, Action.CREATE, goods, region_path=store.region_path)
        return goods
    changed = Goods.objects.filter(
        pk=goods.pk, store=store, stock__lte=MAX_STOCK - add_stock
    ).update(name=name.strip(), price=price, active=active, stock=F("stock") + add_stock)
    if changed != 1:
        raise PointsRefused({"add_stock": [f"入库后库存将超过 {MAX_STOCK} 件的上限。"]})
    goods.refresh_from_db()
    record(
        actor,
        Action.UPDATE,
        goods,
        region_path=store.region_path,
        summary=f"{goods.name} 入库 {add_stock}",
    )
    return goods


@transaction.atomic
def redeem(
    actor,
    store: Store,
    household: Household,
    lines: list[tuple[int, int]],
    client_key: str | None = None,
) -> Redemption:
    """Exchange a household's points for goods (兑换): ``lines`` are (goods id, quantity).
    Refuses a household of another village, one below the quarter's threshold, a balance or
    a stock that does not cover it. Points and stock are debited with conditional updates
    (``… WHERE balance >= x``, ``… WHERE stock >= q``), so two clerks pressing at the same
    moment can never overdraw either: the second finds the row changed and is refused.

    With ``client_key``, a retry of a redemption already made by this clerk for this
    household at this store returns it; the same key for another household (or store) is
    refused as a conflict (409), never answered with the first household's receipt.

    Side effects: a Redemption with its lines, a redemption PointEntry, the balance, the
    goods' stock, one audit entry."""
    signed_in = getattr(actor, "is_authenticated", False)
    key = client_key if signed_in and client_key else None
    if key is not None:
        first = Redemption.objects.filter(clerk=actor, client_key=key).first()
        if first is not None:
            if first.household_id != household.pk or first.store_id != store.pk:
                raise PointsRefused(
                    {"client_key": [REUSED_KEY]},
                    conflict=True,
                )
            return first
    if household.region_id != store.region_id:
        raise PointsRefused({"household": ["该户不属于本村，不能在本超市兑换。"]})
    wanted: dict[int, int] = {}
    for goods_id, quantity in lines:
        if quantity < 0:
            raise PointsRefused({"lines": ["数量不能为负数。"]})
        if quantity > MAX_QUANTITY:
            raise PointsRefused({"lines": [f"数量过大：每种商品一次最多 {MAX_QUANTITY} 件。"]})
        if quantity:
            wanted[goods_id] = wanted.get(goods_id, 0) + quantity
    if not wanted:
        raise PointsRefused({"lines": ["请至少选择一件商品。"]})
    shelf = {g.pk: g for g in Goods.objects.filter(store=store, active=True, pk__in=list(wanted))}
    if len(shelf) != len(wanted):
        raise PointsRefused({"lines": ["所选商品不在本超市货架上。"]})
    today = timezone.localdate()
    now_standing = standing(store, household, today)
    if not now_standing.eligible:
        raise PointsRefused(
            {
                "household": [
                    f"该户{now_standing.quarter.label}积分 {now_standing.quarter_points} 分，"
                    f"未达到 {store.threshold} 分的兑换门槛。"
                ]
            }
        )
    amount = sum((shelf[g].price * q for g, q in wanted.items()), Decimal("0"))
    points = points_for(store, amount)
    ledger.ensure_balances([household])
    if not ledger.debit(household.pk, points):
        raise PointsRefused(
            {
                "lines": [
                    f"积分不足：需要 {points} 分（{amount} 元），"
                    f"该户余额 {ledger.balance(household)} 分。"
                ]
            }
        )
    for goods_id in sorted(wanted):
        taken = Goods.objects.filter(pk=goods_id, stock__gte=wanted[goods_id]).update(
            stock=F("stock") - wanted[goods_id]
        )
        if taken != 1:
            raise PointsRefused({"lines": [f"“{shelf[goods_id].name}”库存不足。"]})
    now = timezone.now()
    try:
        with transaction.atomic():
            redemption = Redemption.objects.create(
                store=store,
                household=household,
                region_path=store.region_path,
                clerk=actor if signed_in else None,
                points=points,
                amount=amount,
                at=now,
                client_key=key,
            )
    except IntegrityError:
        if key is None:
            raise
        raise PointsRefused("该兑换已提交过。", conflict=True) from None
    RedemptionLine.objects.bulk_create(
        RedemptionLine(
            redemption=redemption,
            goods_id=goods_id,
            quantity=quantity,
            price=shelf[goods_id].price,
            points=points_for(store, shelf[goods_id].price * quantity),
        )
        for goods_id, quantity in sorted(wanted.items())
    )
    PointEntry.objects.create(
        household=household,
        region_id=household.region_id,
        region_path=household.region_path,
        grid_id=household.grid_id,
        kind=PointEntry.Kind.REDEMPTION,
        points=-points,
        occurred_on=today,
        recorded_at=now,
        redemption=redemption,
        note=f"{store.name} 兑换 {amount} 元",
    )
    record(
        actor,
        Action.CREATE,
        redemption,
        region_path=store.region_path,
        summary=f"{household} 兑换 {amount} 元（{points} 分）",
    )
    return redemption
