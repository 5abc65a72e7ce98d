"""Who hears of a report's step: submitted → its reviewers (``access.reviewers_of``);
returned, approved, reopened → the holder of the post that carries it (and who submitted
it). A lock is told in the day's one reminder of each person
(schedules.reminders.locked_report_items), not here."""

from django.urls import reverse

from notifications.services import notify
from responsibilities import access

from .models import ReportEvent

Action = ReportEvent.Action
TEMPLATES = {
    Action.SUBMIT: "report_submitted",
    Action.RETURN: "report_returned",
    Action.APPROVE: "report_approved",
    Action.REOPEN: "report_reopened",
    Action.WAIVE: "report_waived",
}


def recipients_for(report, action: str) -> list:
    """Who hears of ``action`` on ``report`` (None entries are dropped by the caller)."""
    if action == Action.SUBMIT:
        return access.reviewers_of(report)
    return [report.assignment.post.holder, report.responsible]


def recipients_of(event: ReportEvent) -> list:
    return recipients_for(event.report, event.action)


def told_about(report, action: str, actor) -> list:
    """The distinct people a step of ``actor`` notifies: what the confirmation names."""
    people, seen = [], set()
    for person in recipients_for(report, action):
        if person is None or person.pk in seen or person.pk == actor.pk or not person.is_active:
            continue
        seen.add(person.pk)
        people.append(person)
    return people


def report_event_notifications(event_id: int) -> None:
    """Queued on commit by every transition; creates notifications and queues e-mails."""
    event = (
        ReportEvent.objects.select_related(
            "actor",
            "report__period",
            "report__assignment__duty",
            "report__assignment__post__holder",
            "report__responsible",
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.action not in TEMPLATES:
        return
    others = [person for person in recipients_of(event) if person is not None and person != event.actor]
    report = event.report
    notify(
        recipients=others,
        kind=f"report_{event.action}",
        template=TEMPLATES[event.action],
        context={"event": event, "report": report, "duty": report.assignment.duty, "unit": report.unit},
        url=reverse("assessments:report", args=[report.pk]),
    )
