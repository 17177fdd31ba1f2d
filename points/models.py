"""The points system and the love supermarket (积分制 and 爱心超市, seed 004).

A village's rulebook (积分细则) is versioned: drafted by the two committees, approved by the
villagers' assembly, in force from a date. A grid worker proposes entries (采分) that move
through the review chain (party group → two committees → assembly); only the assembly's
approval writes the ledger (``PointEntry``), which is append-only — a mistake is corrected by
a reversing entry, and database triggers refuse any UPDATE or DELETE of a ledger row.
``HouseholdPoints`` is the cheap balance, moved in the same transaction as each ledger row; a
deduction is booked in full (the balance may go below zero), while the love supermarket's
redemptions debit only what the balance holds, together with the goods' stock.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.models import Grid, Household, Member, Region


class Rulebook(models.Model):
    """One version of a village's rulebook. The version in force on a day is the approved
    one with the latest ``in_force_from`` on or before it (``domain.rulebooks.rule_in_force``);
    ``superseded`` marks an approved version that a later one has replaced."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草案")
        APPROVED = "approved", _("已通过")
        SUPERSEDED = "superseded", _("已被新版本取代")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="rulebooks", verbose_name=_("村/社区")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    drafted_on = models.DateField(_("两委拟定日期"))
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_on = models.DateField(_("村民代表大会通过日期"), null=True, blank=True)
    assembly_minutes = models.TextField(_("大会记录"), blank=True)
    in_force_from = models.DateField(_("施行日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("积分细则")
        ordering = ["region_path", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "version"], name="one_rulebook_version")
        ]

    def __str__(self) -> str:
        return f"{self.region} 积分细则 第{self.version}版"


