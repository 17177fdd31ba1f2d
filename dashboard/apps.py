from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The command centre (指挥中心): one place over every capability's indicators."""

    name = "dashboard"
    verbose_name = _("指挥中心")
