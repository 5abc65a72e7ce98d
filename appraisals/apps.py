from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalsConfig(AppConfig):
    name = "appraisals"
    verbose_name = _("Appraisal of branch secretaries")

    def ready(self):
        # Which links to 述职 reports and results open for a person (notifications list).
        from responsibilities import access

        from .permissions import appraisee_links_open, can_view_report, can_view_result

        access.register_link("appraisals:report", appraisee_links_open(can_view_report))
        access.register_link("appraisals:result", appraisee_links_open(can_view_result))
