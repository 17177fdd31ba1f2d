"""Forms that parse the list filters; a bad value is reported, never silently dropped."""

from django import forms

from orgs.models import Member


class MemberFilterForm(forms.Form):
    q = forms.CharField(label="姓名/证件号后四位", required=False, max_length=50)
    region = forms.IntegerField(label="区划", required=False, widget=forms.HiddenInput)
    organization = forms.IntegerField(label="党组织", required=False, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label="党员类别", required=False, choices=[("", "全部"), *Member.Status.choices]
    )
    kind = forms.ChoiceField(
        label="党员类型",
        required=False,
        choices=[("", "全部"), ("mobile", "流动党员"), ("in_service", "在职党员")],
    )


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(label="户主/户编号", required=False, max_length=50)
    region = forms.IntegerField(label="区划", required=False, widget=forms.HiddenInput)
    grid = forms.IntegerField(label="网格", required=False, widget=forms.HiddenInput)
    liaison = forms.ChoiceField(
        label="联系党员",
        required=False,
        choices=[("", "全部"), ("yes", "已安排"), ("no", "未安排")],
    )
