from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        # Which links to reports and unit pages open for a person (notifications list).
        from responsibilities import access

        from .permissions import report_links_open

        access.register_link("assessments:report", report_links_open)
        access.register_link("assessments:unit", access.unit_links_open)
