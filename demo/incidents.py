"""Grid incidents in the demo data (issue 4): a few hundred incidents over the demo county's
last six months — realistic types, states and histories (most closed, some open, a few over
their limit and escalated, some with GPS) — and the 2021 flood-season emergency of the first
township with seed 003's figures: 60 valid reports, 68 people evacuated, 20 hazards removed
(plus a few duplicates, which the board does not count).

Deterministic from the seed (``random.Random``). Written with ``bulk_create`` (hundreds of
rows); the demo grid worker's grid gets open incidents so that ``demo-grid`` and
``demo-township`` have something to work on."""

import random
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.models import Role, RoleAssignment
from incidents.domain.catalogue import builtin, install_defaults
from incidents.domain.escalation import sweep
from incidents.models import Emergency, Incident, IncidentEvent, IncidentType
from orgs.models import Grid, Region, Unit

DESCRIPTIONS = {
    "safety_hazard": ["村东桥头护栏松动，存在坠落风险", "废弃机井未封口", "电线杆倾斜，靠近民房"],
    "flood_disaster": ["河道水位上涨，漫过村南便桥", "低洼处农户院内进水", "山洪冲毁田间道路"],
    "environment": ["村口垃圾堆放未清运", "秸秆焚烧冒烟", "排水沟淤堵发臭"],
    "dispute": ["两户因宅基地边界发生争执", "草场界线纠纷", "邻里因排水问题争吵"],
    "public_facility": ["路灯损坏三盏", "村文化广场健身器材损坏", "自来水管道破裂"],
    "epidemic": ["外地返乡人员需登记", "羊群疑似口蹄疫症状"],
    "other": ["独居老人需要帮扶", "流浪犬伤人隐患"],
}
WEIGHTS = [
    ("safety_hazard", 18),
    ("flood_disaster", 8),
    ("environment", 22),
    ("dispute", 14),
    ("public_facility", 20),
    ("epidemic", 6),
    ("other", 12),
]
SHANGHAI = ZoneInfo("Asia/Shanghai")
PER_MONTH = 60
MONTHS = 6
FLOOD = {"valid": 60, "evacuated": 68, "hazards": 20, "duplicates": 4}


def _at(rng: random.Random, start: datetime, days: int) -> datetime:
    return start + timedelta(seconds=rng.randrange(days * 86400))


