"""The points system in the demo data (issue 5): every village's rulebook, its love
supermarket, and two quarters of scoring — the previous quarter and the current one up to
the load day — with the review chain's history, the ledger, exchanges, reversals and
objections, shaped after seed 004 (翁牛特旗).

Everything is drawn from ``random.Random`` seeded with the demo seed and the village's code,
and written in bulk (``demo.writers``): the ledger's triggers refuse only UPDATE and DELETE,
so the rows go in with the same ``executemany``/``COPY`` as the rest of the demo.

1. **Rulebooks**: each village's rulebook is ``points.domain.defaults.DEFAULT_RULES``,
   drafted by the two committees and approved by the villagers' assembly on 1 January of last
   year. Every seventh village has revised it since: version 1 is superseded by a version 2
   in force from the second month of the previous quarter (volunteering capped higher, a
   new item for 铸牢中华民族共同体意识 activities) — its proposals before that day are scored
   under version 1, those after under version 2.
2. **Stores**: one per village (5 points per yuan, 80 points in the quarter, seed 004) with a
   dozen everyday goods priced to the fen.
3. **Scoring**: households take part at the rates of their village (a keen, an ordinary and a
   reluctant third), a grid worker proposes one to three items a month for a taking-part
   household, within each item's cap; a party member's own items (党员) are about a third
   of a member's household's items, and every grid's worker (网格员, the grid as the subject,
   no household) has a monthly patrol item (J05, 4–8 times) most months — seed 004's three
   classes of person. Deductions are booked in full (a balance may go below zero). The
   review chain runs on a monthly calendar: the party
   group's preliminary review on the 1st of the next month, the two committees' joint review
   on the 3rd, the assembly on the 5th, which writes the ledger; a step after the load day
   has not happened yet, so this month's proposals wait for preliminary review and last
   month's (before the 5th) for the next step. About 3 % are returned with a reason.
4. **Exchanges**: in the third month of a quarter (from the 10th), most households that
   reached the threshold exchange part or all of their balance for goods.
5. **Corrections**: a few approved awards are reversed (half of them after an upheld
   objection), some objections are dismissed, a few wait open on last month's boards.

The demo story (the issue's "Done when"): the ``demo-resident`` household has exactly 235
points approved in the current quarter (seed 004: "一季度我们家一共积分235分") and a balance of
235 after exchanging the previous quarter's 180 for a bag of flour — 235 points buy 47 yuan
of goods; ``demo-grid`` has proposals waiting for review. When the load day comes before the
current quarter's first assembly, the demo village holds an extra assembly on the load day.
"""

import random
from bisect import bisect
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from itertools import accumulate
from typing import Any

from django.db.models import Max

from core.paths import successor
from demo.logins import Cast
from demo.orglife import LOCAL, months
from demo.writers import Writer
from orgs.models import Grid, Household, Member, Region
from points.domain.defaults import DEFAULT_RULES
from points.domain.rankings import grid_worker_names
from points.domain.spans import Span, period_of
from points.models import (
    AssemblyMeeting,
    Goods,
    HouseholdPoints,
    Objection,
    PointEntry,
    PointProposal,
    PointRule,
    ProposalEvent,
    Redemption,
    RedemptionLine,
    Rulebook,
    Store,
)

Row = tuple[Any, ...]
Status = PointProposal.Status

