from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from core.forms import install_input_rules
        from core.numbers import install_bounded_int_converter

        install_input_rules()
        install_bounded_int_converter()
