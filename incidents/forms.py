"""Forms of the incident pages: they parse and check input; the domain does the rest."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import MultiplePhotoField, parse_device_time
from incidents.domain.reports import DESCRIPTION_LENGTH, MAX_PHOTOS


class PhotosField(MultiplePhotoField):
    """Photos, at most ``MAX_PHOTOS``; empty parts (the offline queue resends an unused file
    input as an empty file) are left out by ``MultiplePhotoField``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, max_photos=MAX_PHOTOS, **kwargs)


class ReportForm(forms.Form):
    """A grid worker's report: type, grid, description, time, photos, optional GPS and the
    emergency it belongs to (pre-selected while one is open)."""

    type = forms.ModelChoiceField(queryset=None, label=_("事件类型"), empty_label=_("请选择"))
    grid = forms.ModelChoiceField(
        queryset=None, label=pgettext_lazy("singular", "网格"), empty_label=None, required=False
    )
    description = forms.CharField(
        label=_("事件描述"),
        max_length=DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    occurred_at = forms.DateTimeField(
        label=_("发生时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    emergency = forms.ModelChoiceField(
        queryset=None, label=_("应急"), required=False, empty_label=_("不属于应急")
    )
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    photos = PhotosField(label=_("现场照片"), required=False)
    client_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)
    device_time = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, types, grids, emergencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = types
        self.fields["grid"].queryset = grids
        self.fields["emergency"].queryset = emergencies
        self.fields["type"].widget.attrs["autofocus"] = True

    def clean_device_time(self):
        return parse_device_time(self.cleaned_data.get("device_time", ""))

    def clean_occurred_at(self):
        moment = self.cleaned_data["occurred_at"]
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class FollowUpForm(forms.Form):
    note = forms.CharField(
        label=_("补充情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("现场照片"), required=False)


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(NoteForm):
    """To a person or to a service unit: one of the two."""

    user = forms.ModelChoiceField(queryset=None, label=_("承办人"), required=False, empty_label="—")
    unit = forms.ModelChoiceField(
        queryset=None, label=_("承办单位"), required=False, empty_label="—"
    )

    def __init__(self, *args, users, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["unit"].queryset = units


class ResolveForm(NoteForm):
    people_evacuated = forms.IntegerField(label=_("疏散群众（人次）"), min_value=0, initial=0)
    hazards_removed = forms.IntegerField(label=_("排除隐患（处）"), min_value=0, initial=0)


class DuplicateForm(NoteForm):
    original = forms.IntegerField(label=_("重复于事件编号"), min_value=1)


class StateForm(NoteForm):
    state = forms.ModelChoiceField(queryset=None, label=_("转入状态"), empty_label=None)

    def __init__(self, *args, states, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].queryset = states


class ListFilterForm(forms.Form):
    STATUS = [
        ("", _("全部")),
        ("open", _("未办结")),
        ("overdue", _("超时未办结")),
        ("fixed", _("待核实")),
        ("closed", _("已关闭")),
    ]
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("状态"), choices=STATUS, required=False)
    type = forms.IntegerField(required=False, widget=forms.HiddenInput)
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)
    grid = forms.IntegerField(required=False, widget=forms.HiddenInput)
    emergency = forms.IntegerField(required=False, widget=forms.HiddenInput)
    month = forms.CharField(required=False, widget=forms.HiddenInput)
    closed_month = forms.CharField(required=False, widget=forms.HiddenInput)
    since = forms.DateField(required=False, widget=forms.HiddenInput)
    until = forms.DateField(required=False, widget=forms.HiddenInput)


class CentreForm(forms.Form):
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)
    since = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class EmergencyForm(forms.Form):
    region = forms.ModelChoiceField(queryset=None, label=_("范围"), empty_label=None)
    name = forms.CharField(label=_("应急名称"), max_length=100)
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions


class TypeForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=32, required=False)
    name = forms.CharField(label=_("名称"), max_length=50)
    time_limit_hours = forms.IntegerField(label=_("处置时限（小时）"), min_value=1, max_value=2160)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class StateAddForm(forms.Form):
    code = forms.SlugField(label=_("代码"), max_length=32)
    label = forms.CharField(label=_("名称"), max_length=50)
