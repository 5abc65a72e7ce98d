"""The kernel's own promises: tasks are queued by their registered name (and run at once
in tests, where Celery is eager); demo steps run in their declared order."""

import pytest

from core import demo
from core.background import queue, task


@pytest.mark.django_db
def test_a_task_is_found_and_run_by_its_registered_name():
    assert task("notifications.send_pending_emails").name == "notifications.send_pending_emails"
    # Eager in tests: queueing runs it there and then (nothing is pending, so 0 sent).
    assert queue("notifications.send_pending_emails").get() == 0


def test_an_unknown_task_name_is_an_error_not_a_silent_loss():
    with pytest.raises(KeyError):
        task("nowhere.no_such_task")


def test_demo_steps_run_in_their_declared_order(monkeypatch):
    monkeypatch.setattr(demo, "STEPS", {})
    ran = []
    demo.register("later", lambda *, year: ran.append(("later", year)), order=20)
    demo.register("first", lambda *, year: demo.DemoOutcome(summary="made", people=["p"]), order=10)
    outcomes = demo.run(year=2026)
    assert [step.name for step in demo.steps()] == ["first", "later"]
    assert ran == [("later", 2026)]
    assert outcomes[0].summary == "made" and outcomes[0].people == ["p"] and outcomes[1].summary == ""
    assert [o.summary for o in demo.run(year=2026, only=["first"])] == ["made"]
    with pytest.raises(ValueError, match="order 10"):
        demo.register("clash", lambda *, year: None, order=10)


def test_every_app_with_a_demo_registers_its_step():
    assert [step.name for step in demo.steps()] == [
        "organization",
        "appraisals",
        "oversight",
        "history",
        "reports",
        "work_records",
        "handover",
        "honours",
    ]
