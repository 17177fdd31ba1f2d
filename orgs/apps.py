from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "组织与人员"

    def ready(self) -> None:
        from orgs import scope_rules  # noqa: F401