COLUMNS: dict[type, tuple[str, ...]] = {
    Rulebook: (
        "id", "region_id", "region_path", "version", "status", "drafted_on", "drafted_by_id",
        "approved_on", "assembly_minutes", "in_force_from",
    ),
    PointRule: (
        "id", "rulebook_id", "code", "name", "category", "points", "applies_to", "evidence",
        "cap", "cap_period",
    ),
    Store: (
        "id", "region_id", "region_path", "name", "points_per_yuan", "threshold",
        "threshold_period",
    ),
    Goods: ("id", "store_id", "name", "price", "stock", "active"),
    AssemblyMeeting: (
        "id", "region_id", "region_path", "held_on", "minutes", "recorded_by_id", "recorded_at",
    ),
    PointProposal: (
        "id", "rule_id", "household_id", "member_id", "person_name", "grid_id", "region_id",
        "region_path", "occurred_on", "times", "points", "note", "photo", "thumbnail",
        "proposed_by_id", "proposed_at", "status", "returned_reason", "assembly_id",
        "client_key",
    ),
    ProposalEvent: (
        "id", "proposal_id", "from_status", "to_status", "actor_id", "body", "signed_by", "at",
        "note",
    ),
    Redemption: (
        "id", "store_id", "household_id", "region_path", "clerk_id", "points", "amount", "at",
        "client_key",
    ),
    RedemptionLine: ("id", "redemption_id", "goods_id", "quantity", "price", "points"),
    PointEntry: (
        "id", "household_id", "member_id", "region_id", "region_path", "grid_id", "kind",
        "points", "occurred_on", "recorded_at", "proposal_id", "reverses_id", "redemption_id",
        "rule_id", "category", "note",
    ),
    Objection: (
        "id", "proposal_id", "entry_id", "household_id", "region_path", "reason",
        "raised_by_id", "raised_at", "status", "resolved_by_id", "resolved_at", "resolution",
    ),
    HouseholdPoints: ("household_id", "region_path", "grid_id", "balance", "updated_at"),
}  # fmt: skip
MODELS = tuple(COLUMNS)

# Goods of a village love supermarket: (name, price in yuan, usual stock). Prices are whole
# multiples of 0.20 yuan, so that at 5 points per yuan every item costs whole points.
GOODS = (
    ("抽纸（一提）", "11.60", 120),
    ("洗衣粉（2公斤）", "16.80", 80),
    ("洗洁精（1.5公斤）", "7.80", 90),
    ("牙膏", "6.40", 100),
    ("香皂", "3.20", 150),
    ("毛巾", "8.00", 100),
    ("食盐（500克）", "2.40", 200),
    ("酱油（1.9升）", "8.60", 80),
    ("面粉（10公斤）", "36.00", 60),
    ("大米（10公斤）", "48.00", 60),
    ("食用油（5升）", "64.00", 40),
    ("暖水瓶", "24.00", 30),
)
FLOUR = 8  # the demo household's exchange last quarter: 36.00 yuan = 180 points

RULE_FIELDS = ("code", "name", "category", "points", "applies_to", "evidence", "cap", "cap_period")
REVISED_EVERY = 7  # every seventh village has a version 2 of its rulebook
REVISED_RULES = {"X03": {"cap": 80}}
NEW_RULE = (
    "X07",
    "参加铸牢中华民族共同体意识主题活动",
    "incentive",
    10,
    "resident",
    "photo",
    20,
    "month",
)

# How often a household's grid worker proposes for it in a month, by temperament.
TEMPERAMENTS = ((0.6, 0.30), (0.2, 0.45), (0.03, 0.25))  # (monthly chance, share of homes)
EXTRA_ITEMS = (0.3, 0.06)  # chance of a second and a third item in a month
RETURNED = 0.03
RETURN_REASONS = (
    "佐证照片看不清，请补拍",
    "次数与劳动台账不符",
    "同一事项已在本月采分",
    "不属于本项目范围",
)
REVERSED = 0.004
DISMISSED = 0.002
OPEN_OBJECTIONS = 0.003
EXCHANGING = 0.75  # of the households at or above the threshold
# Item weights for an ordinary proposal (codes of DEFAULT_RULES), residents then members.
RESIDENT_ITEMS = {
    "J01": 20, "J02": 12, "X01": 28, "X02": 9, "X03": 12, "X05": 2, "X06": 6, "D01": 1,
    "D02": 2, "F01": 1.2, "F02": 0.7, "F03": 0.3, "X07": 4,
}  # fmt: skip
MEMBER_ITEMS = {"J03": 40, "J04": 30, "X04": 30}
MEMBER_SHARE = 0.3  # of a party member's household's proposals, the member's own items
GRID_WORKER_ITEM = "J05"  # 网格巡查、按时上报: the grid worker class's monthly item
TIMES = {"X01": (2, 6), "X02": (1, 2), "X03": (1, 4), "J01": (1, 3), "J02": (1, 3)}

