from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "open311"
    verbose_name = _("Open311 接口")

    def ready(self) -> None:
        from open311 import scope_rules  # noqa: F401
