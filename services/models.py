"""Party-and-people services (党群服务, PRODUCT.md capability 4; seeds 001, 002, 003).

- Service centres (党群服务中心) at county, township and village level, with their windows,
  opening hours and the proxy services (代办事项) a village centre handles for residents.
- The catalogue: categories → items (公共服务事项 or 行政审批事项), each with the level that
  handles it, the materials it needs and its time limit. One catalogue per county.
- Requests (群众点单、社区派单、单位接单、群众评单, seed 002): a resident orders, the village or
  community dispatches to a unit (proposed by the routing table) or handles it itself, the
  unit accepts or sends it back, finishes it, and the resident rates it. The states and the
  transitions allowed between them are ``REQUEST_TRANSITIONS``; ``RequestEvent`` is the
  history. ``services.domain.requests`` is the only writer.
- Micro-wishes (微心愿): posted by a resident, claimed by a party member, an in-service member
  registered at the community (双报到, ``CommunityRegistration``) or a unit, fulfilled,
  confirmed. ``WISH_TRANSITIONS``; ``services.domain.wishes`` is the only writer.

Rows carry ``region_path`` (the village or community they belong to) so that every level's
figures are one indexed range scan (docs/architecture.md, "The tree").
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.models import Household, Member, Region, Unit


class Level(models.TextChoices):
    """The level of the tree a centre sits at, or that handles a catalogue item."""

    COUNTY = "county", _("旗县级")
    TOWNSHIP = "township", _("乡镇级")
    VILLAGE = "village", _("村（社区）级")


class ServiceCentre(models.Model):
    """A party-and-people service centre (党群服务中心) of one region: seed 003's county has
    215 of them; seed 001's village centre has 1 desk, 2 windows and 36 proxy services."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="service_centres", verbose_name=_("所在区划")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("编码"), max_length=32, unique=True)
    level = models.CharField(_("层级"), max_length=16, choices=Level.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    desk_count = models.PositiveSmallIntegerField(_("便民咨询台"), default=1)
    proxy_items: "models.ManyToManyField[ServiceItem, ServiceCentre]" = models.ManyToManyField(
        "ServiceItem", blank=True, related_name="proxy_centres", verbose_name=_("代办事项")
    )

    class Meta:
        verbose_name = _("党群服务中心")
        ordering = ["region_path", "code"]

    def __str__(self) -> str:
        return self.name


class ServiceWindow(models.Model):
    """A service window (办事服务窗口) of a centre and what it handles."""

    centre = models.ForeignKey(ServiceCentre, on_delete=models.CASCADE, related_name="windows")
    position = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("窗口名称"), max_length=100)
    handles = models.CharField(_("办理业务"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("服务窗口")
        ordering = ["centre_id", "position"]

    def __str__(self) -> str:
        return self.name


class ServiceCategory(models.Model):
    """A category of the county's catalogue (seed 003: 13 categories)."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="service_categories", verbose_name=_("县")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    code = models.CharField(_("类别编码"), max_length=32)
    name = models.CharField(_("类别名称"), max_length=100)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("服务类别")
        ordering = ["region_id", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="one_category_code_per_county")
        ]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    """A catalogue item: a public service (公共服务事项) or an administrative approval
    (行政审批事项), handled at one level, with its materials and time limit. ``code`` is
    unique per county and is the Open311 ``service_code``."""

    class Kind(models.TextChoices):
        PUBLIC_SERVICE = "public_service", _("公共服务事项")
        APPROVAL = "approval", _("行政审批事项")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="service_items", verbose_name=_("县")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="items", verbose_name=_("类别")
    )
    code = models.CharField(_("事项编码"), max_length=32)
    name = models.CharField(_("事项名称"), max_length=150)
    kind = models.CharField(_("事项类型"), max_length=16, choices=Kind.choices)
    handling_level = models.CharField(_("办理层级"), max_length=16, choices=Level.choices)
    materials = models.TextField(_("申请材料"), blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("办理时限（天）"))
    description = models.TextField(_("说明"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("服务事项")
        ordering = ["category__position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="one_item_code_per_county")
        ]

    def __str__(self) -> str:
        return self.name


class RoutingRule(models.Model):
    """The routing table (派单路由): for requests of ``item`` from ``region``'s subtree, the
    unit the dispatcher is offered. The deepest rule on the request's place wins; the
    dispatcher may always choose another unit or handle the request itself."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("区划")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    item = models.ForeignKey(
        ServiceItem, on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("事项")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("承办单位")
    )

    class Meta:
        verbose_name = _("派单路由")
        constraints = [
            models.UniqueConstraint(fields=["region", "item"], name="one_route_per_place_item")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} · {self.item_id} → {self.unit_id}"


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待派单")
    DISPATCHED = "dispatched", _("待接单")
    ACCEPTED = "accepted", _("办理中")
    DONE = "done", _("待评价")
    RATED = "rated", _("已评价")
    REJECTED = "rejected", _("不予受理")


# The request state machine, in one place: (from, to) → the action that makes the move.
# A unit sending a request back returns it to the dispatcher (submitted); a resident's one
# reopening returns a finished request to whoever handled it (accepted).
REQUEST_TRANSITIONS: dict[tuple[str, str], str] = {
    (RequestStatus.SUBMITTED, RequestStatus.DISPATCHED): "dispatch",
    (RequestStatus.SUBMITTED, RequestStatus.ACCEPTED): "handle_itself",
    (RequestStatus.SUBMITTED, RequestStatus.REJECTED): "reject",
    (RequestStatus.DISPATCHED, RequestStatus.ACCEPTED): "accept",
    (RequestStatus.DISPATCHED, RequestStatus.SUBMITTED): "send_back",
    (RequestStatus.ACCEPTED, RequestStatus.DONE): "finish",
    (RequestStatus.DONE, RequestStatus.RATED): "rate",
    (RequestStatus.DONE, RequestStatus.ACCEPTED): "reopen",
    (RequestStatus.RATED, RequestStatus.ACCEPTED): "reopen",
}
OPEN_REQUEST_STATES = (RequestStatus.SUBMITTED, RequestStatus.DISPATCHED, RequestStatus.ACCEPTED)
FINISHED_REQUEST_STATES = (RequestStatus.DONE, RequestStatus.RATED)


class ServiceRequest(models.Model):
    """A resident's request (点单): for a catalogue item or in free text, for one household of
    a village or community. ``submitted_by`` is the resident's own account; ``proxy_by`` the
    grid worker or centre staff who submitted it for a resident without a phone (代办).
    ``due_at`` = submitted + the item's time limit (``DEFAULT_TIME_LIMIT_DAYS`` for free
    text); ``done_at`` is when it was (last) finished."""

    class Source(models.TextChoices):
        WEB = "web", _("网页")
        API = "api", _("接口")
        OPEN311 = "open311", "Open311"

    item = models.ForeignKey(
        ServiceItem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("服务事项"),
    )
    title = models.CharField(_("标题"), max_length=150)
    description = models.TextField(_("诉求描述"))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="service_requests", verbose_name=_("村/社区")
    )
    region_path = models.CharField(max_length=255, editable=False)
    household = models.ForeignKey(
        Household,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
        verbose_name=_("农户"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proxy_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("代办人"),
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED
    )
    unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
        verbose_name=_("承办单位"),
    )
    self_handled = models.BooleanField(_("村（社区）自办"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"))
    due_at = models.DateTimeField(_("办理期限"))
    done_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result_note = models.TextField(_("办理结果"), blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    # The phone's idempotency key, unique per submitting account (see ``submit_request``).
    client_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default="web")
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rating_comment = models.CharField(_("评价"), max_length=500, blank=True)
    reopened = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("服务诉求")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["region_path", "status"]),
            models.Index(fields=["region_path", "submitted_at"]),
            models.Index(fields=["unit", "status"]),
            models.Index(
                fields=["due_at"],
                name="request_open_unflagged",
                condition=Q(
                    status__in=["submitted", "dispatched", "accepted"],
                    overdue_notified_at__isnull=True,
                ),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "client_key"], name="one_request_per_client_key"
            ),
            models.UniqueConstraint(
                fields=["proxy_by", "client_key"], name="one_proxy_request_per_client_key"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="request_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATES


class RequestEvent(models.Model):
    """The history of a request: every state change, by whom, when, with a note (the reason
    of a send-back or rejection, the result of the work, the resident's comment)."""

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True, choices=RequestStatus.choices)
    to_status = models.CharField(max_length=16, choices=RequestStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.from_status} → {self.to_status}"


