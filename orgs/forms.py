"""Forms that parse the list filters; a bad value is reported, never silently dropped."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scope import get_for_user
from orgs.models import Grid, Member, Organization, Region

ALL = ("", _("全部"))


class ScopedFilterForm(forms.Form):
    """A list filter whose node fields (``NODES``: field → model) arrive as ids and leave as
    rows fetched through the user's scope — an id outside it answers 404, like any page."""

    NODES: dict[str, type] = {}

    def __init__(self, data=None, *, user) -> None:
        super().__init__(data)
        self.user = user

    def clean(self):
        cleaned = super().clean()
        for name, model in self.NODES.items():
            pk = cleaned.get(name)
            cleaned[name] = get_for_user(self.user, model, pk) if pk else None
        return cleaned


class MemberFilterForm(ScopedFilterForm):
    NODES = {"region": Region, "organization": Organization}

    q = forms.CharField(label=_("姓名/证件号后四位"), required=False, max_length=50)
    region = forms.IntegerField(label=_("区划"), required=False, widget=forms.HiddenInput)
    organization = forms.IntegerField(
        label=pgettext_lazy("singular", "党组织"), required=False, widget=forms.HiddenInput
    )
    status = forms.ChoiceField(
        label=_("党员类别"), required=False, choices=[ALL, *Member.Status.choices]
    )
    kind = forms.ChoiceField(
        label=_("党员类型"),
        required=False,
        choices=[ALL, ("mobile", _("流动党员")), ("in_service", _("在职党员"))],
    )


class HouseholdFilterForm(ScopedFilterForm):
    NODES = {"region": Region, "grid": Grid}

    q = forms.CharField(label=_("户主/户编号"), required=False, max_length=50)
    region = forms.IntegerField(label=_("区划"), required=False, widget=forms.HiddenInput)
    grid = forms.IntegerField(
        label=pgettext_lazy("singular", "网格"), required=False, widget=forms.HiddenInput
    )
    liaison = forms.ChoiceField(
        label=_("联系党员"),
        required=False,
        choices=[ALL, ("yes", _("已安排")), ("no", _("未安排"))],
    )
