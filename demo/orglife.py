"""Organizational life in the demo data (issue 3, item 6): years of 三会一课 and theme party
days for every organization that owes them, with the gaps a real county has, then the due
reports, the tallies and the warnings those gaps raise.

The records are drawn from ``random.Random`` seeded with the demo seed and the organization's
code, so a load is repeatable and does not depend on the order counties are visited. They are
written in bulk (``demo.writers``: ``executemany`` on SQLite, ``COPY`` on PostgreSQL). What
follows goes through the domain where the domain is set-based already:

1. ``install_defaults`` for every county, counting from 1 January ``years`` years back;
2. the records (one record may carry two types: 支委会 held with the 主题党日, 党员大会 with
   the 党课); attendance only for the records of the last 12 months (older records keep no
   attendee list in the demo); no photos;
3. ``generate_due(today)``, then one ``UPDATE … FROM`` that sets every due report to the
   earliest record received for it (the definition ``refresh_due`` applies row by row), then
   ``rebuild_tallies``;
4. ``sweep(now)``, which raises a warning for every gap whose deadline has passed; the
   warnings are dated back to their deadline, those of periods that ended more than three
   months ago are closed (acknowledged → rectified → closed, with their history), some recent
   ones acknowledged, so the pages show a realistic set of open warnings.

Who is weak: about 7 village organizations per county (seed 001's 7 rectification targets)
are marked ``under_rectification`` and miss meetings often. Pastoral townships (苏木) hold
fewer meetings in the summer grazing months (June–August) and around the Spring Festival.
For the story of the issue's "Done when", the demo branch (``demo-branch``) has held neither
last month's nor this month's committee meeting, so its warning is open and a township admin
sees it missing."""

import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from core.paths import SEGMENT, successor
from core.periods import LOCAL, deadline, local_date
from demo.writers import Writer
from orglife.domain.compliance import generate_due, rebuild_tallies
from orglife.domain.periods import period_containing
from orglife.domain.requirements import ensure_activity_types, install_defaults
from orglife.domain.warnings import notify, sweep
from orglife.models import (
    ActivityRecord,
    Attendance,
    ComplianceTally,
    DueReport,
    RecordType,
    Settings,
    Warning,
    WarningEvent,
)
from orgs.models import Member, Organization, Region

Row = tuple[Any, ...]

RECORD_COLUMNS = (
    "id", "organization_id", "held_on", "place", "online", "topic", "minutes",
    "uploaded_by_id", "received_at", "device_time", "corrected_at", "region_path", "org_path",
)  # fmt: skip
TYPE_COLUMNS = ("id", "record_id", "activity_type_id", "organization_id", "held_on")
ATTENDANCE_COLUMNS = ("id", "record_id", "member_id", "status", "reason")
MODELS = (ActivityRecord, RecordType, Attendance)
# What a load writes, for ANALYZE afterwards.
TABLES = (*MODELS, DueReport, ComplianceTally, Warning, WarningEvent)

WEAK_PER_COUNTY = 7  # seed 001: 7 rectification targets in 库伦旗 (~210 villages)
VILLAGES_PER_COUNTY = 210
RELIABLE = (0.93, 0.995)  # chance a sound organization holds a required meeting
WEAK = (0.45, 0.70)
LATE = {False: 0.08, True: 0.30}  # share of records uploaded after the deadline
PASTORAL_SUMMER = 0.72  # June–August, 苏木 and their 嘎查: herders are on the summer pastures
PASTORAL_FESTIVAL = 0.8  # the month of the Spring Festival
COMBINED_MONTHLY = 0.6  # 支委会 held on the theme party day
COMBINED_QUARTERLY = 0.5  # 党员大会 followed by the 党课
OFFLINE = 0.12  # made on a phone without signal, sent later
ATTENDANCE_DAYS = 365
CLOSED_AFTER_MONTHS = 3
MONTHLY = {"committee_meeting", "theme_day", "group_meeting"}

