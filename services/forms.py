"""Forms of the services pages: they parse and check what was typed and turn it into the
domain's inputs; the rules themselves live in ``services.domain``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MultiplePhotoField
from core.photos import PhotoError, clean_photo
from orgs.models import Household, Region, Unit
from services.domain.catalogue import CentreInput, ItemInput
from services.domain.requests import RequestInput
from services.domain.wishes import WishInput
from services.models import Level, RequestStatus, ServiceCategory, ServiceItem


class PhotosField(MultiplePhotoField):
    """The photos; empty file parts (the offline queue resends an untouched file input as a
    zero-byte file) are left out by ``MultiplePhotoField``."""


# What the request form's type-ahead searches (core.search): a service by its name, its
# category or its code; a household (代办) by its head's name, its code or its address.
ITEM_SEARCHED = ["name", "category__name", "code"]
HOUSEHOLD_SEARCHED = ["head_name", "code", "address"]
SEARCH_LIMIT = 20


FREE_TEXT = _("（不在目录中，自己描述）")


def item_choices(items, blank=FREE_TEXT) -> list:
    """Items grouped by category, for a ``<select>`` with ``<optgroup>``s; ``blank`` labels
    the empty choice."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for item in items:
        groups.setdefault(item.category.name, []).append((item.pk, item.name))
    return [("", blank), *groups.items()]


def region_choices(regions, top_depth: int) -> list[tuple[int, str]]:
    """Regions in tree order, each indented by its depth below ``top_depth``."""
    return [(r.pk, "\u00a0" * 3 * max(r.level_depth - top_depth, 0) + r.name) for r in regions]


