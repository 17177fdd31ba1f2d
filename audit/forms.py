from django import forms
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AuditEntry.Action.choices]
    )
    actor = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    since = forms.DateField(
        label=_("起始日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("请输入有效日期，如 2026-11-01。")},
    )
