from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalsConfig(AppConfig):
    name = "appraisals"
    verbose_name = _("Appraisal of branch secretaries")

    def ready(self):
        from core import demo

        from .demo import demo_step

        demo.register("appraisals", demo_step, order=20)
