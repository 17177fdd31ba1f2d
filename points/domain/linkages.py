"""The three linkages (三挂钩, seed 004): what the year's points lead to — honour candidates
(评先评优), credit-grade suggestions (惠民福利: 信用等级) and priority lists for the village's
cadre reserve, army recruitment and party activists (政治待遇). Every list is drawn from one
ranking statement over the ledger (each household's points in the year, its rank in its
village, whether it has a veto item) with each village's own settings
(``PointsPolicy``, defaults where a village has none), and every name carries the figures
and the rule that put it there.

The rules (docs/points-reports.md):

- **星级文明户**: ranked among the village's households without a veto item, the best as
  many as ``honour_share`` % of its scored households (at least one, at most
  ``honour_limit``) by the year's points, positive points only.
- **最美家庭**: among the households without a veto item, those with the most
  incentive-item (激励项目) points in the year, half of ``honour_limit`` per village (at
  least one).
- **credit grade**: the year's points against the village's bands (≥ 300 优秀, 200–299 良好,
  100–199 一般, below 待提升 by default); a veto item caps the grade at 一般.
- **后备干部**: people aged 22–45 (at the end of the year) of households in their village's
  best ``reserve_share`` %;
- **参军对象**: people aged 18–22 of households in the best ``recruit_share`` %;
- **入党积极分子**: people aged 18–55 who are not party members, of households in the best
  ``activist_share`` %.

Honours and priority lists exclude every household with a veto item (否决项目) in the year
that was not reversed. "People" are whom the system knows by birth date: the household head
(from the ID number) and the party members registered in the household."""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.log import Action, record
from core.paths import successor
from orgs.models import Household, Member, Region
from points.domain.spans import PointsPeriod, Span, period_of
from points.domain.tallies import EARNED
from points.linkage_models import PointsPolicy
from points.models import PointEntry, PointRule

DEFAULTS = PointsPolicy()
POLICY_FIGURES = (
    "honour_share", "honour_limit", "credit_excellent", "credit_good", "credit_fair",
    "reserve_share", "recruit_share", "activist_share",
)  # fmt: skip

YEAR_SQL = """
SELECT r.household_id, r.points, r.incentive, r.veto, r.village_rank, r.village_count,
       r.incentive_rank, r.clean_rank, r.honour_share, r.honour_limit, r.credit_excellent,
       r.credit_good, r.credit_fair, r.reserve_share, r.recruit_share, r.activist_share
FROM (
    SELECT t.household_id, t.points, t.incentive, t.veto,
           RANK() OVER (PARTITION BY h.region_id ORDER BY t.points DESC) AS village_rank,
           COUNT(*) OVER (PARTITION BY h.region_id) AS village_count,
           RANK() OVER (PARTITION BY h.region_id, CASE WHEN t.veto > 0 THEN 1 ELSE 0 END
                        ORDER BY t.incentive DESC) AS incentive_rank,
           RANK() OVER (PARTITION BY h.region_id, CASE WHEN t.veto > 0 THEN 1 ELSE 0 END
                        ORDER BY t.points DESC) AS clean_rank,
           COALESCE(p.honour_share, %(honour_share)s) AS honour_share,
           COALESCE(p.honour_limit, %(honour_limit)s) AS honour_limit,
           COALESCE(p.credit_excellent, %(credit_excellent)s) AS credit_excellent,
           COALESCE(p.credit_good, %(credit_good)s) AS credit_good,
           COALESCE(p.credit_fair, %(credit_fair)s) AS credit_fair,
           COALESCE(p.reserve_share, %(reserve_share)s) AS reserve_share,
           COALESCE(p.recruit_share, %(recruit_share)s) AS recruit_share,
           COALESCE(p.activist_share, %(activist_share)s) AS activist_share
    FROM (
        SELECT e.household_id, SUM(e.points) AS points,
               SUM(CASE WHEN e.category = %(incentive_category)s THEN e.points ELSE 0 END)
                   AS incentive,
               SUM(CASE WHEN e.category = %(veto_category)s AND e.kind = %(award)s
                         AND NOT EXISTS (SELECT 1 FROM points_pointentry AS r
                                         WHERE r.reverses_id = e.id)
                        THEN 1 ELSE 0 END) AS veto
        FROM points_pointentry AS e
        WHERE e.region_path >= %(low)s AND e.region_path < %(high)s
          AND e.occurred_on >= %(start)s AND e.occurred_on <= %(end)s
          AND e.kind IN (%(award)s, %(reversal)s)
        GROUP BY e.household_id
    ) AS t
    JOIN orgs_household AS h ON h.id = t.household_id
    LEFT JOIN points_pointspolicy AS p ON p.region_id = h.region_id
) AS r
WHERE {where}
ORDER BY r.village_rank, r.points DESC, r.household_id
"""
# "in the best s % of n households": rank ≤ ceil(n × s / 100), in integers on both databases.
IN_SHARE = "r.{rank} * 100 <= r.village_count * r.{share} + 99"


