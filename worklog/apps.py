from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklogConfig(AppConfig):
    name = "worklog"
    verbose_name = _("Work records")

    def ready(self):
        from core import demo

        from .demo import demo_step

        # After this half-year's reports (50): the records the homes count.
        demo.register("work_records", demo_step, order=55)
