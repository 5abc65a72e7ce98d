from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "oversight"
    verbose_name = _("Rectification and supervision")

    def ready(self):
        # Open rectifications and notices join the schedules' daily deadline reminders.
        from schedules.reminders import register_reminder_source

        from .reminders import oversight_reminder_items

        register_reminder_source(oversight_reminder_items)

        # Which links to rectifications and notices open for a person (notifications list).
        from responsibilities import access

        from .permissions import notice_links_open, rectification_links_open

        access.register_link("oversight:rectification", rectification_links_open)
        access.register_link("oversight:notice", notice_links_open)
