"""Party-and-people services in the demo data (issue 4, items 3–5), for the demo county only
(at province scale too: the other counties stay without, to keep the load short).

Shaped after the seeds: seed 003's catalogue of 13 categories with 108 public-service and 96
administrative-approval items and its 215 service centres (1 county, 15 township, the rest
village or community centres, each village centre like seed 001's with 1 desk, 2 windows and
36 proxy services); a routing table of category → county department; a year of requests
(群众点单 → 社区派单 → 单位接单 → 群众评单) in every state with their history, finished within
the time limit about 95% of the time (seed 002) and rated 4.6 on average; micro-wishes, most
fulfilled and confirmed; dual registrations of in-service members.

Everything is drawn from ``random.Random`` seeded with the demo seed, so a load is
repeatable. Rows go in with ``bulk_create`` (the loader is the one writer allowed to bypass
the domain, docs/architecture.md "Writes"); the overdue sweep then runs through the domain,
so open requests past their limit are flagged and notified exactly as in production."""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from accounts.models import Role, RoleAssignment, User
from core.paths import subtree_q
from demo.logins import Cast
from notifications.models import Notification
from orgs.models import Household, Member, Region, Unit
from services.domain.sweeps import sweep_overdue
from services.models import (
    CommunityRegistration,
    Level,
    RequestEvent,
    RequestStatus,
    RoutingRule,
    ServiceCategory,
    ServiceCentre,
    ServiceItem,
    ServiceRequest,
    ServiceWindow,
    Wish,
    WishEvent,
    WishStatus,
)

PUBLIC_ITEMS, APPROVAL_ITEMS = 108, 96  # seed 003
REQUESTS_PER_YEAR = 3200
WISHES = 640  # seed 002: 8,500 claimed across a prefecture of ~13 counties
PROXY_ITEMS = 36  # seed 001
REGISTERED_SHARE = 0.6

