"""What other apps' pages offer about rectifications and notices, without importing oversight.

``{% report_rectifications report %}``: what the report page offers about rectifications.

Used by ``templates/oversight/_report_actions.html``, which the report page includes with
``report`` in its context: the rectifications already raised on the report, and, for those
who may, the buttons to raise one or to issue a supervision notice about it.
"""

from django import template

from oversight import permissions

register = template.Library()


@register.inclusion_tag("oversight/_report_rectifications.html", takes_context=True)
def report_rectifications(context, report):
    user = context["request"].user
    return {
        "report": report,
        "rectifications": list(permissions.report_rectifications_visible_to(user, report)),
        "can_raise": permissions.can_raise(user, report.unit),
        "can_issue": permissions.can_issue(user),
    }


@register.simple_tag(takes_context=True)
def may_raise(context, unit) -> bool:
    """``{% may_raise unit as can_raise %}``: whether the person may raise a rectification on
    ``unit`` (an appraisal finding's page offers it)."""
    return permissions.can_raise(context["request"].user, unit)
