from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码错误，请重新输入。"),
        "inactive": _("该账号已停用，请联系管理员。"),
    }
    username = forms.CharField(label=_("用户名"), max_length=150)
    password = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput)


class IssueForm(forms.Form):
    """One account: a role, its subject (chosen from a scoped search), and optionally a
    username and display name (derived from the subject when left blank)."""

    role = forms.ChoiceField(label=_("角色"))
    subject = forms.IntegerField(label=_("对象"), widget=forms.HiddenInput)
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        required=False,
        help_text=_("留空则按编码生成，如支部账号 b-组织代码、网格员 g-网格编码。"),
    )
    display_name = forms.CharField(
        label=_("显示名称"), max_length=100, required=False, help_text=_("留空则用对象名称。")
    )

    def __init__(self, *args, roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "---------"), *((r.value, r.label) for r in roles)]
        self.fields["subject"].error_messages["required"] = _("请先搜索并选择对象。")


class AccountFilterForm(forms.Form):
    STATUS = [("", _("全部")), ("active", _("启用")), ("inactive", _("停用"))]

    q = forms.CharField(label=_("姓名或用户名"), max_length=50, required=False)
    role = forms.ChoiceField(label=_("角色"), required=False)
    status = forms.ChoiceField(label=_("状态"), choices=STATUS, required=False)
    never = forms.BooleanField(label=_("从未登录"), required=False)
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        from accounts.models import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("全部")), *Role.choices]
