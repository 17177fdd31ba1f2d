"""Forms that parse the list filters; a bad value is reported, never silently dropped."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.scope import get_for_user, visible
from core.idnumbers import has_valid_check_character
from orgs.domain import registration
from orgs.domain.registration import hidden_holders, visible_holder
from orgs.models import CommitteePost, Grid, Household, Member, Organization, Region
from orgs.scope_rules import manageable_organizations

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

    q = forms.CharField(label=_("户主/户编号/住址"), required=False, max_length=50)
    region = forms.IntegerField(label=_("区划"), required=False, widget=forms.HiddenInput)
    grid = forms.IntegerField(
        label=pgettext_lazy("singular", "网格"), required=False, widget=forms.HiddenInput
    )
    liaison = forms.ChoiceField(
        label=_("联系党员"),
        required=False,
        choices=[ALL, ("yes", _("已安排")), ("no", _("未安排"))],
    )


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IdNumberField(forms.CharField):
    """An 18-character resident ID number with a valid GB 11643 check character."""

    def clean(self, value):
        value = super().clean(value).strip().upper()
        if value and not has_valid_check_character(value):
            raise forms.ValidationError(
                _("身份证号应为 18 位且校验位正确，请核对：%(value)s"), params={"value": value}
            )
        return value


class MemberForm(forms.ModelForm):
    """Add or change a party member. The organization is one the user manages; the household
    is given by its code and must be one the user can see."""

    id_number = IdNumberField(label=_("身份证号"), max_length=18)
    household_code = forms.CharField(label=_("所在户编号"), required=False, max_length=32)

    class Meta:
        model = Member
        fields = [
            "name",
            "gender",
            "birth_date",
            "id_number",
            "phone",
            "education",
            "status",
            "joined_on",
            "organization",
            "is_mobile",
            "mobile_location",
            "is_in_service",
            "workplace",
        ]
        widgets = {"birth_date": DATE, "joined_on": DATE}

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organization"].queryset = manageable_organizations(user).order_by("path")
        if self.instance.household_id:
            self.initial["household_code"] = self.instance.household.code

    def clean_id_number(self):
        """A duplicate the user may see is named; one outside the scope gets the neutral
        answer of ``orgs.domain.registration`` (and an audit entry)."""
        number = self.cleaned_data["id_number"]
        held = visible_holder(self.user, number, exclude_pk=self.instance.pk)
        if held is not None:
            raise forms.ValidationError(
                _("该身份证号已存在：%(organization)s的党员%(name)s。"),
                params={"organization": held.organization.name, "name": held.name},
            )
        if hidden_holders(self.user, [number], exclude_pk=self.instance.pk):
            registration.record_refusal(self.user, [number], "党员登记")
            raise forms.ValidationError(registration.HIDDEN_DUPLICATE)
        return number

    def validate_unique(self):
        """The ID number's uniqueness is checked by ``clean_id_number``, which says only what
        the user may know; Django's own check would tell "already exists" for any member."""
        exclude = self._get_validation_exclusions() | {"id_number"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)

    def clean_household_code(self):
        code = self.cleaned_data["household_code"].strip()
        if not code:
            return None
        household = visible(self.user, Household).filter(code=code).first()
        if household is None:
            raise forms.ValidationError(
                _("在您的管辖范围内找不到户编号“%(code)s”"), params={"code": code}
            )
        return household

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_mobile") and not cleaned.get("mobile_location"):
            self.add_error("mobile_location", _("流动党员请填写外出地点。"))
        return cleaned

    def changes(self) -> dict:
        """The model values to hand to the domain function."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["household"] = self.cleaned_data["household_code"]
        return data


class HouseholdForm(forms.ModelForm):
    """Add or change a household: in a grid the user manages, with an optional liaison
    member given by ID number."""

    head_id_number = IdNumberField(label=_("户主身份证号"), max_length=18, required=False)
    liaison_id_number = forms.CharField(label=_("联系党员身份证号"), required=False, max_length=18)

    class Meta:
        model = Household
        fields = ["code", "head_name", "head_id_number", "phone", "address", "size", "grid"]

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["grid"].queryset = visible(user, Grid, write=True).order_by(
            "region_path", "code"
        )
        if self.instance.liaison_id:
            self.initial["liaison_id_number"] = self.instance.liaison.id_number

    def clean_liaison_id_number(self):
        number = self.cleaned_data["liaison_id_number"].strip().upper()
        if not number:
            return None
        liaison = visible(self.user, Member).filter(id_number=number).first()
        if liaison is None:
            raise forms.ValidationError(_("在您的管辖范围内找不到该党员。"))
        return liaison

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["liaison"] = self.cleaned_data["liaison_id_number"]
        return data


class CommitteePostForm(forms.ModelForm):
    """One person's posts in a village's two committees for a term (entered after each
    election; a post that ends gets its end date rather than being deleted)."""

    class Meta:
        model = CommitteePost
        fields = [
            "name",
            "gender",
            "birth_date",
            "education",
            "is_party_member",
            "party_post",
            "villagers_post",
            "term_start",
            "term_end",
        ]
        widgets = {"birth_date": DATE, "term_start": DATE, "term_end": DATE}

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("party_post") and not cleaned.get("villagers_post"):
            raise forms.ValidationError(_("请至少填写一个职务。"))
        start, end = cleaned.get("term_start"), cleaned.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("任期结束不能早于任期开始。"))
        return cleaned