# The month of the Spring Festival (农历正月初一).
SPRING_FESTIVAL = {
    2019: 2, 2020: 1, 2021: 2, 2022: 2, 2023: 1, 2024: 2, 2025: 1, 2026: 2, 2027: 2, 2028: 1,
    2029: 2, 2030: 2,
}  # fmt: skip

MONTH_THEMES = {
    1: ["走访慰问困难党员和老党员", "学习中央经济工作会议精神", "冬季安全生产大检查"],
    2: ["春节前后安全稳定工作", "召开年度组织生活会", "移风易俗树文明新风"],
    3: ["春耕备耕动员部署", "学雷锋志愿服务", "民主评议党员结果运用"],
    4: ["清明祭扫缅怀革命先烈", "森林草原防火宣传", "春季植树造林"],
    5: ["人居环境整治春季行动", "学习《中国共产党支部工作条例（试行）》", "青年党员座谈"],
    6: ["防汛抗旱准备工作", "“七一”前走访慰问老党员", "禁牧休牧政策宣讲"],
    7: ["庆祝建党纪念日重温入党誓词", "草原生态保护", "防溺水安全教育"],
    8: ["防汛值守与灾后恢复", "学习习近平总书记关于“三农”工作的重要论述", "夏季治安防范"],
    9: ["秋收秋种动员", "铸牢中华民族共同体意识宣传", "农村养老保险缴费动员"],
    10: ["国庆主题教育", "重阳节敬老志愿服务", "秋冬季草原防火"],
    11: ["冬季防火安全检查", "学习《中国共产党纪律处分条例》", "发展党员工作推进"],
    12: ["年度民主评议党员准备", "冬季取暖安全与困难群众帮扶", "年度党建工作述职"],
}
YEAR_THEMES = {  # the campaigns of each year, for some of the months
    2021: (range(2, 13), "党史学习教育"),
    2022: (range(10, 13), "学习宣传贯彻党的二十大精神"),
    2023: (range(4, 13), "学习贯彻习近平新时代中国特色社会主义思想主题教育"),
    2024: (range(4, 8), "党纪学习教育"),
    2025: (range(3, 8), "深入贯彻中央八项规定精神学习教育"),
}
COMMITTEE_AGENDA = [
    "研究本月发展党员工作",
    "评定本月党员积分",
    "研究村级重大事项“四议两公开”",
    "通报党费收缴情况",
    "研究困难群众帮扶名单",
    "研究网格化服务管理工作",
    "研究集体经济项目推进",
]
ASSEMBLY_AGENDA = [
    "讨论接收预备党员",
    "通报上季度党费收缴和使用情况",
    "审议村级重大事项",
    "讨论预备党员按期转正",
    "通报支部工作情况",
]
LECTURES = [
    "学思践悟新思想 奋进乡村振兴新征程",
    "赓续红色血脉 传承红色基因",
    "弘扬蒙古马精神 建设美丽家园",
    "守好祖国北疆安全稳定屏障",
    "做合格党员 当振兴先锋",
    "牢记初心使命 践行群众路线",
    "严守纪律规矩 永葆清廉本色",
]
GROUP_AGENDA = [
    "学习{theme}",
    "开展批评与自我批评",
    "收集群众意见建议",
    "网格内矛盾纠纷排查",
    "入户走访联系户",
]
ABSENCE_REASONS = ["生病住院", "家中有事请假", "外出办事请假", "参加县里培训", "年老行动不便"]
MOBILE_ABSENCE = ["在外务工，已请假", "外出经商，已请假"]


@dataclass
class Org:
    """An organization that owes records, as read from the database."""

    id: int
    code: str
    name: str
    kind: str
    path: str
    region_path: str
    region_name: str
    founded_on: date | None
    closed_on: date | None
    pastoral: bool
    weak: bool = False
    members: list[tuple[int, bool, date]] = field(default_factory=list)  # id, mobile, joined


@dataclass
class OrglifeReport:
    rows: Counter[str]
    phases: dict[str, float]


class Ids:
    def __init__(self) -> None:
        self.next = {model: (self.last(model) or 0) + 1 for model in MODELS}

    @staticmethod
    def last(model: type) -> int | None:
        return model._default_manager.order_by("-pk").values_list("pk", flat=True).first()

    def take(self, model: type) -> int:
        key = self.next[model]
        self.next[model] = key + 1
        return key


