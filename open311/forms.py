"""The form of the API-key page. It parses; ``open311.domain.keys`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from open311.scope_rules import managed_counties


class KeyForm(forms.Form):
    county = forms.ModelChoiceField(
        label=_("旗县"), queryset=None, empty_label=None, required=False
    )
    client_name = forms.CharField(label=_("客户端名称"), max_length=100)
    contact = forms.CharField(label=_("联系方式"), max_length=200, required=False)

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        counties = managed_counties(user).order_by("path")
        self.fields["county"].queryset = counties
        self.only_county = counties[0] if len(counties) == 1 else None
        if self.only_county is not None:
            self.fields["county"].widget = forms.HiddenInput()
            self.fields["county"].initial = self.only_county.pk

    def clean_county(self):
        """An admin of one county issues for it without choosing."""
        county = self.cleaned_data.get("county") or self.only_county
        if county is None:
            raise forms.ValidationError(_("请选择旗县。"))
        return county