# Category: (unit name suffix or None for the village itself, subjects, public actions,
# approval actions). Items are subject + action; their kind follows the action.
CATALOGUE: list[tuple[str, str | None, list[str], list[str], list[str]]] = [
    (
        "社会保障",
        "人社局",
        ["城乡居民基本养老保险", "城乡居民医疗保险", "社会保障卡", "失业保险金", "工伤保险待遇"],
        ["参保登记", "待遇申领", "信息变更", "补办"],
        ["资格认定"],
    ),
    (
        "就业创业",
        "人社局",
        ["创业担保贷款", "就业困难人员", "职业技能培训补贴", "灵活就业人员社保补贴"],
        ["申请", "咨询"],
        ["资格审核", "认定"],
    ),
    (
        "医疗卫生",
        "卫健委",
        ["家庭医生签约", "慢性病门诊", "健康证", "出生医学证明", "预防接种证"],
        ["服务申请", "信息变更"],
        ["办理", "补发"],
    ),
    (
        "民政救助",
        "民政局",
        ["城乡居民最低生活保障", "特困人员供养", "临时救助", "困难群众冬季取暖补贴"],
        ["申请", "待遇查询"],
        ["审批", "复核"],
    ),
    (
        "养老服务",
        "民政局",
        ["高龄津贴", "居家养老服务", "养老机构入住", "老年人优待证"],
        ["申领", "预约"],
        ["资格审核", "办理"],
    ),
    (
        "残疾人服务",
        "民政局",
        ["残疾人证", "困难残疾人生活补贴", "重度残疾人护理补贴", "残疾人辅助器具"],
        ["申领", "咨询"],
        ["核发", "审核"],
    ),
    (
        "农牧业",
        "农牧局",
        [
            "耕地地力保护补贴",
            "农机购置补贴",
            "草原生态保护补助奖励",
            "动物防疫",
            "种畜禽生产经营",
            "农药经营",
        ],
        ["申领", "技术指导"],
        ["许可证核发", "审批"],
    ),
    (
        "自然资源",
        "自然资源局",
        ["农村宅基地", "不动产权证", "林木采伐", "临时用地"],
        ["咨询", "信息查询"],
        ["审批", "登记"],
    ),
    (
        "水利",
        "水利局",
        ["农村饮水安全", "取水", "河道管理范围内建设项目", "水土保持方案"],
        ["报修", "咨询"],
        ["许可", "审批"],
    ),
    (
        "住房城乡建设",
        "住建局",
        ["农村危房改造", "公共租赁住房", "建设工程规划", "住房公积金"],
        ["申请", "补助申领"],
        ["许可", "审核"],
    ),
    (
        "户籍证照",
        None,
        ["居民身份证", "户口", "居住证", "婚姻登记", "出生登记"],
        ["办理预约", "证明开具"],
        ["办理", "迁移审批"],
    ),
    (
        "生活服务",
        "供电公司",
        ["用电", "有线电视", "燃气", "垃圾清运", "路灯"],
        ["报装", "报修"],
        ["过户", "增容审批"],
    ),
    (
        "法律服务",
        None,
        ["法律援助", "人民调解", "公证", "法律咨询"],
        ["申请", "预约"],
        ["审批", "受理"],
    ),
]
LEVELS = [Level.VILLAGE, Level.TOWNSHIP, Level.TOWNSHIP, Level.COUNTY]
FREE_TEXT = [
    ("村口路灯不亮", "村口到小学的三盏路灯坏了半个月，晚上孩子上学不安全。"),
    ("道路坑洼需修补", "通往二组的水泥路有几处大坑，下雨积水，车辆难行。"),
    ("自来水管漏水", "主管道在巷口漏水，已经好几天了。"),
    ("垃圾清运不及时", "垃圾箱满了一周没人清运，气味很大。"),
    ("邻里宅基地纠纷", "与邻居因院墙位置发生争执，希望村里调解。"),
    ("独居老人需要照看", "隔壁独居老人腿脚不便，希望有人定期上门看看。"),
    ("排水沟堵塞", "房后排水沟被淤泥堵住，雨天院子进水。"),
    ("想了解惠农政策", "想咨询今年种植补贴和养殖贷款的政策。"),
]
WISH_TITLES = [
    "想要一副老花镜",
    "孩子需要一套课外读物",
    "希望有人帮忙修理屋顶",
    "想要一台收音机",
    "需要一辆轮椅",
    "希望冬天有人帮忙送煤",
    "想学用智能手机",
    "孩子想要一个新书包",
    "希望有人陪老人看病",
    "想要一床新棉被",
    "需要帮忙修理自行车",
    "希望给孩子辅导功课",
    "想要几本养殖技术书",
    "希望帮忙清理院子",
    "想要一个电暖气",
    "需要帮忙代购药品",
]
RATINGS = [(5, 0.70), (4, 0.22), (3, 0.06), (2, 0.015), (1, 0.005)]
COMMENTS = {
    5: ["办得又快又好", "非常满意", "态度热情，效率高"],
    4: ["满意", "办得不错"],
    3: ["一般", "时间有点长"],
    2: ["不太满意"],
    1: ["问题没解决好"],
}


@dataclass
class ServicesReport:
    rows: Counter


