"""The audit log: every write, every login and every view of unmasked personal data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditEntry(models.Model):
    """One audited event. ``region_path`` places it in the tree so that admins see the
    entries of their own subtree only; ``changes`` maps a field to ``[old, new]``."""

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        IMPORT = "import", _("导入")
        EXPORT = "export", _("导出")
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKOUT = "lockout", _("登录锁定")
        VIEW_PERSONAL_DATA = "view_personal_data", _("查看个人信息")
        PASSWORD_CHANGE = "password_change", _("修改密码")
        PASSWORD_RESET = "password_reset", _("重置密码")
        DEACTIVATE = "deactivate", _("停用账号")
        REACTIVATE = "reactivate", _("启用账号")
        REFUSED = "refused", _("拒绝登记")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    actor_name = models.CharField(_("操作人账号"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=24, choices=Action.choices)
    model = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    changes = models.JSONField(_("变更内容"), default=dict, blank=True)
    region_path = models.CharField(max_length=255, blank=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("singular", "审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["region_path", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_action_display()} {self.object_repr}"

    @property
    def model_display(self) -> str:
        """The kind of object, as a person names it (the model's verbose name)."""
        from audit.labels import model_label

        return model_label(self.model)

    @property
    def change_lines(self) -> list[dict[str, str]]:
        """The changes with field labels and state labels (see ``audit.labels``)."""
        from audit.labels import change_lines

        return change_lines(self.model, self.changes)
