from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from accounts.navigation import register_badge
        from core import demo, links
        from responsibilities import access

        from .demo import demo_step
        from .permissions import report_links_open

        # 待审核 (n) beside a leader's "To review" (UX.md).
        register_badge("assessments:review_queue", _waiting_for_review)
        demo.register("reports", demo_step, order=50)
        # Which links to reports and unit pages open for a person (notifications list).
        links.register("assessments:report", report_links_open)
        links.register("assessments:unit", access.unit_links_open)


def _waiting_for_review(user) -> int:
    """The submitted reports this person may review."""
    from .models import Report
    from .permissions import reviewable_by

    return reviewable_by(user).filter(state=Report.State.SUBMITTED).count()