def _catalogue(
    rng: random.Random, county: Region
) -> tuple[list[ServiceCategory], list[ServiceItem]]:
    categories = ServiceCategory.objects.bulk_create(
        ServiceCategory(
            region=county, region_path=county.path, code=f"{n:02d}", name=name, position=n
        )
        for n, (name, *_rest) in enumerate(CATALOGUE, 1)
    )
    candidates: dict[str, list[list[tuple[str, str]]]] = {"public_service": [], "approval": []}
    for name, _unit, subjects, publics, approvals in CATALOGUE:
        candidates["public_service"].append([(s + a, name) for s in subjects for a in publics])
        candidates["approval"].append([(s + a, name) for s in subjects for a in approvals])
    by_name = {c.name: c for c in categories}
    items: list[ServiceItem] = []
    for kind, wanted in (("public_service", PUBLIC_ITEMS), ("approval", APPROVAL_ITEMS)):
        chosen: list[tuple[str, str]] = []
        lists = [list(options) for options in candidates[kind]]
        while len(chosen) < wanted:  # round-robin over the categories, in order
            for options in lists:
                if options and len(chosen) < wanted:
                    chosen.append(options.pop(0))
        for title, category_name in chosen:
            level = (
                rng.choice(LEVELS)
                if kind == "public_service"
                else rng.choice([Level.TOWNSHIP, Level.COUNTY])
            )
            items.append(
                ServiceItem(
                    region=county,
                    region_path=county.path,
                    category=by_name[category_name],
                    name=title,
                    kind=kind,
                    handling_level=level,
                    materials="、".join(
                        rng.sample(
                            [
                                "居民身份证",
                                "户口簿",
                                "申请表",
                                "一寸照片",
                                "收入证明",
                                "村（社区）证明",
                                "银行卡",
                                "相关票据",
                            ],
                            3,
                        )
                    ),
                    time_limit_days=rng.choice([3, 5, 7, 10, 15])
                    if kind == "public_service"
                    else rng.choice([10, 15, 20, 30]),
                    description="",
                )
            )
    per_category: Counter = Counter()
    for item in sorted(items, key=lambda i: (i.category.position, i.kind != "public_service")):
        per_category[item.category.code] += 1
        item.code = f"{item.category.code}{per_category[item.category.code]:03d}"
    return categories, ServiceItem.objects.bulk_create(items)


def _centres(rng: random.Random, county: Region, items: list[ServiceItem]) -> int:
    regions = [
        county,
        *Region.objects.filter(subtree_q("path", county.path))
        .exclude(pk=county.pk)
        .order_by("path"),
    ]
    villages = [r for r in regions if r.level == Region.Level.VILLAGE]
    # 215 centres (seed 003): every county and township, and the first villages in order.
    wanted_villages = 215 - 1 - sum(1 for r in regions if r.level == Region.Level.TOWNSHIP)
    chosen = [r for r in regions if r.level != Region.Level.VILLAGE] + villages[
        : max(wanted_villages, 0)
    ]
    level_of = {
        Region.Level.COUNTY: Level.COUNTY,
        Region.Level.TOWNSHIP: Level.TOWNSHIP,
        Region.Level.VILLAGE: Level.VILLAGE,
    }
    centres = ServiceCentre.objects.bulk_create(
        ServiceCentre(
            region=r,
            region_path=r.path,
            name=f"{r.name}党群服务中心",
            code=f"SC{r.code}",
            level=level_of[Region.Level(r.level)],
            address=r.name + ("政务服务大厅" if r.level == Region.Level.COUNTY else "党群服务中心"),
            phone=f"0475-{rng.randrange(2_000_000, 9_000_000)}",
            opening_hours="周一至周五 8:30–12:00，14:30–17:30"
            + ("；周六上午值班" if r.level == Region.Level.VILLAGE else ""),
            desk_count=1 if r.level == Region.Level.VILLAGE else 2,
        )
        for r in chosen
    )
    windows = {
        Level.COUNTY: [
            ("社会保障窗口", "社保、就业"),
            ("医保窗口", "医疗保险"),
            ("民政窗口", "救助、养老"),
            ("农牧业窗口", "补贴、许可"),
            ("不动产窗口", "登记"),
            ("户籍窗口", "户口、身份证"),
            ("综合受理窗口", "其他事项"),
            ("代办帮办窗口", "代办"),
        ],
        Level.TOWNSHIP: [
            ("综合受理窗口", "社保、民政"),
            ("农牧业服务窗口", "补贴、防疫"),
            ("便民服务窗口", "证明、户籍"),
            ("代办窗口", "代办"),
        ],
        Level.VILLAGE: [("综合服务窗口", "社保、医保、民政"), ("代办服务窗口", "代办事项")],
    }
    ServiceWindow.objects.bulk_create(
        ServiceWindow(centre=c, position=n, name=name, handles=handles)
        for c in centres
        for n, (name, handles) in enumerate(windows[Level(c.level)], 1)
    )
    proxyable = [
        i for i in items if i.kind == "public_service" and i.handling_level != Level.COUNTY
    ] or items
    through = ServiceCentre.proxy_items.through
    links = []
    for c in centres:
        if c.level == Level.VILLAGE:
            for item in rng.sample(proxyable, min(PROXY_ITEMS, len(proxyable))):
                links.append(through(servicecentre_id=c.pk, serviceitem_id=item.pk))
    through.objects.bulk_create(links)
    return len(centres)