class ListKind(TextChoices):
    STAR = "star", _("星级文明户候选")
    FAMILY = "family", _("最美家庭候选")
    CREDIT = "credit", _("信用等级建议")
    RESERVE = "reserve", _("村后备干部推荐人选")
    RECRUIT = "recruit", _("参军对象推荐人选")
    ACTIVIST = "activist", _("入党积极分子推荐人选")


HONOURS = (ListKind.STAR, ListKind.FAMILY)
PEOPLE = (ListKind.RESERVE, ListKind.RECRUIT, ListKind.ACTIVIST)
AGES = {ListKind.RESERVE: (22, 45), ListKind.RECRUIT: (18, 22), ListKind.ACTIVIST: (18, 55)}
SHARE = {
    ListKind.RESERVE: "reserve_share",
    ListKind.RECRUIT: "recruit_share",
    ListKind.ACTIVIST: "activist_share",
}
WHERE = {
    ListKind.STAR: "r.veto = 0 AND r.points > 0 AND r.clean_rank <= r.honour_limit AND ("
    + IN_SHARE.format(rank="clean_rank", share="honour_share")
    + " OR r.clean_rank = 1)",
    ListKind.FAMILY: "r.veto = 0 AND r.incentive > 0"
    " AND r.incentive_rank * 2 <= CASE WHEN r.honour_limit < 2 THEN 2 ELSE r.honour_limit END",
    ListKind.CREDIT: "1 = 1",
    **{
        kind: "r.veto = 0 AND r.points > 0 AND "
        + IN_SHARE.format(rank="village_rank", share=SHARE[kind])
        for kind in PEOPLE
    },
}


# The rule of each list, as the pages and the exports state it (with the village's figures).
RULES = {
    ListKind.STAR: _(
        "村内按年度积分排名前 %(honour_share)s%%（至少 1 户，至多 %(honour_limit)s 户），"
        "积分为正，年内无否决项。"
    ),
    ListKind.FAMILY: _("村内年度激励项目积分最高的户（每村 %(family_limit)s 户），年内无否决项。"),
    ListKind.CREDIT: _(
        "按年度积分：%(credit_excellent)s 分及以上“优秀”，%(credit_good)s 分及以上“良好”，"
        "%(credit_fair)s 分及以上“一般”，以下“待提升”；年内有否决项的最高评为“一般”。"
    ),
    ListKind.RESERVE: _(
        "户年度积分居本村前 %(reserve_share)s%%、年内无否决项，户内 22–45 岁的人员（户主、党员）。"
    ),
    ListKind.RECRUIT: _(
        "户年度积分居本村前 %(recruit_share)s%%、年内无否决项，户内 18–22 岁的人员（户主、党员）。"
    ),
    ListKind.ACTIVIST: _(
        "户年度积分居本村前 %(activist_share)s%%、年内无否决项，户内 18–55 岁的非党员（户主）。"
    ),
}