def first_day(as_of: date, years: int) -> date:
    """1 January ``years`` years before the load year: where the requirements start."""
    return date(as_of.year - years, 1, 1)


def demo_now(as_of: date) -> datetime:
    """The load's "now": the real time when loading today, noon of ``as_of`` otherwise (the
    tests load as of a fixed day, so the data do not depend on when they run)."""
    if as_of == timezone.localdate():
        return timezone.now().replace(microsecond=0)
    return datetime.combine(as_of, time(12), tzinfo=LOCAL).astimezone(UTC)


def months(first: date, last: date) -> Iterator[date]:
    current = date(first.year, first.month, 1)
    while current <= last:
        yield current
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)


def month_length(month: date) -> int:
    return (period_containing(month, "monthly").end - month).days + 1


class CountyRecords:
    """The records of one county's organizations, as rows for the three tables."""

    def __init__(
        self,
        *,
        seed: int,
        since: date,
        as_of: date,
        now: datetime,
        on_time_days: int,
        types: dict[str, int],
        ids: Ids,
        skip: set[tuple[int, str, date]],  # (organization, type, month) not held
    ) -> None:
        self.seed, self.since, self.as_of, self.now = seed, since, as_of, now
        self.on_time_days = on_time_days
        self.types, self.ids, self.skip = types, ids, skip
        self.records: list[Row] = []
        self.record_types: list[Row] = []
        self.attendance: list[Row] = []
        self.adapt = connection.ops.adapt_datetimefield_value

    def add_org(self, org: Org) -> None:
        rng = random.Random(f"lingyan-demo:{self.seed}:orglife:{org.code}")
        low, high = WEAK if org.weak else RELIABLE
        reliability = rng.uniform(low, high)
        late = LATE[org.weak] * rng.uniform(0.5, 1.5)
        theme_day = rng.choice([5, 10, 15, 20, 25])  # the county's fixed 主题党日 of the month
        start = max(self.since, org.founded_on or self.since)
        end = min(self.as_of, org.closed_on or self.as_of)
        for month in months(start, end):
            if org.founded_on and org.founded_on > month:
                continue
            factor = reliability * self.season(org, month)
            if org.kind == Organization.Kind.GROUP:
                if rng.random() < factor:
                    day = self.day_in(rng, month, 1, month_length(month))
                    self.add(rng, org, day, ["group_meeting"], late)
                continue
            committee = rng.random() < factor
            theme = rng.random() < min(1.0, factor * 1.02)
            combined = committee and theme and rng.random() < COMBINED_MONTHLY
            fixed = month.replace(day=min(theme_day, month_length(month)))
            if combined:
                self.add(rng, org, fixed, ["committee_meeting", "theme_day"], late)
            else:
                if theme:
                    self.add(rng, org, fixed, ["theme_day"], late)
                if committee:
                    day = self.day_in(rng, month, 1, month_length(month), avoid=fixed)
                    self.add(rng, org, day, ["committee_meeting"], late)
            if month.month % 3 == 0:  # the quarter's last month: place its 党员大会 and 党课
                self.add_quarter(rng, org, month, factor, late)

    def add_quarter(
        self, rng: random.Random, org: Org, last: date, factor: float, late: float
    ) -> None:
        quarter = period_containing(last, "quarterly")
        assembly = rng.random() < factor
        lecture = rng.random() < factor
        combined = assembly and lecture and rng.random() < COMBINED_QUARTERLY
        span = (quarter.end - quarter.start).days
        if combined:
            day = quarter.start + timedelta(days=rng.randrange(span))
            self.add(rng, org, day, ["member_assembly", "party_lecture"], late)
            return
        if assembly:
            day = quarter.start + timedelta(days=rng.randrange(span))
            self.add(rng, org, day, ["member_assembly"], late)
        if lecture:
            day = quarter.start + timedelta(days=rng.randrange(span))
            self.add(rng, org, day, ["party_lecture"], late)

    @staticmethod
    def season(org: Org, month: date) -> float:
        if not org.pastoral:
            return 1.0
        if month.month in (6, 7, 8):
            return PASTORAL_SUMMER
        if SPRING_FESTIVAL.get(month.year) == month.month:
            return PASTORAL_FESTIVAL
        return 1.0

    @staticmethod
    def day_in(
        rng: random.Random, month: date, first: int, last: int, avoid: date | None = None
    ) -> date:
        day = month.replace(day=rng.randint(first, last))
        if day == avoid:
            day = month.replace(day=first if day.day != first else last)
        return day

    def add(self, rng: random.Random, org: Org, held_on: date, codes: list[str], late: float):
        month = held_on.replace(day=1)
        codes = [code for code in codes if (org.id, code, month) not in self.skip]
        if not codes or held_on < self.since or held_on > self.as_of:
            return
        if org.founded_on and held_on < org.founded_on:
            return
        meeting = datetime.combine(held_on, time(rng.choice([9, 10, 14, 15, 16])), tzinfo=LOCAL)
        period = period_containing(
            held_on, "monthly" if MONTHLY.intersection(codes) else "quarterly"
        )
        offline = rng.random() < OFFLINE
        if rng.random() < late:
            due = deadline(period.end, self.on_time_days)
            received = due + timedelta(days=rng.randint(0, 40), hours=rng.randint(9, 20))
        else:
            delay = rng.choices([0, 1, 2, 3, 5], [40, 30, 15, 10, 5])[0]
            received = meeting + timedelta(days=delay, hours=rng.randint(2, 6))
            if offline and delay == 0:
                received += timedelta(days=1)
        received += timedelta(minutes=rng.randrange(60), seconds=rng.randrange(60))
        if received > self.now:
            return  # not uploaded yet
        device = meeting + timedelta(hours=2, minutes=rng.randrange(60)) if offline else None
        record_id = self.ids.take(ActivityRecord)
        online = rng.random() < (0.15 if held_on.year == 2022 else 0.03)
        place = "" if online else self.place(org)
        theme = self.theme(rng, held_on)
        topic = self.topic(rng, codes, theme)
        attendees = self.attend(rng, org, record_id, held_on, online)
        expected = len(org.members) or rng.randint(8, 40)
        present = attendees if org.members else expected - rng.randint(0, max(1, expected // 8))
        minutes = self.minutes(rng, held_on, place, codes, theme, expected, present)
        self.records.append(
            (
                record_id,
                org.id,
                held_on,
                place,
                online,
                topic,
                minutes,
                None,
                self.adapt(received.astimezone(UTC)),
                self.adapt(device.astimezone(UTC)) if device else None,
                None,
                org.region_path,
                org.path,
            )
        )
        for code in codes:
            self.record_types.append(
                (self.ids.take(RecordType), record_id, self.types[code], org.id, held_on)
            )

    def attend(
        self, rng: random.Random, org: Org, record_id: int, held_on: date, online: bool
    ) -> int:
        """Attendance rows for the last 12 months' records; returns how many took part."""
        if (self.as_of - held_on).days > ATTENDANCE_DAYS or not org.members:
            return 0
        present = 0
        for member_id, mobile, joined in org.members:
            if joined > held_on:
                continue
            if mobile:
                if rng.random() < 0.55:
                    status, reason = Attendance.Status.ONLINE, ""
                else:
                    status, reason = Attendance.Status.ABSENT, rng.choice(MOBILE_ABSENCE)
            elif rng.random() < 0.07:
                status, reason = Attendance.Status.ABSENT, rng.choice(ABSENCE_REASONS)
            else:
                status, reason = (
                    (Attendance.Status.ONLINE if online else Attendance.Status.PRESENT),
                    "",
                )
            present += status != Attendance.Status.ABSENT
            self.attendance.append(
                (self.ids.take(Attendance), record_id, member_id, status, reason)
            )
        return present

    @staticmethod
    def place(org: Org) -> str:
        if org.name.endswith(("党支部", "党总支")) and org.region_name in org.name[:-3]:
            if org.region_name.endswith("社区"):
                return f"{org.region_name}党群服务中心"
            if org.region_name.endswith(("村", "嘎查")):
                return f"{org.region_name}党群服务中心会议室"
        return org.name.removesuffix("党支部").removesuffix("党总支") + "会议室"

    @staticmethod
    def theme(rng: random.Random, day: date) -> str:
        campaign = YEAR_THEMES.get(day.year)
        if campaign and day.month in campaign[0] and rng.random() < 0.5:
            return campaign[1]
        return rng.choice(MONTH_THEMES[day.month])

    @staticmethod
    def topic(rng: random.Random, codes: list[str], theme: str) -> str:
        kinds = set(codes)
        if kinds == {"committee_meeting", "theme_day"}:
            return f"支委会暨主题党日：{theme}"
        if kinds == {"member_assembly", "party_lecture"}:
            return f"党员大会暨专题党课：{rng.choice(LECTURES)}"
        code = codes[0]
        if code == "committee_meeting":
            return f"支部委员会：{rng.choice(COMMITTEE_AGENDA)}"
        if code == "theme_day":
            return f"主题党日：{theme}"
        if code == "member_assembly":
            return f"支部党员大会：{rng.choice(ASSEMBLY_AGENDA)}"
        if code == "party_lecture":
            return f"党课：{rng.choice(LECTURES)}"
        return "党小组会：" + rng.choice(GROUP_AGENDA).format(theme=theme)

    @staticmethod
    def minutes(
        rng: random.Random,
        day: date,
        place: str,
        codes: list[str],
        theme: str,
        expected: int,
        present: int,
    ) -> str:
        where = place or "线上（视频会议）"
        items = [f"传达学习{theme}相关文件精神"]
        if "committee_meeting" in codes:
            items.append(rng.choice(COMMITTEE_AGENDA))
        if "member_assembly" in codes:
            items.append(rng.choice(ASSEMBLY_AGENDA))
        if "party_lecture" in codes:
            items.append(f"支部书记讲授专题党课《{rng.choice(LECTURES)}》")
        if "theme_day" in codes:
            items.append("重温入党誓词，开展志愿服务")
        items.append("党员结合工作实际交流发言")
        numbered = "；".join(f"{'一二三四五'[n]}、{item}" for n, item in enumerate(items))
        return (
            f"时间：{day.year}年{day.month}月{day.day}日\n地点：{where}\n主持人：支部书记\n"
            f"应到{expected}人，实到{present}人。\n会议内容：{numbered}。\n"
            f"会议要求：全体党员要把{theme}与本职工作结合起来，按时完成各项任务。"
        )


def pastoral_townships(county: Region) -> dict[str, bool]:
    return {
        path: name.endswith("苏木")
        for path, name in Region.objects.filter(parent=county).values_list("path", "name")
    }


def county_orgs(county: Region, with_members: bool, rng: random.Random) -> list[Org]:
    """The county's organizations that owe records, with their weak ones chosen and marked."""
    townships = pastoral_townships(county)
    region_names = dict(
        Region.objects.filter(path__gte=county.path, path__lt=successor(county.path)).values_list(
            "path", "name"
        )
    )
    depth = len(county.path) + SEGMENT
    orgs = [
        Org(
            id=row["id"],
            code=row["code"],
            name=row["name"],
            kind=row["kind"],
            path=row["path"],
            region_path=row["region_path"],
            region_name=region_names.get(row["region_path"], ""),
            founded_on=row["founded_on"],
            closed_on=row["closed_on"],
            pastoral=townships.get(row["region_path"][:depth], False),
            weak=row["under_rectification"],
        )
        for row in Organization.objects.filter(
            region_path__gte=county.path,
            region_path__lt=successor(county.path),
            kind__in=[Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH, "group"],
        )
        .order_by("path")
        .values(
            "id",
            "code",
            "name",
            "kind",
            "path",
            "region_path",
            "founded_on",
            "closed_on",
            "under_rectification",
        )
    ]
    # The village organizations directly under a township committee: where the weak ones are.
    village_depth = len(county.path) + 2 * SEGMENT
    in_villages = [
        org for org in orgs if org.kind != "group" and len(org.region_path) == village_depth
    ]
    paths = {org.path for org in in_villages}
    villages = [org for org in in_villages if org.path[:-SEGMENT] not in paths]
    target = max(1, round(len(villages) * WEAK_PER_COUNTY / VILLAGES_PER_COUNTY))
    already = [org for org in villages if org.weak]
    rest = [org for org in villages if not org.weak]
    chosen = rng.sample(rest, max(0, min(len(rest), target - len(already))))
    for org in chosen:
        org.weak = True
    if chosen:
        Organization.objects.filter(pk__in=[org.id for org in chosen]).update(
            under_rectification=True
        )
    weak_paths = [org.path for org in villages if org.weak]
    for org in orgs:  # a weak general branch's branches and groups are weak with it
        if any(org.path.startswith(path) for path in weak_paths):
            org.weak = True
    if with_members:
        by_org = {org.id: org for org in orgs}
        members = (
            Member.objects.filter(organization_id__in=list(by_org))
            .order_by("organization_id", "id")
            .values_list("organization_id", "id", "is_mobile", "joined_on")
        )
        for organization_id, member_id, mobile, joined in members:
            by_org[organization_id].members.append((member_id, mobile, joined))
    return orgs


def demo_branch(county: Region) -> Organization | None:
    """The organization of ``demo-branch`` (``demo.logins.cast_for``): the first
    organization of the first village of the county's first township."""
    township = Region.objects.filter(parent=county).order_by("path").first()
    village = Region.objects.filter(parent=township).order_by("path").first()
    return Organization.objects.filter(region=village).order_by("path").first()


def story_months(as_of: date, now: datetime, on_time_days: int) -> list[date]:
    """This month and the latest month whose on-time window has closed by ``now``: the demo
    branch holds no committee meeting in either (the issue's "Done when")."""
    this_month = as_of.replace(day=1)
    month = this_month
    while deadline(period_containing(month, "monthly").end, on_time_days) > now:
        month = (month - timedelta(days=1)).replace(day=1)
    return [this_month, month]


def write_records(
    writer: Writer,
    *,
    seed: int,
    since: date,
    as_of: date,
    now: datetime,
    attendance_counties: int,
    progress: Callable[[str], None] | None,
    under: str = "",
) -> Counter[str]:
    """Install the requirements of every county and write their organizations' records."""
    counties = Region.objects.filter(level=Region.Level.COUNTY).order_by("path")
    if under:
        counties = counties.filter(path__gte=under, path__lt=successor(under))
    types = {code: t.pk for code, t in ensure_activity_types().items()}
    ids = Ids()
    rows: Counter[str] = Counter()
    total = len(counties)
    for number, county in enumerate(counties):
        install_defaults(None, county, since=since)
        on_time_days = Settings.objects.get(region=county).on_time_days
        skip: set[tuple[int, str, date]] = set()
        if number == 0:
            branch = demo_branch(county)
            if branch is not None:
                for month in story_months(as_of, now, on_time_days):
                    skip.add((branch.pk, "committee_meeting", month))
        rng = random.Random(f"lingyan-demo:{seed}:orglife-weak:{county.code}")
        orgs = county_orgs(county, number < attendance_counties, rng)
        records = CountyRecords(
            seed=seed,
            since=since,
            as_of=as_of,
            now=now,
            on_time_days=on_time_days,
            types=types,
            ids=ids,
            skip=skip,
        )
        for org in orgs:
            records.add_org(org)
        for model, columns, batch in (
            (ActivityRecord, RECORD_COLUMNS, records.records),
            (RecordType, TYPE_COLUMNS, records.record_types),
            (Attendance, ATTENDANCE_COLUMNS, records.attendance),
        ):
            if batch:
                rows[model._meta.db_table] += writer.write(model, columns, batch)
        if progress is not None and total > 1:
            progress(f"组织生活 [{number + 1}/{total}] {county.name}")
    writer.reset_sequences(MODELS)
    return rows


def satisfy_due() -> int:
    """Every due report reported by the earliest received record of its type in its period,
    on time if received before the deadline: ``refresh_due``'s definition, for all rows in
    one statement. (``generate_due`` already reports a due report from the records there
    when it creates it; this rewrites only the rows that disagree, none after a clean load.)
    Returns how many rows changed."""
    due, types, records = (
        DueReport._meta.db_table,
        RecordType._meta.db_table,
        ActivityRecord._meta.db_table,
    )
    same = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    sql = f"""
        UPDATE {due} AS d
        SET record_id = f.record_id, reported_at = f.received_at,
            on_time = (f.received_at < d.deadline)
        FROM (
            SELECT d2.id AS due_id, r.id AS record_id, r.received_at,
                   ROW_NUMBER() OVER (PARTITION BY d2.id ORDER BY r.received_at, r.id) AS n
            FROM {due} AS d2
            JOIN {types} AS t ON t.organization_id = d2.organization_id
                AND t.activity_type_id = d2.activity_type_id
                AND t.held_on >= d2.period_start AND t.held_on <= d2.period_end
            JOIN {records} AS r ON r.id = t.record_id
        ) AS f
        WHERE f.n = 1 AND d.id = f.due_id AND NOT (
            d.record_id {same} f.record_id AND d.reported_at {same} f.received_at
            AND d.on_time = (f.received_at < d.deadline))
    """
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.rowcount


def _plus_hours(expression: str, hours: str) -> str:
    if connection.vendor == "postgresql":
        return f"({expression} + ({hours}) * interval '1 hour')"
    return f"datetime({expression}, '+' || ({hours}) || ' hours')"


EXPLANATIONS = [
    "因党员外出务工人员较多未能按期召开，已补开会议并补传记录，明确专人负责今后按期开展。",
    "因支部书记参加培训未能按期组织，支委会已查找原因，今后由副书记及时代为组织。",
    "因农忙时节未按期开展，已召开支委会作出说明，今后提前安排、按时上传。",
]


def settle_warnings(now: datetime, as_of: date, keep_open: int | None) -> Counter[str]:
    """Date every warning the sweep just raised back to its deadline; close those of periods
    that ended more than three months ago, with their history (acknowledged → rectified →
    closed); acknowledge a third of the older open ones. ``keep_open`` is the demo branch,
    whose warnings stay open."""
    warnings, events, due = (
        Warning._meta.db_table,
        WarningEvent._meta.db_table,
        DueReport._meta.db_table,
    )
    at_now = connection.ops.adapt_datetimefield_value(now)
    month = as_of.month - 1 - CLOSED_AFTER_MONTHS
    cutoff = date(as_of.year + month // 12, month % 12 + 1, 1)
    week_ago = connection.ops.adapt_datetimefield_value(now - timedelta(days=7))
    explanation = " ".join(f"WHEN {n} THEN '{text}'" for n, text in enumerate(EXPLANATIONS))
    explanation = f"CASE id %% {len(EXPLANATIONS)} {explanation} END"
    closed_at = _plus_hours("raised_at", "240 + id %% 200")
    statements: list[tuple[str, list[Any]]] = [
        (
            f"UPDATE {warnings} SET raised_at = (SELECT d.deadline FROM {due} AS d "
            "WHERE d.id = due_report_id), updated_at = (SELECT d.deadline FROM "
            f"{due} AS d WHERE d.id = due_report_id) WHERE raised_at = %s",
            [at_now],
        ),
        (f"UPDATE {due} SET warned_at = deadline WHERE warned_at = %s", [at_now]),
        (
            f"UPDATE {events} SET at = (SELECT w.raised_at FROM {warnings} AS w "
            "WHERE w.id = warning_id) WHERE at = %s AND to_status = 'open'",
            [at_now],
        ),
    ]
    old = f"FROM {warnings} WHERE status = 'open' AND period_end < %s"
    acknowledged = _plus_hours("raised_at", "10 + id %% 40")
    rectified = _plus_hours("raised_at", "72 + id %% 120")
    statements += [
        (
            f"INSERT INTO {events} (warning_id, from_status, to_status, actor_id, at, note) "
            f"SELECT id, 'open', 'acknowledged', NULL, {acknowledged}, '已知悉，立即整改。' {old}",
            [cutoff],
        ),
        (
            f"INSERT INTO {events} (warning_id, from_status, to_status, actor_id, at, note) "
            f"SELECT id, 'acknowledged', 'rectified', NULL, {rectified}, {explanation} {old}",
            [cutoff],
        ),
        (
            f"INSERT INTO {events} (warning_id, from_status, to_status, actor_id, at, note) "
            f"SELECT id, 'rectified', 'closed', NULL, {closed_at}, '整改到位，予以销号。' {old}",
            [cutoff],
        ),
        (
            f"UPDATE {warnings} SET status = 'closed', explanation = {explanation}, "
            f"updated_at = {closed_at} WHERE status = 'open' AND period_end < %s",
            [cutoff],
        ),
    ]
    recent = (
        f"FROM {warnings} WHERE status = 'open' AND raised_at < %s AND id %% 3 = 0 "
        "AND organization_id <> %s"
    )
    statements += [
        (
            f"INSERT INTO {events} (warning_id, from_status, to_status, actor_id, at, note) "
            f"SELECT id, 'open', 'acknowledged', NULL, {acknowledged}, '已知悉，正在整改。' "
            + recent,
            [week_ago, keep_open or 0],
        ),
        (
            f"UPDATE {warnings} SET status = 'acknowledged', updated_at = {acknowledged} "
            "WHERE status = 'open' AND raised_at < %s AND id %% 3 = 0 AND organization_id <> %s",
            [week_ago, keep_open or 0],
        ),
    ]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
    return Counter(Warning.objects.values_list("status", flat=True).order_by())


def load_orglife(
    writer: Writer,
    *,
    seed: int,
    as_of: date,
    years: int,
    attendance_counties: int,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
    under: str = "",
) -> OrglifeReport:
    """Everything above, for every county (under the region path ``under`` when given);
    call inside a transaction.
    Attendance is written for the first ``attendance_counties`` counties (all of them at the
    county scale, the demo county at the province scale)."""
    import time as clock

    now = now or demo_now(as_of)
    since = first_day(as_of, years)
    phases: dict[str, float] = {}
    started = clock.monotonic()

    def lap(phase: str) -> None:
        nonlocal started
        phases[phase] = clock.monotonic() - started
        started = clock.monotonic()

    rows = write_records(
        writer,
        seed=seed,
        since=since,
        as_of=as_of,
        now=now,
        attendance_counties=attendance_counties,
        progress=progress,
        under=under,
    )
    lap("orglife records")
    rows[DueReport._meta.db_table] = generate_due(local_date(now))
    lap("due reports")
    satisfy_due()
    if connection.vendor == "postgresql":
        # generate_due's increments left a dead row version per increment; a fresh table
        # keeps the rollups from scanning them (rebuild_tallies writes every tally anew).
        # TRUNCATE refuses a table with foreign-key checks pending: run them now (they
        # would run at commit anyway).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {ComplianceTally._meta.db_table}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    rebuild_tallies()
    lap("reported")
    result = sweep(now)
    county = (
        Region.objects.filter(level=Region.Level.COUNTY, path__startswith=under)
        .order_by("path")
        .first()
    )
    branch = demo_branch(county) if county is not None else None
    statuses = settle_warnings(now, as_of, branch.pk if branch is not None else None)
    rows[Warning._meta.db_table] = result.warnings
    rows["notifications_notification"] = result.notifications
    for status, count in sorted(statuses.items()):
        rows[f"{Warning._meta.db_table} ({status})"] = count
    lap("warnings")
    return OrglifeReport(rows, phases)


def notify_open(now: datetime) -> int:
    """The reminder notices of the warnings still open or acknowledged (the demo logins are
    created after the sweep, so it had no one to notify)."""
    ids = list(
        Warning.objects.filter(status__in=[Warning.Status.OPEN, Warning.Status.ACKNOWLEDGED])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return notify(ids, now)