def load_incidents(county: Region, seed: int, now: datetime) -> int:
    """Incidents, their history, the escalations of the overdue ones and the 2021 flood
    emergency; returns how many incidents were written."""
    rng = random.Random(f"lingyan-demo:{seed}:incidents")
    install_defaults(None, county)
    types = {t.code: t for t in IncidentType.objects.filter(region=county)}
    states = {
        code: builtin(code)
        for code in ("reported", "assigned", "in_progress", "resolved", "closed", "duplicate")
    }
    grids = list(Grid.objects.filter(region_path__startswith=county.path).order_by("code"))
    workers = {
        a.grid_id: a.user_id
        for a in RoleAssignment.objects.filter(role=Role.GRID_WORKER, grid__in=grids)
    }
    township = Region.objects.filter(parent=county).order_by("path").first()
    admin = RoleAssignment.objects.filter(role=Role.ADMIN, region=township).first()
    units = list(
        Unit.objects.filter(region_path__startswith=county.path)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    demo_grid = next((g for g in grids if g.pk in workers), grids[0])
    codes = [c for c, w in WEIGHTS for _ in range(w)]
    rows: list[tuple[Incident, list[tuple[str, str, datetime]]]] = []

    def make(grid, code, reported_at, fate, emergency=None, evacuated=0, hazards=0):
        limit = types[code].time_limit
        incident = Incident(
            type=types[code],
            description=rng.choice(DESCRIPTIONS[code]),
            occurred_at=reported_at - timedelta(minutes=rng.randrange(5, 180)),
            grid=grid,
            region_id=grid.region_id,
            region_path=grid.region_path,
            organization_id=grid.organization_id,
            org_path=grid.org_path,
            reporter_id=workers.get(grid.pk),
            reported_at=reported_at,
            time_limit=limit,
            deadline=reported_at + limit,
            next_escalation_at=reported_at + limit,
            emergency=emergency,
            people_evacuated=evacuated,
            hazards_removed=hazards,
        )
        if rng.random() < 0.4:
            incident.latitude = Decimal("42.7") + Decimal(rng.randrange(0, 500000)) / 1000000
            incident.longitude = Decimal("121.5") + Decimal(rng.randrange(0, 500000)) / 1000000
        steps = [("report", "reported", reported_at)]
        moment = reported_at
        path = {
            "reported": [],
            "assigned": ["assigned"],
            "in_progress": ["assigned", "in_progress"],
            "resolved": ["assigned", "in_progress", "resolved"],
            "closed": ["assigned", "in_progress", "resolved", "closed"],
            "duplicate": ["duplicate"],
        }[fate]
        action = {
            "assigned": "assign",
            "in_progress": "progress",
            "resolved": "resolve",
            "closed": "close",
            "duplicate": "duplicate",
        }
        for state in path:
            moment += limit * rng.uniform(0.05, 0.35)
            steps.append((action[state], state, min(moment, now)))
        incident.state = states[fate]
        incident.updated_at = steps[-1][2]
        if fate in ("resolved", "closed"):
            incident.resolved_at = steps[3][2]
        if fate in ("closed", "duplicate"):
            incident.closed_at = steps[-1][2]
        if fate != "reported" and fate != "duplicate":
            # Assigned to the grid's worker, the township admin of the demo's own township,
            # or else to one of the county's units: never to someone outside the incident's
            # subtree (who would then see it).
            if grid.pk in workers:
                incident.assigned_user_id = workers[grid.pk]
            elif admin is not None and grid.region_path.startswith(township.path):
                incident.assigned_user_id = admin.user_id
            elif units:
                incident.assigned_unit_id = rng.choice(units)
        rows.append((incident, steps))

    start = now - timedelta(days=30 * MONTHS)
    for _ in range(PER_MONTH * MONTHS):
        at = _at(rng, start, 30 * MONTHS)
        age = now - at
        fate = (
            "closed"
            if age > timedelta(days=10) or rng.random() < 0.6
            else rng.choice(["reported", "assigned", "in_progress", "resolved"])
        )
        if rng.random() < 0.03:
            fate = "duplicate"
        make(rng.choice(grids), rng.choice(codes), at, fate)
    # the demo grid worker's grid: open incidents, two of them over their time limit
    for hours, code, fate in (
        (2, "public_facility", "reported"),
        (30, "environment", "assigned"),
        (100, "safety_hazard", "in_progress"),
        (5, "dispute", "reported"),
    ):
        make(demo_grid, code, now - timedelta(hours=hours), fate)

    flood = Emergency.objects.create(
        region=township,
        region_path=township.path,
        name="2021年汛期防汛",
        description="旗委通过信息化体系调度指挥防汛工作（种子 003）。",
        opened_at=datetime(2021, 7, 1, 8, 0, tzinfo=SHANGHAI),
        closed_at=datetime(2021, 9, 15, 18, 0, tzinfo=SHANGHAI),
    )
    flood_grids = [g for g in grids if g.region_path.startswith(township.path)]
    evacuated = _split(rng, FLOOD["evacuated"], FLOOD["valid"])
    hazards = _split(rng, FLOOD["hazards"], FLOOD["valid"])
    for index in range(FLOOD["valid"]):
        at = _at(rng, flood.opened_at, 70)
        make(
            rng.choice(flood_grids),
            rng.choice(["flood_disaster"] * 3 + ["safety_hazard"]),
            at,
            "closed",
            flood,
            evacuated[index],
            hazards[index],
        )
    for _ in range(FLOOD["duplicates"]):
        make(
            rng.choice(flood_grids),
            "flood_disaster",
            _at(rng, flood.opened_at, 70),
            "duplicate",
            flood,
        )

    Incident.objects.bulk_create([incident for incident, _ in rows], batch_size=500)
    IncidentEvent.objects.bulk_create(
        [
            IncidentEvent(
                incident=incident,
                action=action,
                to_state=states[state],
                actor_id=incident.reporter_id
                if action in ("report", "close")
                else incident.assigned_user_id,
                at=at,
                note="" if action == "report" else "已处理",
            )
            for incident, steps in rows
            for action, state, at in steps
        ],
        batch_size=1000,
    )
    sweep(now)  # the overdue open ones escalate, and their admins are told
    return len(rows)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` spread over ``parts`` incidents (most get 0), summing exactly."""
    shares = [0] * parts
    for _ in range(total):
        shares[rng.randrange(parts // 2)] += 1
    rng.shuffle(shares)
    return shares
