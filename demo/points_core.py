"""The minimal points demo the core pages need: the demo village (大坝村) gets the default
rulebook (seed 004's items), approved by its assembly at the start of last year, and its love
supermarket "大坝村爱心超市" with a few goods. The full county demo (five years of entries,
boards, rankings) is ``demo/points.py``; this part is skipped where a village already has a
rulebook or a store."""

from datetime import date
from decimal import Decimal

from orgs.models import Region
from points.domain import rulebooks, store
from points.domain.defaults import DEFAULT_RULES
from points.models import Goods, Rulebook

GOODS = [
    ("抽纸（提）", Decimal("11.75"), 60),
    ("洗衣粉（1kg）", Decimal("12.00"), 40),
    ("食用油（5L）", Decimal("65.00"), 12),
    ("大米（10kg）", Decimal("48.00"), 20),
    ("肥皂", Decimal("3.00"), 100),
]


def load_points_core(village: Region, as_of: date) -> None:
    start = date(as_of.year - 1, 1, 1)
    if not Rulebook.objects.filter(region=village).exists():
        book = rulebooks.draft_rulebook(None, village, rules=DEFAULT_RULES)
        rulebooks.approve_rulebook(
            None,
            book,
            approved_on=start,
            assembly_minutes=(
                "村“两委”联席会议拟定，党员（村民代表）大会表决通过："
                "按党员、群众、网格员分类积分，基础、激励、机动、否决四类项目。"
            ),
            in_force_from=start,
        )
    shop = store.open_store(None, village, name=f"{village.name}爱心超市")
    if not Goods.objects.filter(store=shop).exists():
        for name, price, stock in GOODS:
            store.save_goods(None, shop, name=name, price=price, add_stock=stock)