def _routes(county: Region, items: list[ServiceItem]) -> dict[int, Unit]:
    units = list(Unit.objects.filter(region=county).order_by("code"))
    unit_by_suffix = {
        suffix: next((u for u in units if u.name.endswith(suffix)), None)
        for _n, suffix, *_r in CATALOGUE
        if suffix
    }
    category_unit = {
        name: unit_by_suffix.get(suffix) if suffix else None for name, suffix, *_r in CATALOGUE
    }
    route = {
        i.pk: category_unit[i.category.name]
        for i in items
        if category_unit[i.category.name] is not None
    }
    RoutingRule.objects.bulk_create(
        RoutingRule(region=county, region_path=county.path, item_id=pk, unit=unit)
        for pk, unit in route.items()
    )
    return route


def _pick_rating(rng: random.Random) -> int:
    roll, total = rng.random(), 0.0
    for value, share in RATINGS:
        total += share
        if roll < total:
            return value
    return 5


def load_services(seed: int, cast: Cast, now: datetime) -> ServicesReport:
    """The demo county's services, as of ``now``; returns the rows written per table."""
    rng = random.Random(f"lingyan-demo:{seed}:services")
    county = cast.county
    rows: Counter = Counter()
    categories, items = _catalogue(rng, county)
    rows["services_servicecategory"], rows["services_serviceitem"] = len(categories), len(items)
    rows["services_servicecentre"] = _centres(rng, county, items)
    route = _routes(county, items)
    rows["services_routingrule"] = len(route)
    users = {u.username: u for u in User.objects.filter(username__startswith="demo-")}
    households = list(
        Household.objects.filter(subtree_q("region_path", county.path)).values_list(
            "id", "region_id", "region_path", "grid_id"
        )
    )
    requests, histories = _requests(rng, now, items, route, households, cast, users)
    rows["services_servicerequest"] = len(requests)
    events = [e for history in histories for e in history]
    RequestEvent.objects.bulk_create(events, batch_size=2000)
    rows["services_requestevent"] = len(events)
    rows["services_communityregistration"] = _registrations(rng, county, now)
    wishes, wish_events = _wishes(rng, county, now, cast, users)
    rows["services_wish"], rows["services_wishevent"] = wishes, wish_events
    rows["notifications_notification"] += _unit_notices(cast, users)
    result = sweep_overdue(now)
    rows["notifications_notification"] += result.notifications
    return ServicesReport(rows)


