from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("网格事件")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from incidents import scope_rules, todos  # noqa: F401  (registers the scope rules)

        post_migrate.connect(_builtin_states, sender=self)


def _builtin_states(sender, using: str = "default", apps=None, **kwargs) -> None:
    """After ``migrate`` or ``flush``: the built-in states (see ``catalogue.builtin``). Only
    once the states' table exists: ``migrate`` to an earlier migration sends this too."""
    if apps is not None:
        try:
            apps.get_model("incidents", "IncidentState")
        except LookupError:
            return
    from incidents.domain.catalogue import ensure_builtin_states

    ensure_builtin_states(using=using)
