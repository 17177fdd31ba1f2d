"""Forms of the services pages: they parse and check what was typed and turn it into the
domain's inputs; the rules themselves live in ``services.domain``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MultiplePhotoField
from core.photos import PhotoError, clean_photo
from orgs.models import Household, Unit
from services.domain.requests import RequestInput
from services.domain.wishes import WishInput
from services.models import RequestStatus, ServiceItem


class PhotosField(MultiplePhotoField):
    """The photos, ignoring empty file parts: the offline queue resends an untouched file
    input as a zero-byte file named "photo.jpg", which is no photo at all."""

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        return super().clean([u for u in uploads if getattr(u, "size", 1)], initial)


# Above this many households a proxy types the household number instead of picking.
HOUSEHOLD_PICK_LIMIT = 400


def item_choices(items) -> list:
    """Items grouped by category, for a ``<select>`` with ``<optgroup>``s."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for item in items:
        groups.setdefault(item.category.name, []).append((item.pk, item.name))
    return [("", _("（不在目录中，自己描述）")), *groups.items()]


class RequestForm(forms.Form):
    item = forms.TypedChoiceField(label=_("服务事项"), required=False, coerce=int, empty_value=None)
    title = forms.CharField(label=_("诉求标题"), max_length=150, required=False)
    description = forms.CharField(
        label=_("诉求描述"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": _("请描述您的诉求。")},
    )
    household = forms.CharField(label=_("为哪一户办理（代办）"), required=False)
    address = forms.CharField(label=_("地点"), max_length=200, required=False)
    latitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        max_digits=9, decimal_places=6, required=False, widget=forms.HiddenInput
    )
    photos = PhotosField(label=_("照片"), required=False)
    client_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, files=None, *, items, households=None, own_household=None):
        super().__init__(data, files)
        self.items = {item.pk: item for item in items}
        self.fields["item"].choices = item_choices(items)
        self.own_household = own_household
        self.households = households
        picks = list(households[: HOUSEHOLD_PICK_LIMIT + 1]) if households is not None else []
        self.pick_household = households is not None and len(picks) <= HOUSEHOLD_PICK_LIMIT
        if households is None:
            del self.fields["household"]
        elif self.pick_household:
            self.fields["household"].widget = forms.Select(
                choices=[
                    ("", _("请选择农户")),
                    *[(h.pk, f"{h.head_name}户 · {h.code}") for h in picks],
                ]
            )
        else:
            self.fields["household"].help_text = _("请输入户编号")

    def clean_item(self):
        value = self.cleaned_data["item"]
        if value is not None and value not in self.items:
            raise forms.ValidationError(_("请从列表中选择服务事项。"))
        return self.items.get(value) if value is not None else None

    def clean_household(self) -> Household | None:
        value = (self.cleaned_data.get("household") or "").strip()
        if not value:
            raise forms.ValidationError(_("请选择为哪一户办理。"))
        assert self.households is not None
        found = (
            self.households.filter(pk=int(value)).first()
            if self.pick_household and value.isdigit()
            else self.households.filter(code=value).first()
        )
        if found is not None:
            return found
        raise forms.ValidationError(_("找不到该农户，请检查户编号。"))

    def request_input(self, source: str = "web") -> RequestInput:
        data = self.cleaned_data
        household = data.get("household") or self.own_household
        return RequestInput(
            description=data["description"],
            item=data["item"],
            title=data["title"],
            household=household,
            proxy=household is not None and household != self.own_household,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            address=data["address"],
            photos=data["photos"],
            client_key=data["client_key"] or None,
            source=source,
        )


class DispatchForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("派给"), coerce=int, required=False, empty_value=None)
    note = forms.CharField(label=_("派单说明"), max_length=500, required=False)

    def __init__(self, data=None, *, units: list[Unit], proposed: Unit | None):
        super().__init__(data, initial={"unit": proposed.pk if proposed else ""})
        self.units = {unit.pk: unit for unit in units}
        self.fields["unit"].choices = [
            ("", _("本村（社区）自办")),
            *[(u.pk, u.name) for u in units],
        ]

    def clean_unit(self) -> Unit | None:
        value = self.cleaned_data["unit"]
        if value is not None and value not in self.units:
            raise forms.ValidationError(_("请从列表中选择单位。"))
        return self.units.get(value) if value is not None else None


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("说明"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FinishForm(NoteForm):
    photos = PhotosField(label=_("办结照片"), required=False)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("评分"),
        coerce=int,
        choices=[(n, "★" * n) for n in range(5, 0, -1)],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择评分。")},
    )
    comment = forms.CharField(
        label=_("评价"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RequestFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *RequestStatus.choices]
    )
    flag = forms.ChoiceField(
        label=_("筛选"),
        required=False,
        choices=[
            ("", _("全部")),
            ("open", _("办理中（未办结）")),
            ("overdue", _("已超期")),
            ("finished", _("已办结")),
            ("on_time", _("期限内办结")),
            ("late", _("超期办结")),
            ("rated", _("已评价")),
        ],
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)


class WishForm(forms.Form):
    title = forms.CharField(
        label=_("我的心愿"), max_length=100, error_messages={"required": _("请填写心愿内容。")}
    )
    description = forms.CharField(
        label=_("说明"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    client_key = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    def wish_input(self, household: Household) -> WishInput:
        data = self.cleaned_data
        return WishInput(
            title=data["title"],
            description=data["description"],
            household=household,
            client_key=data["client_key"] or None,
        )


class FulfilForm(forms.Form):
    note = forms.CharField(
        label=_("实现情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("照片"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
    )

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return clean_photo(upload, upload.name)
        except PhotoError as error:
            raise forms.ValidationError(
                _("%(error)s 其他内容已保留，请重新选择照片。"), params={"error": str(error)}
            ) from None


class ItemFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索事项"), required=False, max_length=50)
    kind = forms.ChoiceField(
        label=_("事项类型"),
        required=False,
        choices=[("", _("全部类型")), *ServiceItem.Kind.choices],
    )
