"""Forms of the organizational-life pages: list filters, the record upload and correction
form, the warning actions and the county settings. They parse; the domain decides."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.scope import get_for_user
from core.forms import MultiplePhotoField, parse_device_time
from core.photos import PhotoError, clean_evidence
from orglife.domain.periods import Frequency
from orglife.domain.records import RecordInput
from orglife.models import ActivityType, Attendance, Warning
from orgs.models import Member, Organization, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ALL = ("", _("全部"))


def parse_month(value: str) -> date | None:
    """``2026-03`` → 1 March 2026; anything else → ``None``."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return date(year, month, 1)
    except (ValueError, TypeError):
        return None


class MonthField(forms.CharField):
    """A month as ``YYYY-MM`` (the browser's ``<input type=month>``), cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        month = parse_month(value)
        if month is None:
            raise forms.ValidationError(_("月份格式应为 YYYY-MM，如 2026-03。"))
        return month


class NodeForm(forms.Form):
    """A filter whose ``region`` arrives as an id and leaves as a region the user may see."""

    region = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, user) -> None:
        super().__init__(data)
        self.user = user

    def clean_region(self):
        pk = self.cleaned_data.get("region")
        return get_for_user(self.user, Region, pk) if pk else None


class CentreForm(NodeForm):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100)


class GapFilterForm(NodeForm):
    STATUSES = [
        ALL,
        ("missing", _("未报")),
        ("late", _("迟报")),
        ("on_time", _("按时")),
    ]
    month = MonthField(label=_("月份"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("状态"), choices=STATUSES, required=False)


class WarningFilterForm(NodeForm):
    STATUSES = [
        ("", _("未销号")),
        *Warning.Status.choices,
        ("all", _("全部")),
    ]
    status = forms.ChoiceField(label=_("状态"), choices=STATUSES, required=False)


class RecordFilterForm(forms.Form):
    organization = forms.IntegerField(required=False, widget=forms.HiddenInput)
    activity_type = forms.ModelChoiceField(
        label=_("活动类型"),
        queryset=ActivityType.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("全部"),
    )
    month = MonthField(label=_("月份"), required=False)

    def __init__(self, data=None, *, user) -> None:
        super().__init__(data)
        self.user = user

    def clean_organization(self):
        pk = self.cleaned_data.get("organization")
        return get_for_user(self.user, Organization, pk) if pk else None


class RecordForm(forms.Form):
    """An activity record: its types (those the organization must hold), date, place or
    online, topic, minutes, one status per member, photos and the phone's clock. With
    ``require_reason`` (a correction past the county's window) a reason is required."""

    activity_types = forms.ModelMultipleChoiceField(
        label=_("活动类型"),
        queryset=ActivityType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一种活动类型。")},
    )
    held_on = forms.DateField(label=_("活动日期"), widget=DATE)
    online = forms.BooleanField(label=_("线上开展"), required=False)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    place.required_mark = True  # the domain requires it unless the meeting is held online
    topic = forms.CharField(label=_("主题"), max_length=200)
    minutes = forms.CharField(
        label=_("会议记录"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    photos = MultiplePhotoField(label=_("照片"), required=False)
    device_time = forms.CharField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("更正原因"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        data=None,
        files=None,
        *,
        types,
        members: list[Member],
        require_reason: bool = False,
        initial=None,
    ) -> None:
        super().__init__(data, files, initial=initial)
        self.fields["activity_types"].queryset = types
        self.members = members
        self.require_reason = require_reason
        if require_reason:
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = _(
                "已超过可直接更正的期限，请填写更正原因。"
            )
        statuses = [
            (Attendance.Status.PRESENT, _("出席")),
            (Attendance.Status.ABSENT, _("缺席")),
        ]
        online = (Attendance.Status.ONLINE, _("线上参加"))
        for member in members:
            choices = [*statuses, online] if member.is_mobile else statuses
            self.fields[f"status_{member.pk}"] = forms.ChoiceField(
                label=member.name, choices=choices, initial=Attendance.Status.PRESENT
            )
            self.fields[f"reason_{member.pk}"] = forms.CharField(
                label=_("缺席原因"), max_length=200, required=False
            )

    def attendance_rows(self):
        """(member, status field, reason field) for the template's attendance table."""
        return [
            (member, self[f"status_{member.pk}"], self[f"reason_{member.pk}"])
            for member in self.members
        ]

    def clean(self):
        cleaned = super().clean()
        for member in self.members:
            status = cleaned.get(f"status_{member.pk}")
            if status == Attendance.Status.ABSENT and not cleaned.get(f"reason_{member.pk}"):
                self.add_error(f"reason_{member.pk}", _("缺席人员请填写缺席原因。"))
        return cleaned

    def record_input(self) -> RecordInput:
        data = self.cleaned_data
        return RecordInput(
            activity_types=list(data["activity_types"]),
            held_on=data["held_on"],
            topic=data["topic"],
            place=data["place"],
            online=data["online"],
            minutes=data["minutes"],
            attendance={
                member.pk: (data[f"status_{member.pk}"], data[f"reason_{member.pk}"])
                for member in self.members
            },
            device_time=parse_device_time(data["device_time"]),
        )


class OrganizationPickForm(forms.Form):
    """An admin picks the organization a record is for."""

    organization = forms.ModelChoiceField(
        label=_("党组织"), queryset=Organization.objects.none(), empty_label=None
    )

    def __init__(self, data=None, *, organizations) -> None:
        super().__init__(data)
        self.fields["organization"].queryset = organizations


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("说明"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("退回原因"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请说明退回原因。")},
    )


PDF_MAGIC = b"%PDF-"


class RectifyForm(forms.Form):
    """A written explanation with optional evidence: a photo (cleaned like meeting photos)
    or a PDF scan, recognised by its content, up to 10 MB."""

    explanation = forms.CharField(
        label=_("整改说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写整改说明。")},
    )
    evidence = forms.FileField(label=_("整改材料（照片或 PDF）"), required=False)

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if not upload:
            return None
        try:
            return clean_evidence(upload)
        except PhotoError as error:
            raise forms.ValidationError(str(error)) from None


class SettingsForm(forms.Form):
    on_time_days = forms.IntegerField(
        label=_("及时上报期限（期末后天数）"), min_value=0, max_value=60
    )
    correction_days = forms.IntegerField(
        label=_("可直接更正的天数（上传后）"), min_value=0, max_value=365
    )


class RequirementForm(forms.Form):
    frequency = forms.ChoiceField(label=_("频次"), choices=Frequency.choices)
    active = forms.BooleanField(label=_("启用"), required=False)


class ExemptionForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("党组织"), queryset=Organization.objects.none())
    activity_type = forms.ModelChoiceField(label=_("活动类型"), queryset=ActivityType.objects.all())
    reason = forms.CharField(label=_("原因"), max_length=200)

    def __init__(self, data=None, *, organizations) -> None:
        super().__init__(data)
        self.fields["organization"].queryset = organizations
