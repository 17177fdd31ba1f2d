from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("党群服务")

    def ready(self) -> None:
        from services import scope_rules, todos  # noqa: F401
