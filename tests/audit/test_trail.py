import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from assessments import services
from assessments.models import ReportEvent
from audit.chain import verify
from audit.models import AuditLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(cast, report_a):
    services.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="开展专题学习")
    services.return_report(report_id=report_a.pk, actor=cast.leader, comment="请补充材料")
    services.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="已补充")
    services.approve_report(report_id=report_a.pk, actor=cast.leader, grade="good")
    return list(report_a.events.order_by("id"))


def test_every_event_is_chained_and_the_chain_verifies(trail, capsys):
    # The security log (the cast's role grants) has a chain of its own beside the reports'.
    reports = AuditLink.objects.exclude(organization="security")
    assert reports.count() == len(trail) == 4
    assert list(reports.values_list("sequence", flat=True)) == [1, 2, 3, 4]
    call_command("verify_audit")
    assert f"{AuditLink.objects.count()} links checked" in capsys.readouterr().out


def test_an_event_edited_with_raw_sql_is_found(trail, capsys):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE assessments_reportevent SET comment = %s WHERE id = %s", ["同意", trail[1].pk])
    with pytest.raises(CommandError):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"#2: assessments.ReportEvent {trail[1].pk} edited" in err


def test_a_deleted_event_or_link_is_found(trail):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM assessments_reportevent WHERE id = %s", [trail[3].pk])
    _checked, problems = verify()
    assert [str(p).split(": ", 1)[1] for p in problems] == [f"assessments.ReportEvent {trail[3].pk} deleted"]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditlink WHERE sequence = 2")
    _checked, problems = verify()
    assert "link missing" in str(problems[0]) and "#2" in str(problems[0])


def test_an_event_slipped_in_outside_the_app_is_found(trail, cast):
    first = trail[0]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO assessments_reportevent"
            " (report_id, province_id, actor_id, at, action, from_state, to_state, comment)"
            " VALUES (%s, %s, %s, now(), 'approve', 'submitted', 'approved', '')",
            [first.report_id, first.province_id, cast.leader.pk],
        )
    _checked, problems = verify()
    assert any("added outside the application" in str(p) for p in problems)
    assert ReportEvent.objects.count() == 5


def test_supervision_notices_join_the_trail(cast):
    import datetime

    from django.utils import timezone

    from oversight.services import close_notice, issue_notice

    notice = issue_notice(
        actor=cast.supervisor,
        unit=cast.unit_a,
        subject="逾期未报",
        body="请于期限内补报。",
        deadline=timezone.localdate() + datetime.timedelta(days=7),
    )
    close_notice(notice_id=notice.pk, actor=cast.supervisor, comment="已办结")
    checked, problems = verify()
    assert problems == [] and checked == AuditLink.objects.count() >= 2
    with connection.cursor() as cursor:
        cursor.execute("UPDATE oversight_event SET comment = 'x' WHERE notice_id = %s", [notice.pk])
    assert any("oversight.Event" in str(p) and "edited" in str(p) for p in verify()[1])
