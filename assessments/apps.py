from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from accounts.navigation import register_badge, register_condition
        from core import demo, links
        from responsibilities import access

        from .demo import demo_step
        from .permissions import report_links_open
        from .tasking import task_links_open

        # 待审核 (n) beside a leader's "To review" (UX.md).
        register_badge("assessments:review_queue", _waiting_for_review)
        # 我的责任 for whoever carries a post: leaders, the supervisor and admins too (UX.md).
        register_condition("assessments:my_reports", _carries_duties)
        # 我的党建联系点 for whoever holds a unit's liaison post now (issue 12, item 10).
        register_condition("assessments:my_liaisons", access.holds_liaison_post)
        demo.register("reports", demo_step, order=50)
        # Which links to reports and unit pages open for a person (notifications list).
        links.register("assessments:report", report_links_open)
        links.register("assessments:unit", access.unit_links_open)
        links.register("assessments:task", task_links_open)


def _waiting_for_review(user) -> int:
    """The submitted reports this person may review (none of a closed period)."""
    from .selectors import waiting_count

    return waiting_count(user)


def _carries_duties(user) -> bool:
    """Whether 我的责任 is for this person: a secretary (who learns there how to get a
    post, if they have none) or anyone who carries a post's duties."""
    from accounts import roles
    from responsibilities import access

    return roles.has_role(user, roles.SECRETARY) or bool(access.carried_post_ids(user))