class PointRule(models.Model):
    """An item of a rulebook (积分项目): points per time, for one class of person, with the
    evidence a proposal must carry and an optional cap per household and period."""

    class Category(models.TextChoices):
        BASIC = "basic", _("基础项目")
        INCENTIVE = "incentive", _("激励项目")
        DISCRETIONARY = "discretionary", _("机动项目")
        VETO = "veto", _("否决项目")

    class AppliesTo(models.TextChoices):
        MEMBER = "member", pgettext_lazy("singular", "党员")
        RESIDENT = "resident", _("群众")
        GRID_WORKER = "grid_worker", _("网格员")

    class Evidence(models.TextChoices):
        PHOTO = "photo", _("照片")
        NOTE = "note", _("文字说明")
        NONE = "none", _("无需")

    class CapPeriod(models.TextChoices):
        WEEK = "week", _("每周")
        MONTH = "month", _("每月")
        QUARTER = "quarter", _("每季度")
        YEAR = "year", _("每年")

    rulebook = models.ForeignKey(Rulebook, on_delete=models.CASCADE, related_name="rules")
    code = models.CharField(_("编号"), max_length=16)
    name = models.CharField(_("项目"), max_length=100)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    points = models.IntegerField(_("分值（每次）"))
    applies_to = models.CharField(_("适用人员"), max_length=16, choices=AppliesTo.choices)
    evidence = models.CharField(
        _("佐证材料"), max_length=8, choices=Evidence.choices, default=Evidence.NONE
    )
    cap = models.PositiveIntegerField(_("上限（分）"), null=True, blank=True)
    cap_period = models.CharField(  # noqa: DJ001 (the contract: null when there is no cap)
        _("上限周期"), max_length=8, choices=CapPeriod.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = _("积分项目")
        ordering = ["rulebook", "code"]
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "code"], name="one_rule_code"),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap_period__isnull=False), name="cap_has_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AssemblyMeeting(models.Model):
    """A party members' (villagers' representatives') assembly (党员/村民代表大会) that
    approved a month's batch of proposals; its minutes are kept with the batch."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    held_on = models.DateField(_("会议日期"))
    minutes = models.TextField(_("会议记录"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("录入时间"))

    class Meta:
        verbose_name = _("审议大会")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.region} {self.held_on} 审议大会"


class PointProposal(models.Model):
    """What a grid worker proposes for a person of one of seed 004's three classes (采分): a
    household (群众), a party member of a household (党员) or the grid's worker (网格员) —
    a rule, how many times, when, with its evidence. ``points`` is fixed when proposed
    (rule.points × times). The review chain moves ``status``; only ``approve_at_assembly``
    turns it into a ledger entry."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待初审")
        PRELIMINARY = "preliminary", _("待复审")
        JOINT = "joint", _("待审议")
        APPROVED = "approved", _("已审议通过")
        RETURNED = "returned", _("已退回")
        WITHDRAWN = "withdrawn", _("已撤回")

    rule = models.ForeignKey(PointRule, on_delete=models.PROTECT, related_name="proposals")
    # The subject, by the rule's class of person: a household (群众: the household head
    # stands for it), a member of a household (党员: booked to the household too), or the
    # grid (网格员: the grid worker's post, no household).
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person_name = models.CharField(_("人员"), max_length=50, blank=True)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, editable=False)
    occurred_on = models.DateField(_("发生日期"))
    times = models.PositiveIntegerField(_("次数"), default=1)
    points = models.IntegerField(_("分值"))
    note = models.TextField(_("说明"), blank=True)
    photo = models.ImageField(upload_to="points/%Y/%m/", blank=True)
    thumbnail = models.ImageField(upload_to="points/%Y/%m/thumbs/", blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_at = models.DateTimeField(_("采分时间"))
    status = models.CharField(
        _("状态"), max_length=16, choices=Status.choices, default=Status.PROPOSED
    )
    returned_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    assembly = models.ForeignKey(
        AssemblyMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    # The phone's idempotency key (one per proposed entry); NULL never collides.
    client_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("采分")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["region_path", "status", "occurred_on"]),
            models.Index(fields=["household", "rule", "occurred_on"]),
            models.Index(fields=["grid", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["proposed_by", "client_key"], name="one_proposal_per_client_key"
            ),
            models.CheckConstraint(condition=Q(times__gte=1), name="proposal_times_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.who} {self.rule.name} {self.points:+d}"

    @property
    def who(self) -> str:
        """Whom the proposal scores: 「王建国户」, 「张三（党员）」, 「李四（网格员）」."""
        if self.rule.applies_to == PointRule.AppliesTo.GRID_WORKER or self.household is None:
            return f"{self.person_name}（{PointRule.AppliesTo.GRID_WORKER.label}）"
        if self.member_id is not None:
            return f"{self.person_name}（{PointRule.AppliesTo.MEMBER.label}）"
        return f"{self.household.head_name}户"


class ProposalEvent(models.Model):
    """One move of a proposal along the review chain, with the body that decided it
    (党小组 / 两委联席会议 / 党员大会) and who signed for it."""

    proposal = models.ForeignKey(PointProposal, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.CharField(_("审核机构"), max_length=30, blank=True)
    signed_by = models.CharField(_("经办人"), max_length=50, blank=True)
    at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.from_status} → {self.to_status}"


class LedgerQuerySet(models.QuerySet):
    """The ledger is append-only: the ORM's bulk update and delete are refused too."""

    def update(self, **kwargs):
        raise TypeError("积分流水只能追加，不能修改；请用冲正流水更正。")

    def delete(self):
        raise TypeError("积分流水只能追加，不能删除；请用冲正流水更正。")


class PointEntry(models.Model):
    """THE LEDGER (积分流水): one signed integer movement of a subject's points — a household's
    (with ``member`` for a party member's item) or a grid worker's (``household`` empty, the
    grid). Awards come
    from approved proposals, reversals point to the entry they cancel (at most one each),
    redemptions to the supermarket receipt. Never updated or deleted — the model refuses it
    and database triggers (migration 0002) refuse it below the ORM."""

    class Kind(models.TextChoices):
        AWARD = "award", _("积分")
        REVERSAL = "reversal", _("冲正")
        REDEMPTION = "redemption", _("兑换")

    # The subject (the proposal's): a household's entry moves its balance; a member's
    # carries ``member`` and its household; a grid worker's has no household (the grid).
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, editable=False)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    points = models.IntegerField(_("分值"))
    occurred_on = models.DateField(_("计入日期"))
    recorded_at = models.DateTimeField(_("入账时间"))
    proposal = models.ForeignKey(
        PointProposal, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversal"
    )
    redemption = models.ForeignKey(
        "Redemption", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    rule = models.ForeignKey(
        PointRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(
        _("类别"), max_length=16, choices=PointRule.Category.choices, blank=True
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects = LedgerQuerySet.as_manager()

    class Meta:
        verbose_name = _("积分流水")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["household", "occurred_on"]),
            models.Index(fields=["region_path", "occurred_on"]),
            models.Index(fields=["grid", "occurred_on"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal"], condition=Q(kind="award"), name="one_award_per_proposal"
            ),
            models.CheckConstraint(
                condition=~Q(kind="reversal") | Q(reverses__isnull=False),
                name="reversal_points_to_original",
            ),
            models.CheckConstraint(
                condition=~Q(kind="redemption") | (Q(redemption__isnull=False) & Q(points__lt=0)),
                name="redemption_debits",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False) | (Q(kind="award") | Q(kind="reversal")),
                name="only_households_redeem",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(member__isnull=True),
                name="member_entry_has_household",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_kind_display()} {self.points:+d}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("积分流水只能追加，不能修改；请用冲正流水更正。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("积分流水只能追加，不能删除；请用冲正流水更正。")


class HouseholdPoints(models.Model):
    """A household's balance, cheap to read: moved in the same transaction as every ledger
    row, always the sum of the household's ledger. A deduction may take it below zero (seed
    004: "违反一次扣10分" whatever the household holds); a redemption never does — it debits
    with ``… WHERE balance >= x`` (``domain.store.redeem``), so only max(0, balance) is ever
    exchanged."""

    household = models.OneToOneField(
        Household, primary_key=True, on_delete=models.PROTECT, related_name="points"
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    grid = models.ForeignKey(Grid, on_delete=models.PROTECT, related_name="+")
    balance = models.IntegerField(_("积分余额"), default=0)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("农户积分")

    def __str__(self) -> str:
        return f"{self.household_id}: {self.balance}"


class Store(models.Model):
    """A village's love supermarket (爱心超市): households with at least ``threshold`` points
    in the quarter exchange ``points_per_yuan`` points for one yuan of goods (seed 004:
    80 points, 5 points per yuan)."""

    class ThresholdPeriod(models.TextChoices):
        QUARTER = "quarter", _("季度")

    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="store", verbose_name=_("村/社区")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("名称"), max_length=100)
    points_per_yuan = models.PositiveIntegerField(_("每元所需积分"), default=5)
    threshold = models.PositiveIntegerField(_("兑换门槛（季度积分）"), default=80)
    threshold_period = models.CharField(
        _("门槛周期"),
        max_length=8,
        choices=ThresholdPeriod.choices,
        default=ThresholdPeriod.QUARTER,
    )

    class Meta:
        verbose_name = _("爱心超市")
        constraints = [
            models.CheckConstraint(condition=Q(points_per_yuan__gte=1), name="rate_positive")
        ]

    def __str__(self) -> str:
        return self.name


class Goods(models.Model):
    """Goods on a store's shelf, priced in yuan to the fen; stock never below zero."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="goods")
    name = models.CharField(_("名称"), max_length=100)
    price = models.DecimalField(_("价格（元）"), max_digits=10, decimal_places=2)
    stock = models.IntegerField(_("库存"), default=0)
    active = models.BooleanField(_("上架"), default=True)

    class Meta:
        verbose_name = _("商品")
        ordering = ["store", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="price_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """One exchange at the love supermarket (a receipt): the points debited from the
    household and the goods handed over, in one transaction."""

    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="redemptions")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, editable=False)
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    points = models.PositiveIntegerField(_("积分"))
    amount = models.DecimalField(_("金额（元）"), max_digits=10, decimal_places=2)
    at = models.DateTimeField(_("兑换时间"))
    client_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("兑换记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["household", "at"]), models.Index(fields=["store", "at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["clerk", "client_key"], name="one_redemption_per_client_key"
            )
        ]

    def __str__(self) -> str:
        return f"兑换 {self.pk}"


class RedemptionLine(models.Model):
    redemption = models.ForeignKey(Redemption, on_delete=models.CASCADE, related_name="lines")
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("数量"))
    price = models.DecimalField(_("单价（元）"), max_digits=10, decimal_places=2)
    points = models.PositiveIntegerField(_("积分"))

    def __str__(self) -> str:
        return f"{self.goods_id} × {self.quantity}"


class Objection(models.Model):
    """A household's objection (异议) to a score on the public board: it sends a proposal
    still under review back to preliminary review, or — for an entry already in the ledger —
    waits in the branch's review queue, where upholding it reverses the entry."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    proposal = models.ForeignKey(
        PointProposal, null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        PointEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    region_path = models.CharField(max_length=255, editable=False)
    reason = models.CharField(_("异议理由"), max_length=500)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField(_("提出时间"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(_("处理意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("异议")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False) | Q(entry__isnull=False),
                name="objection_has_target",
            )
        ]

    def __str__(self) -> str:
        return f"异议 {self.pk}"


# The board's and the linkages' settings per village (points/linkage_models.py).
from points.linkage_models import PointsPolicy  # noqa: E402, F401