# The demo household's quarters: (code, times); 180 points last quarter, 235 this quarter.
DEMO_LAST = (("X01", 5), ("X02", 2), ("X03", 2), ("J01", 2))
DEMO_THIS = (("X01", 4), ("X02", 2), ("X03", 3), ("X05", 1), ("D02", 1), ("X06", 1), ("J01", 3))
DEMO_NOTES = {
    "X01": "参加春秋季村庄环境整治义务劳动",
    "X02": "出车清运垃圾",
    "X03": "参加志愿服务",
    "J01": "庭院整洁检查达标",
    "X05": "带动邻里种植订单玉米",
    "D02": "参加防汛抢险转移群众",
    "X06": "帮助邻居秋收",
}
NOTES = {
    "J01": ("庭院整洁检查达标", "门前三包落实好"),
    "J02": ("参加村民代表会议", "参加村民大会"),
    "X01": ("参加人居环境整治义务劳动", "清理村道两侧垃圾", "参加植树绿化"),
    "X02": ("出车清运垃圾", "出车拉运沙石平整道路"),
    "X03": ("参加志愿服务", "疫情防控值守", "重阳节敬老志愿服务"),
    "X04": ("党员承诺践诺", "带头参加义务劳动"),
    "X05": ("带动邻里发展肉牛养殖", "带动邻里种植订单玉米"),
    "X06": ("帮助邻居秋收", "帮助困难户修缮房屋"),
    "D01": ("获评乡镇“星级文明户”", "获评旗“最美家庭”"),
    "D02": ("参加防汛抢险", "参加森林草原防火扑救"),
    "F01": ("办婚宴超过规定桌数", "丧事大操大办"),
    "F02": ("违规私搭乱建", "违反村规民约乱堆柴草"),
    "F03": ("参与赌博被查处",),
    "J03": ("按时参加三会一课",),
    "J04": ("按时缴纳党费",),
    "J05": ("网格巡查，按时上报事件", "入户走访，按时上报网格事件"),
    "X07": ("参加民族团结进步主题活动",),
}
PRELIMINARY_DAY, JOINT_DAY, ASSEMBLY_DAY = 1, 3, 5
BODIES = {
    Status.PRELIMINARY: "党小组",
    Status.JOINT: "两委联席会议",
    Status.APPROVED: "党员（村民代表）大会",
}
RETURNING_BODY = {
    Status.PROPOSED: "党小组",
    Status.PRELIMINARY: "两委联席会议",
    Status.JOINT: "党员（村民代表）大会",
}
APPROVED_NOTE = {Status.APPROVED: "大会审议通过"}
SIGNERS = {
    "党小组": "党小组长",
    "两委联席会议": "村党支部书记",
    "党员（村民代表）大会": "大会主持人",
}
OBJECTION_REASONS = ("该户当天并未出工", "出车次数与实际不符", "评分偏高，请复核")
DISMISSALS = ("经核实，出工记录属实，维持原评分", "经两委联席会议复核，评分无误")
UPHOLDINGS = ("经核实，采分有误，予以冲正", "重复采分，予以冲正")


class Keys:
    """The next primary key of each table, after what the database holds."""

    def __init__(self) -> None:
        self.next = {
            model: (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1
            for model in MODELS
            if model is not HouseholdPoints
        }

    def take(self, model: type) -> int:
        key = self.next[model]
        self.next[model] = key + 1
        return key


@dataclass
class Home:
    """A household as the generator needs it — or a grid as the grid worker class's
    subject (``id`` None: no household)."""

    id: int | None
    grid_id: int
    region_id: int
    region_path: str
    head_name: str
    members: list[tuple[int, str]]
    monthly: float
    balance: int = 0
    quarter: Counter[str] = field(default_factory=Counter)  # quarter key → approved points
    capped: Counter[tuple] = field(default_factory=Counter)  # (rule code, period key) → points


@dataclass
class PointsReport:
    rows: Counter[str]
    demo_quarter_points: int
    demo_balance: int


@cache
def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LOCAL).astimezone(UTC)


@cache
def period_key(day: date, span: str) -> str:
    return period_of(day, span).key


def next_month(day: date, number: int) -> date:
    first = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return first.replace(day=number)


