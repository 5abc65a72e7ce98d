from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalsConfig(AppConfig):
    name = "appraisals"
    verbose_name = _("Appraisal of branch secretaries")

    def ready(self):
        from core import demo, links

        from .demo import demo_step
        from .permissions import appraisee_links_open, can_view_report, can_view_result

        demo.register("appraisals", demo_step, order=20)
        # Which links to 述职 reports and results open for a person (notifications list).
        links.register("appraisals:report", appraisee_links_open(can_view_report))
        links.register("appraisals:result", appraisee_links_open(can_view_result))
