from django import forms

from audit.models import AuditEntry


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label="操作", required=False, choices=[("", "全部"), *AuditEntry.Action.choices]
    )
    actor = forms.CharField(label="操作人账号", required=False, max_length=150)
    since = forms.DateField(
        label="起始日期",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入有效日期，如 2026-11-01。"},
    )
