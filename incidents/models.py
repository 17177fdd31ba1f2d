"""Grid incidents (网格事件, seed 003) and emergencies (应急): a grid worker reports what
happens in the grid from a phone; superiors see it at once, assign it to a person or a
service unit, the assignee handles and resolves it, the reporter or a superior verifies and
closes it. Overdue incidents escalate one level up the tree.

Types and states are data, per county: a county adds a type (with its time limit) or a state
(e.g. "待现场核实", of kind open) without code. The workflow's moves are code
(``incidents.domain.moves.TRANSITIONS``); each one lands in a built-in state, and a county's
own states are open states a superior may put an incident into. Open311 sees only
open/closed (``IncidentState.open311_status``)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orgs.models import Grid, Organization, Region, Unit


class IncidentType(models.Model):
    """A kind of incident a county's grid workers report, with the hours it must be handled
    in (处置时限); ``region`` is the county."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="incident_types", verbose_name=_("县")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    code = models.SlugField(_("代码"), max_length=32)
    name = models.CharField(_("名称"), max_length=50)
    time_limit_hours = models.PositiveIntegerField(_("处置时限（小时）"), default=72)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事件类型")
        ordering = ["position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="one_incident_type_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def time_limit(self) -> timedelta:
        return timedelta(hours=self.time_limit_hours)


class IncidentState(models.Model):
    """A state an incident can be in. Built-in states (``region`` empty) are the ones the
    workflow's moves land in; a county may add its own open states. ``kind`` is what the
    state means for counting and for Open311: open, fixed (resolved, awaiting verification)
    or closed."""

    class Kind(models.TextChoices):
        OPEN = "open", _("未办结")
        FIXED = "fixed", _("已处置待核实")
        CLOSED = "closed", _("已关闭")

    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="incident_states",
        verbose_name=_("县"),
    )
    code = models.SlugField(_("代码"), max_length=32)
    label = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("事件状态")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "code"], name="one_incident_state_code"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(region__isnull=True), name="one_builtin_state_code"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def open311_status(self) -> str:
        """GeoReport v2 knows two states: anything not open is closed for it."""
        return "open" if self.kind == self.Kind.OPEN else "closed"

    @property
    def is_builtin(self) -> bool:
        return self.region_id is None


class Emergency(models.Model):
    """An emergency (应急, e.g. a flood season 防汛) opened by an admin for a node: while it
    is open, grid workers in the subtree report under it, and its board counts valid reports,
    people evacuated and hazards removed."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="emergencies", verbose_name=_("范围")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    opened_at = models.DateTimeField(_("启动时间"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("应急")
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Incident(models.Model):
    """One incident reported in a grid. ``region_path`` and ``org_path`` are the grid's, so
    that a subtree's incidents are a range scan. ``deadline`` is the report time plus the
    type's limit; ``next_escalation_at`` moves one limit further each time the sweep raises
    ``escalation_level`` (0 grid, 1 village, 2 township, 3 county)."""

    class Level(models.IntegerChoices):
        GRID = 0, pgettext_lazy("singular", "网格")
        VILLAGE = 1, _("村/社区")
        TOWNSHIP = 2, _("乡镇")
        COUNTY = 3, _("县/旗")

    type = models.ForeignKey(IncidentType, on_delete=models.PROTECT, verbose_name=_("事件类型"))
    state = models.ForeignKey(IncidentState, on_delete=models.PROTECT, verbose_name=_("状态"))
    description = models.TextField(_("事件描述"))
    occurred_at = models.DateTimeField(_("发生时间"))
    grid = models.ForeignKey(
        Grid, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("所在网格")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    region_path = models.CharField(max_length=255, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", editable=False
    )
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(_("上报时间"))
    device_time = models.DateTimeField(_("手机记录时间"), null=True, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    emergency = models.ForeignKey(
        Emergency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("应急"),
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("承办人"),
    )
    assigned_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="incidents",
        verbose_name=_("承办单位"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("重复于"),
    )
    people_evacuated = models.PositiveIntegerField(_("疏散群众（人次）"), default=0)
    hazards_removed = models.PositiveIntegerField(_("排除隐患（处）"), default=0)
    time_limit = models.DurationField(editable=False)
    deadline = models.DateTimeField(_("处置时限"))
    next_escalation_at = models.DateTimeField(editable=False)
    escalation_level = models.PositiveSmallIntegerField(
        _("升级层级"), choices=Level.choices, default=Level.GRID
    )
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    # The phone's idempotency key: the offline queue resends a report with the same key, and
    # the unique key makes the second one find the first. NULL (no key) never collides.
    client_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("网格事件")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["region_path", "-reported_at"]),
            models.Index(fields=["grid", "type", "state"]),
            models.Index(
                fields=["next_escalation_at"],
                name="incident_escalation_due",
                condition=Q(closed_at__isnull=True, resolved_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "client_key"], name="one_incident_per_client_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} · {self.grid} · {self.pk}"

    @property
    def assignee_label(self) -> str:
        if self.assigned_unit_id:
            return str(self.assigned_unit)
        if self.assigned_user_id:
            return str(self.assigned_user)
        return ""


class IncidentPhoto(models.Model):
    """A photo of the scene (location metadata removed), from the report or a follow-up."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="photos")
    event = models.ForeignKey(
        "IncidentEvent", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(upload_to="incidents/%Y/%m/")
    thumbnail = models.ImageField(upload_to="incidents/%Y/%m/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.incident_id} · {self.image.name}"


class IncidentEvent(models.Model):
    """The history of an incident: every move (with the state before and after), progress
    notes and follow-ups added by other reporters, by whom and when."""

    class Action(models.TextChoices):
        REPORT = "report", _("上报")
        ASSIGN = "assign", _("交办")
        PROGRESS = "progress", _("处理进展")
        RESOLVE = "resolve", _("办结")
        CLOSE = "close", _("核实关闭")
        REOPEN = "reopen", _("退回重办")
        DUPLICATE = "duplicate", _("标记重复")
        INVALID = "invalid", _("标记无效")
        SET_STATE = "set_state", _("转入状态")
        FOLLOW_UP = "follow_up", _("补充情况")
        ESCALATE = "escalate", _("超时升级")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=16, choices=Action.choices)
    from_state = models.ForeignKey(
        IncidentState, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_state = models.ForeignKey(
        IncidentState, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.incident_id}: {self.action}"


class Escalation(models.Model):
    """That an incident reached an escalation level: one row per incident and level, so a
    sweep run twice (or two at once) escalates and notifies once."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(choices=Incident.Level.choices)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "level"], name="escalate_once_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.level}"
