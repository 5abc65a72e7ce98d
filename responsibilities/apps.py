from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsibilitiesConfig(AppConfig):
    name = "responsibilities"
    verbose_name = _("Responsibilities")

    def ready(self):
        from core import demo

        from .demo import demo_step

        demo.register("organization", demo_step, order=10)