class VillageGenerator:
    """One village's rulebooks, store, proposals, ledger and exchanges, in time order."""

    def __init__(self, loader: "PointsLoader", village: Region, number: int) -> None:
        self.loader = loader
        self.village = village
        self.rng = random.Random(f"lingyan-demo:{loader.seed}:points:{village.code}")
        self.worker_rng = random.Random(f"lingyan-demo:{loader.seed}:points-grid:{village.code}")
        self.revised = number % REVISED_EVERY == REVISED_EVERY - 1
        self.books: list[tuple[date, dict[str, tuple]]] = []  # (in force from, code → rule)
        self.goods: list[list[Any]] = []
        self.store_id = 0
        self.is_demo = loader.cast is not None and village.pk == loader.cast.village.pk

    # Rulebooks and store ----------------------------------------------------------------
    def rulebooks(self) -> None:
        loader, v = self.loader, self.village
        first = date(loader.as_of.year - 1, 1, 1)
        versions = [(1, first, {}, None)]
        if self.revised:
            revised_from = next_month(loader.previous.start, 1)
            versions.append((2, revised_from, REVISED_RULES, NEW_RULE))
        for number, in_force, changes, extra in versions:
            book_id = loader.keys.take(Rulebook)
            superseded = number < len(versions)
            drafted = in_force - timedelta(days=20)
            loader.add(
                Rulebook,
                (
                    book_id, v.pk, v.path, number,
                    Rulebook.Status.SUPERSEDED if superseded else Rulebook.Status.APPROVED,
                    drafted, None, in_force - timedelta(days=6),
                    f"{v.name}党员（村民代表）大会审议通过《{v.name}积分制管理细则》第{number}版，"
                    "应到代表 35 人，实到 31 人，同意 31 票。",
                    in_force,
                ),
            )  # fmt: skip
            rules = {}
            specs = [
                (
                    r.code,
                    r.name,
                    r.category,
                    r.points,
                    r.applies_to,
                    r.evidence,
                    r.cap,
                    r.cap_period,
                )
                for r in DEFAULT_RULES
            ]
            if extra:
                specs.append(extra)
            for spec in specs:
                values = list(spec)
                for name, value in changes.get(spec[0], {}).items():
                    values[RULE_FIELDS.index(name)] = value
                rule_id = loader.keys.take(PointRule)
                loader.add(PointRule, (rule_id, book_id, *values))
                rules[spec[0]] = (rule_id, *values)
            self.books.append((in_force, rules))

    def rule(self, code: str, day: date) -> tuple | None:
        """The rule ``code`` of the version in force on ``day``, or None."""
        rules = None
        for in_force, book in self.books:
            if in_force <= day:
                rules = book
        return rules.get(code) if rules else None

    def store(self) -> None:
        loader, v = self.loader, self.village
        self.store_id = loader.keys.take(Store)
        loader.add(Store, (self.store_id, v.pk, v.path, f"{v.name}爱心超市", 5, 80, "quarter"))
        for name, price, stock in GOODS:
            self.goods.append([loader.keys.take(Goods), name, Decimal(price), stock * 3])

    def write_goods(self) -> None:
        for goods_id, name, price, stock in self.goods:
            self.loader.add(Goods, (goods_id, self.store_id, name, price, stock, True))

    # Scoring ---------------------------------------------------------------------------
    def run(self, homes: list[Home]) -> None:
        self.rulebooks()
        self.store()
        loader = self.loader
        demo_home = loader.cast.household.pk if self.is_demo and loader.cast else None
        first_month = loader.previous.start
        calendar = list(months(first_month, loader.as_of))
        workers = self.grid_workers(homes)
        for month in calendar:
            batch = [self.propose(home, month) for home in homes if home.id != demo_home]
            batch += [self.grid_worker_proposals(worker, month) for worker in workers]
            if demo_home is not None:
                demo = next(h for h in homes if h.id == demo_home)
                batch.append(self.demo_proposals(demo, month))
            self.review(month, [p for proposals in batch for p in proposals], homes)
            self.exchange(month, homes)
        self.write_goods()

    def propose(self, home: Home, month: date) -> list[dict]:
        rng, loader = self.rng, self.loader
        if rng.random() >= home.monthly:
            return []
        count = 1 + sum(rng.random() < chance for chance in EXTRA_ITEMS)
        last_day = min(next_month(month, 1) - timedelta(days=1), loader.as_of)
        proposals = []
        for _ in range(count):
            day = month + timedelta(days=rng.randrange((last_day - month).days + 1))
            member = None
            if home.members and rng.random() < MEMBER_SHARE:
                member = rng.choice(home.members)
                code = pick_member(rng)
            else:
                code = pick_resident(rng)
            rule = self.rule(code, day)
            if rule is None:
                continue
            low, high = TIMES.get(code, (1, 1))
            proposal = self.proposal(home, rule, day, rng.randint(low, high), member)
            if proposal is not None:
                proposals.append(proposal)
        return proposals

    def grid_workers(self, homes: list[Home]) -> list[Home]:
        """The village's grids as the grid worker class's subjects (seed 004's 网格员): a
        ``Home`` without a household (``id`` None), named by the grid's worker account."""
        grids = sorted({home.grid_id for home in homes})
        if not grids:
            return []
        names = grid_worker_names(grids)
        rows = Grid.objects.filter(pk__in=grids).values_list(
            "pk", "name", "region_id", "region_path"
        )
        return [
            Home(None, pk, region_id, path, (names.get(pk) or f"{name}网格员")[:50], [], 1.0)
            for pk, name, region_id, path in rows.order_by("pk")
        ]

    def grid_worker_proposals(self, worker: Home, month: date) -> list[dict]:
        """A grid worker's monthly patrol item (J05, 5 a time, at most 40 a month): 4 to 8
        times, proposed near the month's end (before the load day)."""
        rng = self.worker_rng
        last_day = min(next_month(month, 1) - timedelta(days=1), self.loader.as_of)
        day = max(month, last_day - timedelta(days=rng.randrange(5)))
        rule = self.rule(GRID_WORKER_ITEM, day)
        if rule is None or rng.random() < 0.1:  # a month without a report
            return []
        proposal = self.proposal(worker, rule, day, rng.randint(4, 8), None)
        return [proposal] if proposal is not None else []

    def demo_proposals(self, home: Home, month: date) -> list[dict]:
        """The demo household's items: all in the first month of each quarter."""
        loader = self.loader
        if month == loader.previous.start:
            items = DEMO_LAST
        elif month == loader.current.start:
            items = DEMO_THIS
        else:
            return []
        last_day = min(next_month(month, 1) - timedelta(days=1), loader.as_of)
        proposals = []
        for number, (code, times) in enumerate(items):
            day = min(month + timedelta(days=2 + 3 * number), last_day)
            rule = self.rule(code, day)
            assert rule is not None
            proposal = self.proposal(home, rule, day, times, None, note=DEMO_NOTES[code])
            assert proposal is not None, f"the demo household's {code} is over its cap"
            proposals.append(proposal)
        return proposals

    def proposal(
        self, home: Home, rule: tuple, day: date, times: int, member, note: str | None = None
    ) -> dict | None:
        code, name, points, cap, cap_period = rule[1], rule[2], rule[4], rule[7], rule[8]
        total = points * times
        if cap is not None:
            key = (code, period_key(day, cap_period), member[0] if member else None)
            if home.capped[key] + total > cap:
                return None
            home.capped[key] += total
        loader = self.loader
        proposed_at = min(at(day, 9 + self.rng.randrange(10), self.rng.randrange(60)), loader.now)
        return {
            "home": home,
            "rule": rule,
            "day": day,
            "times": times,
            "points": total,
            "member": member,
            "note": note or self.rng.choice(NOTES.get(code, (name,))),
            "proposed_at": proposed_at,
        }

    def review(self, month: date, proposals: list[dict], homes: list[Home]) -> None:
        """The month's batch along the chain, as far as the load day allows; the assembly
        writes the ledger in time order."""
        loader, rng, v = self.loader, self.rng, self.village
        steps = {
            Status.PRELIMINARY: next_month(month, PRELIMINARY_DAY),
            Status.JOINT: next_month(month, JOINT_DAY),
            Status.APPROVED: next_month(month, ASSEMBLY_DAY),
        }
        assembly_day = steps[Status.APPROVED]
        meeting_id = None
        extra_meeting = (
            self.is_demo and month == loader.current.start and assembly_day >= loader.as_of
        )
        if assembly_day < loader.as_of or extra_meeting:
            meeting_id = loader.keys.take(AssemblyMeeting)
            held = loader.as_of if extra_meeting else assembly_day
            held_at = min(at(held, 9), loader.now) if extra_meeting else at(held, 19)
            loader.add(
                AssemblyMeeting,
                (
                    meeting_id, v.pk, v.path, held,
                    f"{v.name}党员（村民代表）大会审议{month.year}年{month.month}月积分，"
                    f"经两委联席会议复审的采分逐户公示、表决通过。",
                    loader.branch_user if self.is_demo else None, held_at,
                ),
            )  # fmt: skip
        branch = loader.branch_user if self.is_demo else None
        for p in sorted(proposals, key=lambda p: p["proposed_at"]):
            home, rule = p["home"], p["rule"]
            worker = loader.grid_user if home.grid_id == loader.grid_id else None
            demo_item = self.is_demo and loader.cast and home.id == loader.cast.household.pk
            status = Status.PROPOSED
            returned = ""
            events = [("", Status.PROPOSED, "网格员", p["proposed_at"], worker)]
            for step, day in steps.items():
                moment = at(day, 19) if step != Status.APPROVED else at(day, 20)
                if step == Status.APPROVED and demo_item and extra_meeting:
                    day, moment = loader.as_of, min(at(loader.as_of, 10), loader.now)
                elif demo_item and extra_meeting:
                    day = min(day, loader.as_of)
                    moment = min(at(day, 8 if step == Status.PRELIMINARY else 9), loader.now)
                if day > loader.as_of or (day == loader.as_of and not demo_item):
                    break
                if not demo_item and rng.random() < RETURNED / 3:
                    returned = rng.choice(RETURN_REASONS)
                    body = RETURNING_BODY[status]
                    events.append((status, Status.RETURNED, body, moment, branch, returned))
                    status = Status.RETURNED
                    break
                events.append((status, step, BODIES[step], moment, branch))
                status = step
            proposal_id = loader.keys.take(PointProposal)
            approved = status == Status.APPROVED
            rule_id = rule[0]
            member = p["member"]
            loader.add(
                PointProposal,
                (
                    proposal_id, rule_id, home.id, member[0] if member else None,
                    member[1] if member else home.head_name, home.grid_id, home.region_id,
                    home.region_path, p["day"], p["times"], p["points"], p["note"], "", "",
                    worker, p["proposed_at"], status,
                    returned, meeting_id if approved else None, None,
                ),
            )  # fmt: skip
            for event in events:
                from_status, to_status, body, moment, actor, *note = event
                loader.add(
                    ProposalEvent,
                    (
                        loader.keys.take(ProposalEvent), proposal_id, from_status, to_status,
                        actor, body, SIGNERS.get(body, ""), moment,
                        note[0] if note else APPROVED_NOTE.get(to_status, ""),
                    ),
                )  # fmt: skip
            if approved:
                recorded = events[-1][3]
                self.award(home, proposal_id, rule, p, recorded, member)

    def award(self, home: Home, proposal_id: int, rule: tuple, p: dict, recorded, member) -> None:
        loader, rng = self.loader, self.rng
        points = p["points"]  # a deduction is booked in full, whatever the balance
        note = rule[2]
        entry_id = loader.keys.take(PointEntry)
        loader.add(
            PointEntry,
            (
                entry_id, home.id, member[0] if member else None, home.region_id,
                home.region_path, home.grid_id, PointEntry.Kind.AWARD, points, p["day"],
                recorded, proposal_id, None, None, rule[0], rule[3], note[:200],
            ),
        )  # fmt: skip
        home.balance += points
        home.quarter[period_key(p["day"], Span.QUARTER)] += points
        demo_home = loader.cast is not None and home.id == loader.cast.household.pk
        if demo_home or points <= 0 or home.id is None:  # no objections to a grid worker's
            return
        draw = rng.random()
        if draw < REVERSED:
            self.reverse(home, entry_id, rule, member, points, recorded, upheld=draw < REVERSED / 2)
        elif draw < REVERSED + DISMISSED:
            raised = recorded + timedelta(days=rng.randint(1, 5))
            if raised < loader.now:
                self.objection(home, entry_id, raised, Objection.Status.DISMISSED)
        elif draw < REVERSED + DISMISSED + OPEN_OBJECTIONS:
            raised = recorded + timedelta(days=rng.randint(1, 3))
            if raised < loader.now and loader.now - recorded < timedelta(days=30):
                self.objection(home, entry_id, raised, Objection.Status.OPEN)

    def objection(self, home: Home, entry_id: int, raised, status: str) -> None:
        loader, rng = self.loader, self.rng
        resolved = raised + timedelta(days=2) if status != Objection.Status.OPEN else None
        if resolved is not None and resolved > loader.now:
            status, resolved = Objection.Status.OPEN, None
        resolution = ""
        if status == Objection.Status.DISMISSED:
            resolution = rng.choice(DISMISSALS)
        elif status == Objection.Status.UPHELD:
            resolution = rng.choice(UPHOLDINGS)
        loader.add(
            Objection,
            (
                loader.keys.take(Objection), None, entry_id, home.id, home.region_path,
                rng.choice(OBJECTION_REASONS), None, raised, status, None, resolved, resolution,
            ),
        )  # fmt: skip

    def reverse(self, home, entry_id, rule, member, points, recorded, *, upheld: bool) -> None:
        loader = self.loader
        when = recorded + timedelta(days=self.rng.randint(3, 9))
        if when >= loader.now or home.balance < points:
            return
        if upheld:
            self.objection(home, entry_id, recorded + timedelta(days=1), Objection.Status.UPHELD)
        day = when.astimezone(LOCAL).date()
        loader.add(
            PointEntry,
            (
                loader.keys.take(PointEntry), home.id, member[0] if member else None,
                home.region_id, home.region_path, home.grid_id, PointEntry.Kind.REVERSAL,
                -points, day, when, None, entry_id, None, rule[0], rule[3],
                "冲正：" + self.rng.choice(UPHOLDINGS),
            ),
        )  # fmt: skip
        home.balance -= points
        home.quarter[period_key(day, Span.QUARTER)] -= points

    # Exchanges -------------------------------------------------------------------------
    def exchange(self, month: date, homes: list[Home]) -> None:
        """The quarter's exchange days (the third month, from the 10th), for households that
        reached the threshold in the quarter."""
        loader, rng = self.loader, self.rng
        if month.month % 3 != 0:
            return
        quarter = period_of(month, Span.QUARTER).key
        for home in homes:
            demo_home = loader.cast is not None and home.id == loader.cast.household.pk
            day = month.replace(day=10 + rng.randrange(12))
            if day >= loader.as_of:
                continue
            if home.quarter[quarter] < 80 or home.balance < 5:
                continue
            if demo_home and quarter == loader.current.key:
                continue  # the demo story: this quarter's 235 points are still to exchange
            if demo_home:
                lines = [(self.goods[FLOUR], 1)]
            elif rng.random() < EXCHANGING:
                lines = self.basket(home.balance * rng.uniform(0.4, 1.0) / 5)
            else:
                continue
            if not lines:
                continue
            self.redeem(home, day, lines)

    def basket(self, budget: float) -> list[tuple[list[Any], int]]:
        chosen: Counter[int] = Counter()
        spent = Decimal("0")
        for _ in range(8):
            index = self.rng.randrange(len(self.goods))
            goods = self.goods[index]
            if float(spent + goods[2]) > budget or goods[3] - chosen[index] <= 0:
                continue
            chosen[index] += 1
            spent += goods[2]
        return [(self.goods[index], quantity) for index, quantity in sorted(chosen.items())]

    def redeem(self, home: Home, day: date, lines) -> None:
        loader = self.loader
        amount = sum((goods[2] * quantity for goods, quantity in lines), Decimal("0"))
        points = int(amount * 5)
        if points > home.balance or points == 0:
            return
        moment = at(day, 10 + self.rng.randrange(7), self.rng.randrange(60))
        redemption_id = loader.keys.take(Redemption)
        clerk = loader.clerk_user if self.is_demo else None
        loader.add(
            Redemption,
            (
                redemption_id,
                self.store_id,
                home.id,
                home.region_path,
                clerk,
                points,
                amount,
                moment,
                None,
            ),
        )
        for goods, quantity in lines:
            loader.add(
                RedemptionLine,
                (
                    loader.keys.take(RedemptionLine), redemption_id, goods[0], quantity, goods[2],
                    int(goods[2] * quantity * 5),
                ),
            )  # fmt: skip
            goods[3] -= quantity
        loader.add(
            PointEntry,
            (
                loader.keys.take(PointEntry), home.id, None, home.region_id, home.region_path,
                home.grid_id, PointEntry.Kind.REDEMPTION, -points, day, moment, None, None,
                redemption_id, None, "", f"爱心超市兑换 {amount} 元",
            ),
        )  # fmt: skip
        home.balance -= points


