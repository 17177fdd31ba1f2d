"""Organizational life (组织生活, seed 003): what each organization must hold, the records it
uploads, the due reports that make completeness and timeliness exact, and the warnings for
reports that never came.

``DueReport`` rows are explicit: one per organization, activity type and period that the
organization owes (DHIS2's "expected reports"), so the denominator is never guessed.
``ComplianceTally`` sums them per region and month (the month the period ends), and again
per county and month, so that a province's rollup for a year reads ~1,400 summary rows and a
county's a few thousand own rows, not millions of due reports; both change in the same
transaction as the record that satisfies them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orglife.domain.periods import Frequency
from orgs.models import Member, Organization, Region


class ActivityType(models.Model):
    """A kind of organizational life: 三会一课 and 主题党日 (codes from the glossary)."""

    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("活动类型")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Settings(models.Model):
    """A county's rules for reporting: the on-time window and the correction lock are two
    separate settings (DHIS2 keeps "timely" and "locked" apart too)."""

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="orglife_settings", verbose_name=_("县")
    )
    on_time_days = models.PositiveSmallIntegerField(_("及时上报期限（期末后天数）"), default=5)
    correction_days = models.PositiveSmallIntegerField(_("可直接更正的天数（上传后）"), default=30)

    class Meta:
        verbose_name = _("组织生活设置")

    def __str__(self) -> str:
        return str(self.region)


class Requirement(models.Model):
    """An activity type that every organization of a kind in ``region``'s subtree must hold
    at a frequency; switched off with ``active`` (or per organization by an exemption)."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("县")
    )
    region_path = models.CharField(max_length=255, db_index=True, editable=False)
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, verbose_name=_("活动类型")
    )
    organization_kind = models.CharField(
        _("组织类型"), max_length=16, choices=Organization.Kind.choices
    )
    frequency = models.CharField(_("频次"), max_length=16, choices=Frequency.choices)
    active = models.BooleanField(_("启用"), default=True)
    since = models.DateField(_("起算日期"), help_text=_("从包含该日的周期起应开展"))
    generated_through = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("组织生活要求")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "activity_type", "organization_kind"], name="one_requirement"
            )
        ]

    def __str__(self) -> str:
        kind = self.get_organization_kind_display()
        return f"{kind} {self.activity_type} {self.get_frequency_display()}"