def _requests(rng, now, items, route, households, cast: Cast, users):
    """A year of requests; the demo resident's and the demo unit's are placed at the end."""
    requests: list[ServiceRequest] = []
    plans: list[list[tuple[str, str, datetime, Unit | None, str]]] = []
    village_of = {h[0]: h for h in households}
    start = now - timedelta(days=365)
    resident_household = cast.household.pk
    for _n in range(REQUESTS_PER_YEAR):
        household = households[rng.randrange(len(households))]
        submitted = start + timedelta(seconds=rng.randrange(365 * 86400))
        requests.append(_one(rng, submitted, now, items, route, household))
    # The demo resident: one done awaiting rating, one rated, one in hand, one just submitted.
    mine = village_of[resident_household]
    for days_ago, final in ((20, "done"), (60, "rated"), (4, "accepted"), (0.2, "submitted")):
        requests.append(
            _one(rng, now - timedelta(days=days_ago), now, items, route, mine, final=final)
        )
    # The demo unit: requests from the demo township dispatched to it, awaiting acceptance.
    township = [h for h in households if h[2].startswith(cast.township.path)]
    unit_items = [i for i in items if route.get(i.pk) == cast.unit] or items
    for days_ago in (0.5, 1, 2, 3, 6):
        household = township[rng.randrange(len(township))]
        requests.append(
            _one(
                rng,
                now - timedelta(days=days_ago),
                now,
                unit_items,
                {i.pk: cast.unit for i in unit_items},
                household,
                final="dispatched",
            )
        )
    for r in requests:
        if r.household_id == resident_household and "demo-resident" in users:
            r.submitted_by = users["demo-resident"]
        plans.append(r._plan)  # type: ignore[attr-defined]
    created = ServiceRequest.objects.bulk_create(requests, batch_size=1000)
    histories = [
        [
            RequestEvent(request=r, from_status=a, to_status=b, at=at, unit=u, note=note)
            for a, b, at, u, note in plan
        ]
        for r, plan in zip(created, plans, strict=True)
    ]
    return created, histories


def _one(rng, submitted, now, items, route, household, final: str | None = None) -> ServiceRequest:
    """One request with its planned history (``_plan``), its state following its age."""
    free = final is None and rng.random() < 0.25
    item = None if free else items[rng.randrange(len(items))]
    title, description = (
        rng.choice(FREE_TEXT)
        if free
        else (item.name, f"申请办理{item.name}，请告知需要准备的材料。")
    )
    limit = item.time_limit_days if item is not None else 7
    due = submitted + timedelta(days=limit)
    age = (now - submitted).total_seconds() / 86400
    unit = route.get(item.pk) if item is not None else None
    if final is None:
        roll = rng.random()
        if age < 1:
            final = "submitted" if roll < 0.6 else "dispatched"
        elif age < limit:
            final = (
                "submitted"
                if roll < 0.05
                else "dispatched"
                if roll < 0.2
                else "accepted"
                if roll < 0.55
                else "done"
                if roll < 0.8
                else "rated"
            )
        else:
            final = (
                "rejected"
                if roll < 0.03
                else "accepted"
                if roll < 0.045
                else "done"
                if roll < 0.2
                else "rated"
            )
    if final == "dispatched" and unit is None:
        final = "accepted"  # nobody to dispatch to: the village handles it itself
    self_handled = unit is None and final not in ("submitted", "rejected")
    plan: list = [("", "submitted", submitted, None, "")]
    moment = submitted + timedelta(hours=rng.uniform(1, 20))
    dispatched_at = min(moment, now)
    status = final
    accepted_at = dispatched_at
    done_at = None
    rating = None
    comment = ""
    if final == "rejected":
        plan.append(
            ("submitted", "rejected", dispatched_at, None, "经核实不属于服务事项，已电话告知。")
        )
    elif final != "submitted":
        if self_handled:
            plan.append(("submitted", "accepted", dispatched_at, None, "村（社区）自办"))
            accepted_at = dispatched_at
        else:
            if (
                rng.random() < 0.03 and final != "dispatched"
            ):  # sent back once, then dispatched again
                plan.append(("submitted", "dispatched", dispatched_at, unit, ""))
                plan.append(
                    (
                        "dispatched",
                        "submitted",
                        dispatched_at + timedelta(hours=2),
                        None,
                        "不属于本单位职责，请改派。",
                    )
                )
                dispatched_at += timedelta(hours=3)
            plan.append(("submitted", "dispatched", dispatched_at, unit, ""))
            accepted_at = min(dispatched_at + timedelta(hours=rng.uniform(1, 24)), now)
            if final != "dispatched":
                plan.append(("dispatched", "accepted", accepted_at, unit, ""))
        if final in ("done", "rated"):
            on_time = rng.random() < 0.955
            span = (
                (limit * 86400 * rng.uniform(0.15, 0.95))
                if on_time
                else (limit * 86400 * rng.uniform(1.05, 1.6))
            )
            done_at = min(submitted + timedelta(seconds=span), now - timedelta(minutes=5))
            if done_at <= accepted_at:
                done_at = min(accepted_at + timedelta(minutes=30), now)
            plan.append(("accepted", "done", done_at, unit, "已按要求办结。"))
        if final == "rated":
            rating = _pick_rating(rng)
            comment = rng.choice(COMMENTS[rating])
            assert done_at is not None
            plan.append(
                (
                    "done",
                    "rated",
                    min(done_at + timedelta(hours=rng.uniform(2, 72)), now),
                    None,
                    comment,
                )
            )
    request = ServiceRequest(
        item=item,
        title=title,
        description=description,
        region_id=household[1],
        region_path=household[2],
        household_id=household[0],
        status=status,
        unit=unit
        if status in ("dispatched", "accepted", "done", "rated") and not self_handled
        else None,
        self_handled=self_handled,
        submitted_at=submitted,
        due_at=due,
        done_at=done_at,
        result_note="已按要求办结。" if done_at else "",
        source=rng.choice(["web", "web", "api"]),
        rating=rating,
        rating_comment=comment,
        updated_at=plan[-1][2],
    )
    request._plan = plan  # type: ignore[attr-defined]
    return request