class Weighted:
    """A weighted choice among item codes, by bisection of the cumulative weights."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.codes = list(weights)
        self.cumulative = list(accumulate(weights.values()))

    def __call__(self, rng: random.Random) -> str:
        return self.codes[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


pick_resident = Weighted(RESIDENT_ITEMS)
pick_member = Weighted(MEMBER_ITEMS)


class PointsLoader:
    """Rows for every village under ``under``, buffered per table and written in bulk."""

    def __init__(self, writer: Writer, *, seed: int, as_of: date, now: datetime, cast: Cast | None):
        self.writer, self.seed, self.as_of, self.now, self.cast = writer, seed, as_of, now, cast
        self.current = period_of(as_of, Span.QUARTER)
        self.previous = self.current.previous()
        self.keys = Keys()
        self.buffer: dict[type, list[Row]] = defaultdict(list)
        self.rows: Counter[str] = Counter()
        from accounts.models import User

        users = dict(
            User.objects.filter(
                username__in=["demo-branch", "demo-grid", "demo-clerk"]
            ).values_list("username", "pk")
        )
        self.branch_user = users.get("demo-branch")
        self.grid_user = users.get("demo-grid")
        self.clerk_user = users.get("demo-clerk")
        self.grid_id = cast.grid.pk if cast else None

    def add(self, model: type, row: Row) -> None:
        self.buffer[model].append(row)

    def flush(self) -> None:
        for model in MODELS:  # parents before children
            rows = self.buffer.pop(model, [])
            if rows:
                self.rows[model._meta.db_table] += self.writer.write(model, COLUMNS[model], rows)


def homes_of(under: str, seed: int) -> dict[int, list[Home]]:
    """Every household under the region path ``under``, by village, with its party members
    and a temperament drawn from its code."""
    members: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = Member.objects.filter(
        household__isnull=False, region_path__gte=under, region_path__lt=successor(under)
    ).values_list("household_id", "pk", "name")
    for household_id, pk, name in rows.order_by("pk"):
        members[household_id].append((pk, name))
    homes: dict[int, list[Home]] = defaultdict(list)
    households = Household.objects.filter(
        region_path__gte=under, region_path__lt=successor(under)
    ).values_list("pk", "code", "grid_id", "region_id", "region_path", "head_name")
    chances = [chance for chance, _share in TEMPERAMENTS]
    shares = [share for _chance, share in TEMPERAMENTS]
    for pk, code, grid_id, region_id, region_path, head_name in households.order_by("pk"):
        rng = random.Random(f"lingyan-demo:{seed}:points:{code}")
        monthly = rng.choices(chances, weights=shares)[0] * rng.uniform(0.8, 1.2)
        homes[region_id].append(
            Home(pk, grid_id, region_id, region_path, head_name, members.get(pk, []), monthly)
        )
    return homes


def load_points(
    writer: Writer,
    *,
    seed: int,
    as_of: date,
    now: datetime,
    county: Region,
    cast: Cast | None,
    progress: Callable[[str], None] | None = None,
) -> PointsReport:
    """Everything above for the villages of ``county``; call inside a transaction, after the
    demo logins exist."""
    loader = PointsLoader(writer, seed=seed, as_of=as_of, now=now, cast=cast)
    homes = homes_of(county.path, seed)
    villages = Region.objects.filter(
        level=Region.Level.VILLAGE, path__gte=county.path, path__lt=successor(county.path)
    ).order_by("path")
    all_homes: list[Home] = []
    for number, village in enumerate(villages):
        village_homes = homes.get(village.pk, [])
        VillageGenerator(loader, village, number).run(village_homes)
        all_homes += village_homes
        if number % 30 == 29:
            loader.flush()
            if progress is not None:
                progress(f"积分 {number + 1}/{len(villages)} 个村")
    updated = now
    for home in all_homes:
        loader.add(
            HouseholdPoints, (home.id, home.region_path, home.grid_id, home.balance, updated)
        )
    loader.flush()
    writer.reset_sequences([m for m in MODELS if m is not HouseholdPoints])
    demo_quarter = demo_balance = 0
    if cast is not None:
        demo = next(h for h in all_homes if h.id == cast.household.pk)
        demo_quarter, demo_balance = demo.quarter[loader.current.key], demo.balance
    return PointsReport(loader.rows, demo_quarter, demo_balance)
