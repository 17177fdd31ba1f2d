from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = _("组织与人员")

    def ready(self) -> None:
        from orgs import scope_rules  # noqa: F401
