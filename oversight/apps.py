from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("Rectification and supervision")

    def ready(self):
        from core import demo
        from schedules.reminders import register_reminder_source

        from .demo import demo_step, handover_step
        from .reminders import oversight_reminder_items

        # Open rectifications and notices join the schedules' daily deadline reminders.
        register_reminder_source(oversight_reminder_items)
        demo.register("oversight", demo_step, order=30)
        demo.register("handover", handover_step, order=60)

        # Which links to rectifications and notices open for a person (notifications list).
        from core import links

        from .permissions import notice_links_open, rectification_links_open

        links.register("oversight:rectification", rectification_links_open)
        links.register("oversight:notice", notice_links_open)
