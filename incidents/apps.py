from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("网格事件")

    def ready(self) -> None:
        from incidents import scope_rules  # noqa: F401  (registers the scope rules)