class RequestPhoto(models.Model):
    """A photo of a request: the resident's when submitting, the handler's when finishing."""

    class Stage(models.TextChoices):
        SUBMITTED = "submitted", _("诉求照片")
        DONE = "done", _("办结照片")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.SUBMITTED)
    image = models.ImageField(upload_to="services/%Y/%m/")
    thumbnail = models.ImageField(upload_to="services/%Y/%m/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.request_id} · {self.image.name}"


class CommunityRegistration(models.Model):
    """Dual registration (双报到): an in-service party member (在职党员) registers at the
    community (or village) where they live, and then sees and claims its wishes there."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="community_registrations"
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="member_registrations",
        verbose_name=_("报到社区"),
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    registered_at = models.DateTimeField(_("报到时间"))
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("双报到")
        constraints = [
            models.UniqueConstraint(fields=["member", "region"], name="one_registration_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.region_id}"


class WishStatus(models.TextChoices):
    POSTED = "posted", _("待认领")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("待确认")
    CONFIRMED = "confirmed", _("已实现")


WISH_TRANSITIONS: dict[tuple[str, str], str] = {
    (WishStatus.POSTED, WishStatus.CLAIMED): "claim",
    (WishStatus.CLAIMED, WishStatus.FULFILLED): "fulfil",
    (WishStatus.FULFILLED, WishStatus.CONFIRMED): "confirm",
}


class Wish(models.Model):
    """A micro-wish (微心愿): a small need a resident posts on their community's board, which
    a party member, a registered in-service member or a unit claims (认领) and fulfils."""

    class ClaimantKind(models.TextChoices):
        MEMBER = "member", pgettext_lazy("singular", "党员")
        IN_SERVICE = "in_service", _("在职党员")
        UNIT = "unit", _("服务单位")

    title = models.CharField(_("心愿"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="wishes", verbose_name=_("村/社区")
    )
    region_path = models.CharField(max_length=255, editable=False)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="wishes"
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField(_("发布时间"))
    status = models.CharField(
        _("状态"), max_length=16, choices=WishStatus.choices, default=WishStatus.POSTED
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimant_kind = models.CharField(
        _("认领方"), max_length=16, choices=ClaimantKind.choices, blank=True
    )
    claimant_member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="claimed_wishes"
    )
    claimant_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="claimed_wishes"
    )
    claimant_name = models.CharField(_("认领人"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("实现时间"), null=True, blank=True)
    fulfil_note = models.TextField(_("实现情况"), blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    client_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("微心愿")
        ordering = ["-posted_at", "-id"]
        indexes = [models.Index(fields=["region_path", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["posted_by", "client_key"], name="one_wish_per_client_key"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def claim(self, actor) -> "Wish":
        """认领: see ``services.domain.wishes.claim_wish``."""
        from services.domain.wishes import claim_wish

        return claim_wish(actor, self)


class WishEvent(models.Model):
    """The history of a wish."""

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True, choices=WishStatus.choices)
    to_status = models.CharField(max_length=16, choices=WishStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.wish_id}: {self.from_status} → {self.to_status}"


class WishPhoto(models.Model):
    """The photo of a fulfilled wish (or of the wish itself)."""

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="services/wishes/%Y/%m/")
    thumbnail = models.ImageField(upload_to="services/wishes/%Y/%m/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.wish_id} · {self.image.name}"