def rule_text(kind: str, policy: PointsPolicy) -> str:
    """The rule of list ``kind`` with ``policy``'s figures."""
    figures: dict = {name: getattr(policy, name) for name in POLICY_FIGURES}
    figures["family_limit"] = max(policy.honour_limit // 2, 1)
    return str(RULES[ListKind(kind)]) % figures


class Grade(TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    IMPROVE = "improve", _("待提升")


@dataclass
class YearFigures:
    """A household's year as the linkages see it."""

    household_id: int
    points: int
    incentive: int
    veto: int
    village_rank: int
    village_count: int
    incentive_rank: int
    clean_rank: int  # the rank among the village's households without a veto item
    honour_share: int
    honour_limit: int
    credit_excellent: int
    credit_good: int
    credit_fair: int
    reserve_share: int
    recruit_share: int
    activist_share: int


@dataclass
class Candidate:
    """One name on a list and why it is there."""

    household: Household
    figures: YearFigures
    person: str  # the person's name (the household head's for household lists)
    reason: str
    grade: str = ""  # credit lists: the suggested grade's label
    details: dict = field(default_factory=dict)


def policy_for(village: Region) -> PointsPolicy:
    """The village's settings, or the defaults (unsaved) when it has none."""
    return PointsPolicy.objects.filter(region=village).first() or PointsPolicy(
        region=village, region_path=village.path
    )


@transaction.atomic
def save_policy(actor, village: Region, policy: PointsPolicy) -> PointsPolicy:
    """Save a village's board and linkage settings (the form has checked the figures).

    Side effects: the PointsPolicy row (created or changed), one audit entry."""
    policy.region = village
    policy.region_path = village.path
    policy.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    policy.updated_at = timezone.now()
    created = policy.pk is None
    policy.save()
    record(actor, Action.CREATE if created else Action.UPDATE, policy, region_path=village.path)
    return policy


def year_of(year: int) -> PointsPeriod:
    return period_of(date(year, 1, 1), Span.YEAR)


def _figures(
    kind: str, place: Region, period: PointsPeriod, limit: int | None = None, offset: int = 0
) -> list[YearFigures]:
    params = _params(place, period)
    sql = YEAR_SQL.format(where=WHERE[ListKind(kind)])
    if limit is not None:
        sql += " LIMIT %(limit)s OFFSET %(offset)s"
        params.update(limit=limit, offset=offset)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [YearFigures(*row) for row in cursor.fetchall()]


def _params(place: Region, period: PointsPeriod) -> dict:
    params: dict = {name: getattr(DEFAULTS, name) for name in POLICY_FIGURES}
    params.update(
        low=place.path,
        high=successor(place.path),
        start=period.start,
        end=period.end,
        award=EARNED[0],
        reversal=EARNED[1],
        incentive_category=PointRule.Category.INCENTIVE.value,
        veto_category=PointRule.Category.VETO.value,
    )
    return params


def listed_count(kind: str, place: Region, year: int) -> int:
    """How many households a household list (honours, credit) holds, in SQL."""
    sql = "SELECT COUNT(*) FROM (" + YEAR_SQL.format(where=WHERE[ListKind(kind)]) + ") AS c"
    with connection.cursor() as cursor:
        cursor.execute(sql, _params(place, year_of(year)))
        return cursor.fetchone()[0]


def grade_of(figures: YearFigures) -> Grade:
    if figures.points >= figures.credit_excellent:
        grade = Grade.EXCELLENT
    elif figures.points >= figures.credit_good:
        grade = Grade.GOOD
    elif figures.points >= figures.credit_fair:
        grade = Grade.FAIR
    else:
        grade = Grade.IMPROVE
    if figures.veto and grade in (Grade.EXCELLENT, Grade.GOOD):
        return Grade.FAIR
    return grade


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _head_birth(household: Household) -> date | None:
    digits = household.head_id_number
    try:
        return date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except (ValueError, IndexError):
        return None


def _standing(f: YearFigures, share: int | None = None) -> str:
    text = f"年度积分 {f.points} 分，村内第 {f.village_rank} 名（共 {f.village_count} 户有积分"
    if share is not None:
        text += f"，前 {share}%"
    return text + "）"


def candidates(
    kind: str, place: Region, year: int, *, limit: int | None = None, offset: int = 0
) -> list[Candidate]:
    """The list ``kind`` for the villages under ``place`` (a village, a township or the
    county) and ``year``, in village-rank order, each name with its reason. The caller has
    checked that the user manages ``place``. ``limit``/``offset`` page a household list
    (honours, credit) in SQL; the lists of people are bounded by their shares and are
    filtered by age after the statement, so they come whole."""
    kind = ListKind(kind)
    period = year_of(year)
    if kind in PEOPLE:
        limit, offset = None, 0
    figures = _figures(kind, place, period, limit, offset)
    households = Household.objects.select_related("grid", "region").in_bulk(
        [f.household_id for f in figures]
    )
    if kind in PEOPLE:
        return _people(kind, figures, households, period)
    listed = []
    for f in figures:
        household = households[f.household_id]
        if kind == ListKind.STAR:
            reason = (
                _standing(f)
                + f"；无否决项的户中第 {f.clean_rank} 名（取前 {f.honour_share}%，"
                + f"至多 {f.honour_limit} 户）；年内无否决项"
            )
            listed.append(Candidate(household, f, household.head_name, reason))
        elif kind == ListKind.FAMILY:
            reason = (
                f"年度激励项目积分 {f.incentive} 分，无否决项的户中第 {f.incentive_rank} 名"
                f"（每村推荐 {max(f.honour_limit // 2, 1)} 户）；{_standing(f)}；年内无否决项"
            )
            listed.append(Candidate(household, f, household.head_name, reason))
        else:
            grade = grade_of(f)
            bands = (
                f"（优秀 ≥ {f.credit_excellent}，良好 ≥ {f.credit_good}，一般 ≥ {f.credit_fair}）"
            )
            reason = f"年度积分 {f.points} 分{bands}"
            if f.veto:
                reason += "；年内有否决项，最高评为“一般”"
            listed.append(Candidate(household, f, household.head_name, reason, str(grade.label)))
    return listed


def _people(kind, figures, households, period: PointsPeriod) -> list[Candidate]:
    """The people of the listed households within the list's ages: the head (by the ID
    number) and the household's party members."""
    low, high = AGES[kind]
    members: dict[int, list[Member]] = {}
    for member in Member.objects.filter(household_id__in=list(households)).order_by("id"):
        if member.household_id is not None:
            members.setdefault(member.household_id, []).append(member)
    listed = []
    for f in figures:
        household = households[f.household_id]
        share = getattr(f, SHARE[kind])
        own = members.get(household.pk, [])
        people: list[tuple[str, date | None, bool]] = [(m.name, m.birth_date, True) for m in own]
        if not any(name == household.head_name for name, _born, _m in people):
            people.insert(0, (household.head_name, _head_birth(household), False))
        for name, born, is_member in people:
            if born is None:
                continue
            age = _age(born, period.end)
            if not low <= age <= high or (kind == ListKind.ACTIVIST and is_member):
                continue
            who = "党员" if is_member else "群众"
            reason = f"{who}，{age} 岁（{low}–{high} 岁）；户{_standing(f, share)}；年内无否决项"
            listed.append(Candidate(household, f, name, reason, details={"age": age}))
    return listed


def veto_entries(place: Region, period: PointsPeriod):
    """The veto items of the period under ``place`` (for the lists' footnote)."""
    return PointEntry.objects.filter(
        region_path__gte=place.path,
        region_path__lt=successor(place.path),
        occurred_on__range=(period.start, period.end),
        kind=PointEntry.Kind.AWARD,
        category=PointRule.Category.VETO,
        reversal__isnull=True,
    )