class Exemption(models.Model):
    """One organization excused from one activity type (a branch without party groups holds
    no party group meetings)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="orglife_exemptions"
    )
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT)
    reason = models.CharField(_("原因"), max_length=200)
    region_path = models.CharField(max_length=255, db_index=True, editable=False)

    class Meta:
        verbose_name = _("免于要求")
        constraints = [
            models.UniqueConstraint(fields=["organization", "activity_type"], name="one_exemption")
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.activity_type}"


class ActivityRecord(models.Model):
    """One meeting or lecture as uploaded by a branch account: it may satisfy several
    requirements at once (a committee meeting held with the theme party day)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="activity_records"
    )
    activity_types: "models.ManyToManyField[ActivityType, RecordType]" = models.ManyToManyField(
        ActivityType, through="RecordType", verbose_name=_("活动类型")
    )
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    online = models.BooleanField(_("线上开展"), default=False)
    topic = models.CharField(_("主题"), max_length=200)
    minutes = models.TextField(_("会议记录"), blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("上传时间"), db_index=True)
    device_time = models.DateTimeField(_("手机记录时间"), null=True, blank=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    region_path = models.CharField(max_length=255, editable=False)
    org_path = models.CharField(max_length=255, db_index=True, editable=False)
    # The phone's idempotency key: a retried upload with the same key from the same account
    # finds the first record instead of making a second one. NULL (no key) never collides.
    client_key = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("组织生活记录")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["region_path", "-held_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["uploaded_by", "client_key"], name="one_record_per_client_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class RecordType(models.Model):
    """That a record counts for an activity type. The unique constraint refuses a second
    record of the same type on the same day for the same organization."""

    record = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="types")
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    held_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "activity_type", "held_on"], name="one_record_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_id} · {self.activity_type_id}"


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("出席")
        ONLINE = "online", _("线上参加")
        ABSENT = "absent", _("缺席")

    record = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(_("出席情况"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("缺席原因"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["record", "member"], name="one_attendance")]

    def __str__(self) -> str:
        return f"{self.member_id} · {self.status}"


class RecordPhoto(models.Model):
    record = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="orglife/%Y/%m/")
    thumbnail = models.ImageField(upload_to="orglife/%Y/%m/thumbs/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.record_id} · {self.image.name}"


class DueReport(models.Model):
    """One report an organization owes: activity type × period. ``reported_at`` is the
    server's receipt time of the first record that satisfies it; ``on_time`` whether that
    was before ``deadline``."""

    # No single-column indexes on these keys: the unique key leads with the organization,
    # and nothing looks due reports up by type or region alone. Each index is paid on every
    # row a sweep inserts (tens of thousands a month at province scale).
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    activity_type = models.ForeignKey(ActivityType, on_delete=models.PROTECT, db_index=False)
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    month = models.DateField(help_text="first day of the month the period ends in")
    deadline = models.DateTimeField()
    # A copy of the organization's region (the tallies are kept per region): the
    # organization's own key is checked, so the copy is not checked again on every insert.
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    region_path = models.CharField(max_length=255)
    org_path = models.CharField(max_length=255)
    record = models.ForeignKey(
        ActivityRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    on_time = models.BooleanField(default=False)
    warned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("应报记录")
        # Both keys lead with what a new period shares (its activity type and start, its
        # month), so the tens of thousands of rows a sweep adds for a new period land side by
        # side in each index instead of one in every leaf page (see docs/benchmarks.md).
        # Lookups by organization name the period starts (``periods.running_periods``).
        constraints = [
            models.UniqueConstraint(
                fields=["activity_type", "period_start", "organization"], name="one_due_report"
            )
        ]
        indexes = [
            models.Index(fields=["month", "region_path"], name="due_month_region"),
            models.Index(
                fields=["deadline"],
                name="due_unwarned",
                condition=Q(reported_at__isnull=True, warned_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} · {self.activity_type_id} · {self.period_start}"


class ComplianceTally(models.Model):
    """Per region and month: how many reports were due, reported, and reported on time. Kept
    in step with ``DueReport`` by the domain. Two kinds of rows count every due report once
    each:

    - own rows (``summary=False``): per organizations' own region — ~22,600 regions × 12
      months for a province year, read by the rollups of counties and the nodes below;
    - summary rows (``summary=True``): per county (for an organization region at or below a
      county, the county containing it) or per region above county level for the
      organizations attached there — ~113 × 12 rows for a province year, read by the rollups
      of provinces and prefectures."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    region_path = models.CharField(max_length=255)
    month = models.DateField()
    summary = models.BooleanField(default=False)
    due = models.PositiveIntegerField(default=0)
    reported = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "month", "summary"], name="one_tally")
        ]
        indexes = [models.Index(fields=["summary", "month", "region_path"])]

    def __str__(self) -> str:
        return f"{self.region_id} · {self.month}: {self.reported}/{self.due}"


class Warning(models.Model):
    """A report whose deadline passed without a record (预警): raised once by the sweep,
    tracked until a superior closes it (督促整改)."""

    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        ACKNOWLEDGED = "acknowledged", _("已知悉")
        RECTIFIED = "rectified", _("已整改")
        CLOSED = "closed", pgettext_lazy("warning", "已销号")

    due_report = models.OneToOneField(DueReport, on_delete=models.CASCADE, related_name="warning")
    # Copies of the due report's keys, for listing and scoping without a join; the due report
    # is checked, so they are not checked again for each of the thousands a sweep raises.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    activity_type = models.ForeignKey(
        ActivityType, on_delete=models.PROTECT, db_index=False, db_constraint=False
    )
    period_start = models.DateField()
    period_end = models.DateField()
    region_path = models.CharField(max_length=255, db_index=True)
    org_path = models.CharField(max_length=255, db_index=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField()
    explanation = models.TextField(_("整改说明"), blank=True)
    evidence = models.FileField(_("整改材料"), upload_to="orglife/evidence/%Y/", blank=True)
    rectifying_record = models.ForeignKey(
        ActivityRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("预警")
        ordering = ["-raised_at", "-id"]

    def __str__(self) -> str:
        return f"预警 {self.pk}"


class WarningEvent(models.Model):
    """The history of a warning: every state change, by whom, when, with a note."""

    warning = models.ForeignKey(Warning, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.warning_id}: {self.from_status} → {self.to_status}"