def _registrations(rng, county: Region, now: datetime) -> int:
    in_service = list(
        Member.objects.filter(
            subtree_q("region_path", county.path), is_in_service=True
        ).values_list("id", "household__region_id", "household__region_path")
    )
    villages = list(
        Region.objects.filter(
            subtree_q("path", county.path), level=Region.Level.VILLAGE
        ).values_list("id", "path")
    )
    rows = []
    for member_id, region_id, region_path in in_service:
        if rng.random() >= REGISTERED_SHARE:
            continue
        if region_id is None:
            region_id, region_path = villages[rng.randrange(len(villages))]
        rows.append(
            CommunityRegistration(
                member_id=member_id,
                region_id=region_id,
                region_path=region_path,
                registered_at=now - timedelta(days=rng.randrange(10, 700)),
            )
        )
    CommunityRegistration.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def _wishes(rng, county: Region, now: datetime, cast: Cast, users) -> tuple[int, int]:
    households = list(
        Household.objects.filter(subtree_q("region_path", county.path)).values_list(
            "id", "region_id", "region_path"
        )
    )
    members: dict[str, list[tuple[int, str]]] = {}
    for member_id, name, path in Member.objects.filter(
        subtree_q("region_path", county.path)
    ).values_list("id", "name", "region_path"):
        members.setdefault(path, []).append((member_id, name))
    registered: dict[int, list[tuple[int, str]]] = {}
    for member_id, name, region_id in CommunityRegistration.objects.filter(
        region_path__startswith=county.path
    ).values_list("member_id", "member__name", "region_id"):
        registered.setdefault(region_id, []).append((member_id, name))
    units = list(Unit.objects.filter(region=county).order_by("code"))
    wishes, plans = [], []
    chosen = [households[rng.randrange(len(households))] for _ in range(WISHES)]
    chosen += [(cast.household.pk, cast.household.region_id, cast.household.region_path)] * 2
    for n, (household_id, region_id, region_path) in enumerate(chosen):
        posted = (
            now - timedelta(days=rng.uniform(0.5, 360))
            if n < WISHES
            else now - timedelta(days=2 + n - WISHES)
        )
        roll = rng.random()
        status = (
            (
                WishStatus.CONFIRMED
                if roll < 0.85
                else WishStatus.FULFILLED
                if roll < 0.9
                else WishStatus.CLAIMED
                if roll < 0.95
                else WishStatus.POSTED
            )
            if n < WISHES
            else WishStatus.POSTED
        )
        wish = Wish(
            title=rng.choice(WISH_TITLES),
            region_id=region_id,
            region_path=region_path,
            household_id=household_id,
            posted_at=posted,
            status=status,
            updated_at=posted,
        )
        plan = [("", WishStatus.POSTED, posted, "")]
        if status != WishStatus.POSTED:
            pick = rng.random()
            claimed = min(posted + timedelta(hours=rng.uniform(2, 72)), now)
            if pick < 0.35 and registered.get(region_id):
                member_id, name = rng.choice(registered[region_id])
                wish.claimant_kind, wish.claimant_member_id, wish.claimant_name = (
                    Wish.ClaimantKind.IN_SERVICE,
                    member_id,
                    name,
                )
            elif pick < 0.85 and members.get(region_path):
                member_id, name = rng.choice(members[region_path])
                wish.claimant_kind, wish.claimant_member_id, wish.claimant_name = (
                    Wish.ClaimantKind.MEMBER,
                    member_id,
                    name,
                )
            else:
                unit = rng.choice(units)
                wish.claimant_kind, wish.claimant_unit, wish.claimant_name = (
                    Wish.ClaimantKind.UNIT,
                    unit,
                    unit.name,
                )
            wish.claimed_at = claimed
            plan.append((WishStatus.POSTED, WishStatus.CLAIMED, claimed, wish.claimant_name))
            if status in (WishStatus.FULFILLED, WishStatus.CONFIRMED):
                fulfilled = min(claimed + timedelta(days=rng.uniform(0.5, 10)), now)
                wish.fulfilled_at, wish.fulfil_note = fulfilled, "心愿已送到群众手中。"
                plan.append((WishStatus.CLAIMED, WishStatus.FULFILLED, fulfilled, wish.fulfil_note))
                if status == WishStatus.CONFIRMED:
                    wish.confirmed_at = min(fulfilled + timedelta(days=rng.uniform(0.2, 3)), now)
                    plan.append((WishStatus.FULFILLED, WishStatus.CONFIRMED, wish.confirmed_at, ""))
            wish.updated_at = plan[-1][2]
        if household_id == cast.household.pk and "demo-resident" in users:
            wish.posted_by = users["demo-resident"]
        wishes.append(wish)
        plans.append(plan)
    created = Wish.objects.bulk_create(wishes, batch_size=1000)
    events = [
        WishEvent(wish=w, from_status=a, to_status=b, at=at, note=note)
        for w, plan in zip(created, plans, strict=True)
        for a, b, at, note in plan
    ]
    WishEvent.objects.bulk_create(events, batch_size=2000)
    return len(created), len(events)


def _unit_notices(cast: Cast, users) -> int:
    """The demo unit's inbox: one notice per request waiting for it (as ``dispatch`` sends)."""
    unit_users = list(
        RoleAssignment.objects.filter(role=Role.UNIT, unit=cast.unit).values_list(
            "user_id", flat=True
        )
    )
    events = RequestEvent.objects.filter(
        request__unit=cast.unit,
        request__status=RequestStatus.DISPATCHED,
        to_status=RequestStatus.DISPATCHED,
    ).select_related("request", "request__region")
    notices = [
        Notification(
            user_id=user_id,
            key=f"request-event:{e.pk}",
            title=f"新派单：{e.request.title}"[:200],
            body=f"{e.request.region.name}派来服务诉求，请在办理期限前接单办理。",
            url=f"/services/requests/{e.request_id}/",
            created_at=e.at,
        )
        for e in events
        for user_id in unit_users
    ]
    Notification.objects.bulk_create(notices, ignore_conflicts=True)
    return len(notices)
