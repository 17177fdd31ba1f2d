"""Forms of the points pages: they parse and show errors beside their fields; the domain
decides (``points.domain``)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import PhotoField
from points.domain.proposals import MAX_TIMES
from points.domain.store import MAX_ADD_STOCK
from points.models import PointRule


class ProposeForm(forms.Form):
    """A batch: one rulebook item for several households of the grid (or members of them),
    or — for an item of the grid worker class — for the grid's worker."""

    households = forms.MultipleChoiceField(
        label=_("农户（群众、党员积分项目）"),
        widget=forms.CheckboxSelectMultiple,
        required=False,  # required for the items of households and members (the domain says)
    )
    rule = forms.ChoiceField(
        label=_("积分项目"), error_messages={"required": _("请选择积分项目。")}
    )
    occurred_on = forms.DateField(
        label=_("发生日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    times = forms.IntegerField(
        label=_("次数"),
        min_value=1,
        max_value=MAX_TIMES,
        initial=1,
        error_messages={
            "required": _("请填写次数。"),
            "invalid": _("次数应为整数。"),
            "min_value": _("次数至少为 1。"),
            "max_value": _("次数过多：一次采分最多 %(limit_value)s 次。"),
        },
    )
    member = forms.ChoiceField(label=_("党员（党员积分项目）"), required=False)
    grid = forms.ChoiceField(label=_("网格（网格员积分项目）"), required=False)
    person_name = forms.CharField(
        label=_("网格员姓名（网格员积分项目，默认为该网格的网格员账号）"),
        required=False,
        max_length=50,
    )
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photo = PhotoField(label=_("现场照片"), required=False)

    def __init__(self, *args, households, rules: list[PointRule], members, grids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].choices = [("", "—")] + [(str(g.pk), g.name) for g in grids]
        if len(grids) == 1:  # a grid worker's own grid
            self.fields["grid"].initial = str(grids[0].pk)
        self.fields["households"].choices = [
            (str(h.pk), f"{h.head_name}（{h.code}）") for h in households
        ]
        self.fields["rule"].choices = [("", "—")] + [
            (
                str(r.pk),
                f"{r.code} {r.name} · {r.get_applies_to_display()} · {r.points:+d}分/次",
            )
            for r in rules
        ]
        self.fields["member"].choices = [("", "—")] + [
            (str(m.pk), f"{m.name}（{m.household.head_name}户）") for m in members
        ]
        self.fields["occurred_on"].initial = timezone.localdate()


class RuleForm(forms.Form):
    code = forms.CharField(label=_("编号"), max_length=16)
    name = forms.CharField(label=_("项目"), max_length=100)
    category = forms.ChoiceField(label=_("类别"), choices=PointRule.Category.choices)
    points = forms.IntegerField(label=_("分值（每次）"))
    applies_to = forms.ChoiceField(label=_("适用人员"), choices=PointRule.AppliesTo.choices)
    evidence = forms.ChoiceField(label=_("佐证材料"), choices=PointRule.Evidence.choices)
    cap = forms.IntegerField(label=_("上限（分）"), required=False, min_value=1)
    cap_period = forms.ChoiceField(
        label=_("上限周期"), required=False, choices=[("", "—"), *PointRule.CapPeriod.choices]
    )


class ApproveRulebookForm(forms.Form):
    approved_on = forms.DateField(
        label=_("村民代表大会日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    in_force_from = forms.DateField(
        label=_("施行日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    assembly_minutes = forms.CharField(
        label=_("大会审议记录"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AssemblyForm(forms.Form):
    held_on = forms.DateField(
        label=_("大会日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    minutes = forms.CharField(label=_("大会记录"), widget=forms.Textarea(attrs={"rows": 3}))
    signed_by = forms.CharField(label=_("经办人"), required=False, max_length=50)


ADD_STOCK_ERRORS = {
    "required": _("请填写入库数量。"),
    "invalid": _("入库数量应为整数。"),
    "min_value": _("入库数量不能为负数。"),
    "max_value": _("入库数量过大：一次最多入库 %(limit_value)s 件。"),
}


class GoodsForm(forms.Form):
    name = forms.CharField(label=_("商品名称"), max_length=100)
    price = forms.DecimalField(label=_("价格（元）"), max_digits=10, decimal_places=2, min_value=0)
    add_stock = forms.IntegerField(
        label=_("入库数量"),
        min_value=0,
        max_value=MAX_ADD_STOCK,
        initial=0,
        error_messages=ADD_STOCK_ERRORS,
    )


class RestockForm(forms.Form):
    """One row of the shelf: pieces taken into stock."""

    add_stock = forms.IntegerField(
        label=_("入库数量"), min_value=0, max_value=MAX_ADD_STOCK, error_messages=ADD_STOCK_ERRORS
    )


class StoreForm(forms.Form):
    name = forms.CharField(label=_("超市名称"), max_length=100)
    points_per_yuan = forms.IntegerField(label=_("每元所需积分"), min_value=1)
    threshold = forms.IntegerField(label=_("兑换门槛（季度积分）"), min_value=0)
