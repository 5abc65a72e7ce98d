"""The measuring instruments of `make bench` run, at a tiny scale, and say what they should
(the figures themselves are taken by `make bench`, never asserted on timings here)."""

import pytest
from django.contrib.auth.hashers import get_hasher
from django.core import mail

from bench import data
from bench.registry import Context, run_all
from notifications.models import Notification
from tests.services import need_postgres

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def figures_of(lines: list[str]) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in lines)


def test_every_measurement_runs_and_reports_its_figures(settings, tmp_path, monkeypatch):
    need_postgres()
    settings.MEDIA_ROOT = str(tmp_path)
    # As under `make bench` (bench/settings.py): tasks are queued to nowhere, so the bench's
    # own delivery of the reminders' e-mails is what sends them, and no hearing pack is built
    # nor audit anchor written.
    monkeypatch.setattr("notifications.services.queue_emails", lambda ids, recipients=None, paired=False: None)
    monkeypatch.setattr("schedules.jobs.queue_hearing_pack", lambda period_id: None)
    monkeypatch.setattr("schedules.jobs.queue_audit_anchor", lambda period_id: None)
    made = data.generate(seed=7, units=6, per_unit=4, leaders=2, admins=1)
    options = {"rps_seconds": 0.4, "rps_warmup": 0.1, "runs": 2, "web_workers": 1, "transition_seconds": 0.5}
    lines: list[str] = []
    run_all(Context(seed=7, data=made, options=options), out=lines.append)
    figures = figures_of(lines)
    print("\n".join(line for line in lines if line.startswith("step_")))

    assert figures["period_open_reports"] == "24"
    # Reminders: one notification per person, each once, every e-mail at the SMTP server.
    assert figures["send_reminders_people"] == "6"
    assert figures["send_reminders_each_once"] == "yes"
    assert figures["send_reminders_again_people"] == "0"
    assert figures["reminder_emails_sent"] == figures["reminder_emails_delivered"] == "6"
    assert mail.outbox == []  # delivered over SMTP, not to the test outbox
    # Ten periods of history, stored scores for the nine closed ones.
    assert figures["reports_total"] == str(24 * 10)
    assert int(figures["score_lines_total"]) >= 24 * 9
    assert Notification.objects.filter(kind="deadline_reminder").count() >= 6 * 10
    # Every hot page: timed, its queries counted, its time split, and served by gunicorn.
    for page in ("secretary_home", "report", "review_queue", "unit", "dashboard", "notifications"):
        assert int(figures[f"{page}_queries"]) > 0, page
        shares = [float(figures[f"profile_{page}_{part}_share"]) for part in ("sql", "template", "other")]
        assert all(0 <= share <= 1 for share in shares), (page, shares)
        assert abs(sum(shares) - 1) < 0.05, (page, shares)
        assert int(figures[f"profile_{page}_model_instances"]) > 0, page
        assert float(figures[f"rps_{page}"]) > 0, page
        assert f"rps_{page}_not_200" not in figures, page  # a lost session would show here
        assert float(figures[f"rps_ratio_{page}_to_trivial"]) > 0, page
    assert float(figures["rps_trivial"]) > 0
    # A sign-in's hashing, Mingze's hasher beside Django's default.
    assert figures["password_hasher"] == get_hasher().algorithm  # the first of PASSWORD_HASHERS
    assert float(figures["password_check_ms_pbkdf2_default"]) > 0 and float(figures["sign_ins_per_core_second"]) > 0
    assert figures["secretary_home_url"] != "/"
    # Sixteen reviewers at once, with the audit chain and without it.
    assert float(figures["transitions_per_second_16"]) >= 0
    assert "transitions_per_second_16_without_chain" in figures and "audit_chain_cost" in figures
    # The dashboard and its export; the close.
    assert int(figures["dashboard_queries"]) > 0
    assert float(figures["excel_export_peak_rss_mb"]) > 0
    assert figures["close_and_score_closed"] == "yes"
    assert figures["scored_units"] == "6"
