"""Thin tasks over the appraisal services; beat runs them (schedules.beat)."""

from celery import shared_task

from .services import empty_ballot_box


@shared_task(name="appraisals.empty_ballot_boxes", acks_late=True)
def empty_ballot_boxes() -> int:
    """Count the sealed sheets waiting in open rounds' ballot boxes, three voters or more at a time."""
    return empty_ballot_box()