class ChoiceOf(forms.TypedChoiceField):
    """A choice among given rows (by id) that cleans to the row itself; an id that is not
    among them — typed by hand, or out of the user's scope — is an invalid choice."""

    def __init__(self, *, label, invalid, **kwargs):
        super().__init__(
            label=label,
            coerce=int,
            empty_value=None,
            error_messages={"required": invalid, "invalid_choice": invalid},
            **kwargs,
        )
        self.rows: dict[int, object] = {}

    def offer(self, rows, choices: list) -> None:
        self.rows = {row.pk: row for row in rows}
        self.choices = choices

    def clean(self, value):
        pk = super().clean(value)
        return self.rows.get(pk) if pk is not None else None


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
        if households is None:
            del self.fields["household"]
        else:
            self.fields["household"].required_mark = True

    def chosen_item(self):
        """The service picked (posted, or asked for with ``?item=``), for the type-ahead."""
        value = self["item"].value()
        return self.items.get(int(value)) if str(value or "").isdigit() else None

    def chosen_household(self):
        """The household picked for a proxy order, for the type-ahead (scoped rows only)."""
        if self.households is None or "household" not in self.fields:
            return None
        value = str(self["household"].value() or "").strip()
        return self._household(value) if value else None

    def _household(self, value: str):
        assert self.households is not None
        if value.isdigit() and len(value) < 19:
            found = self.households.filter(pk=int(value)).first()
            if found is not None:
                return found
        return self.households.filter(code=value).first()

    def clean_item(self):
        value = self.cleaned_data["item"]
        if value is not None and value not in self.items:
            raise forms.ValidationError(_("请从列表中选择服务事项。"))
        return self.items.get(value) if value is not None else None

    def clean_household(self) -> Household | None:
        value = (self.cleaned_data.get("household") or "").strip()
        if not value:
            raise forms.ValidationError(_("请选择为哪一户办理。"))
        found = self._household(value)
        if found is not None:
            return found
        raise forms.ValidationError(_("找不到该农户，请按户主姓名、户编号或住址查找后选择。"))

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
    note = forms.CharField(
        label=_("办理结果"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note.required_mark = True  # the domain refuses a finish without a result
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
    q = forms.CharField(label=_("搜索"), required=False, max_length=100)
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


# --- service centres, the routing table, catalogue items (admins) -------------------------


class CentreForm(forms.Form):
    """A service centre's facts and its proxy services (代办事项: checkboxes over the county's
    active catalogue, shown by category); the windows are ``WindowFormSet`` beside it."""

    region = ChoiceOf(label=_("所在区划"), invalid=_("请从列表中选择区划。"))
    name = forms.CharField(
        label=_("名称"), max_length=100, error_messages={"required": _("请填写服务中心名称。")}
    )
    code = forms.CharField(
        label=_("编码"), max_length=32, error_messages={"required": _("请填写服务中心编码。")}
    )
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    opening_hours = forms.CharField(
        label=_("开放时间"),
        max_length=200,
        required=False,
        help_text=_("例如：周一至周五 8:30-12:00，14:30-17:30"),
    )
    desk_count = forms.IntegerField(
        label=_("便民咨询台"),
        initial=1,
        error_messages={
            "required": _("请填写便民咨询台数量。"),
            "invalid": _("请填写整数。"),
        },
    )
    proxy_items = forms.TypedMultipleChoiceField(
        label=_("代办事项"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("请从本旗县服务目录中选择代办事项。")},
    )

    def __init__(self, data=None, *, items, regions: list[Region] | None = None, top_depth=0, **kw):
        super().__init__(data, **kw)
        if regions is None:  # a centre stays where it is: no region to choose when editing
            del self.fields["region"]
        else:
            fields: dict = self.fields
            fields["region"].offer(regions, region_choices(regions, top_depth))
        self.items = {item.pk: item for item in items}
        self.fields["proxy_items"].choices = [(item.pk, item.name) for item in items]
        self.categories: dict[str, list[int]] = {}
        for item in items:
            self.categories.setdefault(item.category.name, []).append(item.pk)

    def clean_proxy_items(self) -> list[ServiceItem]:
        return [self.items[pk] for pk in self.cleaned_data["proxy_items"]]

    def proxy_groups(self) -> list[tuple[str, list, int]]:
        """(category, its checkboxes, how many are ticked), for one ``<details>`` each."""
        boxes = {str(box.data["value"]): box for box in self["proxy_items"]}
        groups = []
        for category, pks in self.categories.items():
            group = [boxes[str(pk)] for pk in pks]
            groups.append((category, group, sum(1 for box in group if box.data["selected"])))
        return groups

    def centre_input(self, windows: "WindowFormSet") -> CentreInput:
        data = self.cleaned_data
        return CentreInput(
            name=data["name"],
            code=data["code"],
            address=data["address"],
            phone=data["phone"],
            opening_hours=data["opening_hours"],
            desk_count=data["desk_count"],
            windows=windows.windows(),
            proxy_items=data["proxy_items"],
        )


class WindowForm(forms.Form):
    """One service window (办事服务窗口); a row left blank is no window."""

    position = forms.IntegerField(
        label=_("序号"),
        required=False,
        min_value=1,
        max_value=99,
        error_messages={"invalid": _("请填写整数。")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    name = forms.CharField(label=_("窗口名称"), max_length=100, required=False)
    handles = forms.CharField(label=_("办理业务"), max_length=200, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("handles", "").strip() and not cleaned.get("name", "").strip():
            self.add_error("name", _("请填写窗口名称。"))
        return cleaned


class BaseWindowFormSet(forms.BaseFormSet):
    def windows(self) -> list[tuple[str, str]]:
        """The windows kept, in the order of their numbers (rows without one at the end, as
        listed): (name, what it handles)."""
        rows = []
        for index, form in enumerate(self.forms):
            data = form.cleaned_data
            if not data or self._should_delete_form(form):
                continue
            if not (data.get("name") or "").strip():
                continue
            rows.append((data.get("position") or 1000, index, data["name"], data["handles"]))
        return [(name, handles) for _position, _index, name, handles in sorted(rows)]


WindowFormSet = forms.formset_factory(
    WindowForm, formset=BaseWindowFormSet, extra=2, can_delete=True, max_num=50
)


def window_initial(centre) -> list[dict]:
    return [
        {"position": w.position, "name": w.name, "handles": w.handles} for w in centre.windows.all()
    ]


class RouteForm(forms.Form):
    """One rule of the routing table: for this place and item, propose this unit."""

    region = ChoiceOf(label=_("区划"), invalid=_("请从列表中选择区划。"))
    item = ChoiceOf(label=_("服务事项"), invalid=_("请从列表中选择服务事项。"))
    unit = ChoiceOf(label=_("承办单位"), invalid=_("请从列表中选择承办单位。"))

    def __init__(self, data=None, *, regions, top_depth: int, items, units, **kwargs):
        super().__init__(data, **kwargs)
        fields: dict = self.fields
        fields["region"].offer(regions, region_choices(regions, top_depth))
        fields["item"].offer(items, item_choices(items, blank=_("请选择服务事项")))
        fields["unit"].offer(units, [("", _("请选择承办单位")), *[(u.pk, u.name) for u in units]])


class ItemForm(forms.Form):
    """A catalogue item's ``ItemInput`` fields; the code is the item's identity (also to
    Open311 clients) and is shown, not changed."""

    code = forms.CharField(label=_("事项编码"), disabled=True, required=False)
    name = forms.CharField(
        label=_("事项名称"), max_length=150, error_messages={"required": _("事项名称必填。")}
    )
    category = ChoiceOf(label=_("类别"), invalid=_("请从列表中选择类别。"))
    kind = forms.ChoiceField(label=_("事项类型"), choices=ServiceItem.Kind.choices)
    handling_level = forms.ChoiceField(label=_("办理层级"), choices=Level.choices)
    time_limit_days = forms.IntegerField(
        label=_("办理时限（天）"),
        error_messages={
            "required": _("请填写办理时限。"),
            "invalid": _("办理时限请填写整数天数。"),
        },
    )
    materials = forms.CharField(
        label=_("申请材料"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    active = forms.BooleanField(label=_("启用"), required=False)

    def __init__(self, data=None, *, categories: list[ServiceCategory], **kwargs):
        super().__init__(data, **kwargs)
        fields: dict = self.fields
        fields["category"].offer(categories, [(c.pk, c.name) for c in categories])

    def item_input(self, code: str) -> ItemInput:
        data = self.cleaned_data
        return ItemInput(
            code=code,
            name=data["name"],
            category=data["category"],
            kind=data["kind"],
            handling_level=data["handling_level"],
            time_limit_days=data["time_limit_days"],
            materials=data["materials"],
            description=data["description"],
            active=data["active"],
        )
