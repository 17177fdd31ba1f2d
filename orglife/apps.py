from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrglifeConfig(AppConfig):
    name = "orglife"
    verbose_name = _("组织生活")

    def ready(self) -> None:
        from orglife import indicators, scope_rules, todos  # noqa: F401
