"""What someone who can write the database cannot do unseen (issue 11, item 8): the links
are keyed with HMAC under AUDIT_KEY, which the database does not hold; the heads of the
chains are anchored in a file outside it (and e-mailed to the supervisors); and
``verify_audit`` reads one snapshot, so writes going on beside it are no false breaks."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection

from assessments import services
from assessments.models import Report, ReportEvent
from audit import anchors
from audit.chain import chain_name, content_hash, rechain, verify
from audit.models import AuditLink, ChainHead
from tests.services import need_postgres

pytestmark = [pytest.mark.postgres]


# The security log (accounts.SecurityEvent) keeps a chain of its own beside the units'.
SECURITY = "security"


def report_chains() -> set[str]:
    return set(AuditLink.objects.exclude(organization=SECURITY).values_list("organization", flat=True))


def plain(organization, sequence, content, previous):
    """The pre-HMAC link hash: what anyone can recompute without the key."""
    return hashlib.sha256(f"{organization}|{sequence}|{content}|{previous}".encode()).hexdigest()


def run_trail(cast, period, n=6):
    """Submit and approve ``n // 2`` reports of unit A: ``n`` events, ``n`` links."""
    ids = list(
        Report.objects.filter(period=period, unit=cast.unit_a, state=Report.State.DRAFT)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids[: n // 2]:
        services.submit_report(report_id=pk, actor=cast.secretary_a, content="开展专题学习")
        services.approve_report(report_id=pk, actor=cast.leader, grade="good")
    return list(ReportEvent.objects.order_by("id"))


def problems_text():
    return "\n".join(str(p) for p in verify()[1])


@pytest.mark.django_db
def test_links_are_keyed_and_the_key_is_not_in_the_database(cast, period, settings):
    need_postgres()
    run_trail(cast, period, n=2)
    assert verify()[1] == []
    link = AuditLink.objects.order_by("sequence").first()
    assert link.hash != plain(link.organization, link.sequence, link.content_hash, link.previous_hash)
    settings.AUDIT_KEY = "another-key-" + "x" * 40
    assert "link altered" in problems_text()


@pytest.mark.django_db
def test_an_edit_with_the_tail_and_head_recomputed_as_plain_sha256_is_found(cast, period):
    need_postgres()
    events = run_trail(cast, period)
    victim = events[1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE assessments_reportevent SET comment = %s WHERE id = %s", ["同意，成绩优秀", victim.pk])
    # The attacker rewrites the victim's link and every later one, then the head.
    link = AuditLink.objects.get(object_id=victim.pk)
    edited = ReportEvent.objects.get(pk=victim.pk)
    AuditLink.objects.filter(pk=link.pk).update(content_hash=content_hash(edited))
    previous = link.previous_hash
    for later in AuditLink.objects.filter(organization=link.organization, sequence__gte=link.sequence).order_by(
        "sequence"
    ):
        digest = plain(later.organization, later.sequence, later.content_hash, previous)
        AuditLink.objects.filter(pk=later.pk).update(previous_hash=previous, hash=digest)
        previous = digest
    ChainHead.objects.filter(organization=link.organization).update(hash=previous)
    found = problems_text()
    assert f"#{link.sequence}: link altered" in found, found
    with pytest.raises(CommandError):
        call_command("verify_audit")


@pytest.mark.django_db
def test_the_newest_three_links_deleted_and_the_head_rewound_are_found_by_the_anchor(cast, period):
    need_postgres()
    events = run_trail(cast, period)
    anchor = anchors.write_anchor(reason="test")
    assert verify()[1] == []
    newest = events[-3:]
    keep = AuditLink.objects.get(object_id=events[-4].pk)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditlink WHERE object_id = ANY(%s)", [[e.pk for e in newest]])
        cursor.execute("DELETE FROM assessments_reportevent WHERE id = ANY(%s)", [[e.pk for e in newest]])
        cursor.execute(
            "UPDATE audit_chainhead SET sequence = %s, hash = %s WHERE organization = %s",
            [keep.sequence, keep.hash, keep.organization],
        )
    found = problems_text()
    anchored = anchor["chains"][chain_name(keep.province_id, keep.organization)]["sequence"]
    assert anchored == keep.sequence + 3
    assert f"{keep.organization}#{anchored}: " in found and "anchor" in found, found


@pytest.mark.django_db
def test_a_row_inserted_by_sql_is_found(cast, period):
    need_postgres()
    events = run_trail(cast, period, n=2)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO assessments_reportevent"
            " (report_id, province_id, actor_id, at, action, from_state, to_state, comment)"
            " VALUES (%s, %s, %s, now(), 'approve', 'submitted', 'approved', '') RETURNING id",
            [events[0].report_id, events[0].province_id, cast.leader.pk],
        )
        (new_id,) = cursor.fetchone()
    assert f"assessments.ReportEvent {new_id} was added outside the application" in problems_text()


@pytest.mark.django_db
def test_an_anchor_is_one_appended_json_line_mailed_to_the_supervisors(cast, period, settings):
    run_trail(cast, period, n=2)
    first = anchors.write_anchor(reason="daily")
    run_trail(cast, period, n=4)
    second = anchors.write_anchor(reason="daily")
    lines = anchors.anchor_file().read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [first, second]
    assert anchors.newest_anchor() == second
    (name,) = [chain for chain in second["chains"] if chain != f"0:{SECURITY}"]
    head = ChainHead.objects.exclude(organization=SECURITY).get()
    assert name == chain_name(head.province_id, head.organization) == f"{head.province_id}:{head.organization}"
    assert second["chains"][name] == {"sequence": head.sequence, "hash": head.hash}
    to_supervisor = [m for m in mail.outbox if cast.supervisor.email in m.to]
    assert len(to_supervisor) == 2 and head.hash in to_supervisor[-1].body
    assert all(cast.leader.email not in m.to for m in mail.outbox if head.hash in m.body)


@pytest.mark.django_db
def test_a_forged_anchor_line_is_refused(cast, period):
    run_trail(cast, period, n=2)
    anchor = anchors.write_anchor(reason="daily")
    forged = dict(anchor, chains={k: {"sequence": 1, "hash": "0" * 64} for k in anchor["chains"]})
    with anchors.anchor_file().open("a", encoding="utf-8") as out:
        out.write(json.dumps(forged) + "\n")
    assert "anchor" in problems_text()


@pytest.mark.django_db
def test_the_daily_anchor_is_on_the_beat_and_each_close_anchors(cast, period, django_capture_on_commit_callbacks):
    from schedules.beat import SCHEDULE
    from schedules.jobs import close_period

    assert any(entry.task == "audit.write_anchor" for entry in SCHEDULE)
    run_trail(cast, period, n=2)
    with django_capture_on_commit_callbacks(execute=True):
        close_period(period_id=period.pk)
    newest = anchors.newest_anchor()
    assert newest is not None and newest["reason"] == f"close:{period.pk}"
    (told,) = [m for m in mail.outbox if cast.supervisor.email in m.to]
    assert f"{period}结束考核" in told.body and "审计链" in told.subject  # in the supervisor's language


def make_plain(organization):
    """Turn today's keyed chain back into a release's plain SHA-256 chain."""
    previous = "0" * 64
    for link in AuditLink.objects.filter(organization=organization).order_by("sequence"):
        digest = plain(organization, link.sequence, link.content_hash, previous)
        AuditLink.objects.filter(pk=link.pk).update(previous_hash=previous, hash=digest)
        previous = digest
    ChainHead.objects.filter(organization=organization).update(hash=previous)


@pytest.mark.django_db
def test_the_upgrade_rekeys_plain_chains_and_chains_earlier_events(cast, period):
    events = run_trail(cast, period, n=6)
    (organization,) = report_chains()
    make_plain(organization)
    # The events before the chain existed: their links were never made.
    AuditLink.objects.filter(object_id__in=[e.pk for e in events[4:]]).delete()
    ChainHead.objects.filter(organization=organization).update(
        sequence=4, hash=AuditLink.objects.get(organization=organization, sequence=4).hash
    )
    assert verify()[1] != []
    assert rechain(out=lambda line: None) == (4, 2)
    assert verify() == (6 + AuditLink.objects.filter(organization=SECURITY).count(), [])
    assert rechain(out=lambda line: None) == (0, 0)  # a second run changes nothing


@pytest.mark.django_db
def test_the_upgrade_never_launders_a_broken_plain_chain(cast, period):
    events = run_trail(cast, period, n=4)
    (organization,) = report_chains()
    make_plain(organization)
    AuditLink.objects.filter(sequence=3).update(content_hash="f" * 64)  # tampered before the upgrade
    said = []
    assert rechain(out=said.append) == (2, 0)
    assert "#3 does not verify" in said[0]
    assert f"{organization}#3: link altered" in problems_text()
    assert len(events) == 4


@pytest.mark.django_db(transaction=True)
def test_verify_passes_while_transitions_are_being_written(cast, period):
    need_postgres()
    units = (cast.unit_a.pk, cast.unit_b.pk)
    ids = list(Report.objects.filter(period=period, unit__in=units).order_by("pk").values_list("pk", flat=True))
    half = len(ids) // 2
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(chunk, secretary_unit):
        try:
            for pk in chunk:
                if stop.is_set():
                    break
                report = Report.objects.select_related("unit").get(pk=pk)
                secretary = cast.secretary_a if report.unit_id == cast.unit_a.pk else cast.secretary_b
                reviewer = cast.leader if report.unit_id == cast.unit_a.pk else cast.other_leader
                services.submit_report(report_id=pk, actor=secretary, content="已落实")
                services.approve_report(report_id=pk, actor=reviewer, grade="good")
        except BaseException as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(c, None)) for c in (ids[:half], ids[half:])]
    for thread in threads:
        thread.start()
    runs = 0
    try:
        while any(t.is_alive() for t in threads) and runs < 40:
            checked, problems = verify()
            assert problems == [], problems
            runs += 1
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert not errors, errors
    assert runs >= 2
    assert verify()[1] == []


@pytest.mark.django_db
def test_each_top_level_subtree_has_a_chain_of_its_own(cast, period):
    """One head per organization serialized every transition of the province (make bench:
    the lock cost more than a third of the throughput), so each subtree under the root —
    the 机关党委 with its branches, the 纪检监察组 — has a chain of its own."""
    run_trail(cast, period, n=2)
    report_b = Report.objects.filter(period=period, unit=cast.unit_b, state=Report.State.DRAFT).first()
    services.submit_report(report_id=report_b.pk, actor=cast.secretary_b, content="开展专题学习")
    chains = report_chains()
    assert chains == {cast.committee.path}
    import datetime

    from django.utils import timezone

    from oversight.services import issue_notice

    deadline = timezone.localdate() + datetime.timedelta(days=7)
    issue_notice(actor=cast.supervisor, unit=cast.party_group, subject="督办", body="请整改。", deadline=deadline)
    issue_notice(actor=cast.supervisor, unit=cast.discipline, subject="督办", body="请整改。", deadline=deadline)
    chains = report_chains()
    assert chains == {cast.committee.path, cast.party_group.path, cast.discipline.path}
    assert verify()[1] == []


@pytest.mark.django_db
def test_the_anchor_kept_from_the_email_catches_a_rewind_when_the_file_is_gone(cast, period, tmp_path, capsys):
    need_postgres()
    events = run_trail(cast, period)
    anchors.write_anchor(reason="daily")
    (message,) = [m for m in mail.outbox if cast.supervisor.email in m.to]
    (name, line, _mimetype) = message.attachments[0]
    kept = tmp_path / name
    kept.write_text(line, encoding="utf-8")
    # The writer rewinds the head by three links and removes the anchor file as well.
    keep = AuditLink.objects.get(object_id=events[-4].pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM audit_auditlink WHERE organization = %s AND sequence > %s", [keep.organization, keep.sequence]
        )
        cursor.execute("DELETE FROM assessments_reportevent WHERE id = ANY(%s)", [[e.pk for e in events[-3:]]])
        cursor.execute(
            "UPDATE audit_chainhead SET sequence = %s, hash = %s WHERE organization = %s",
            [keep.sequence, keep.hash, keep.organization],
        )
    anchors.anchor_file().unlink()
    call_command("verify_audit")
    assert "no anchor" in capsys.readouterr().err
    with pytest.raises(CommandError):
        call_command("verify_audit", "--anchor", str(kept))
    assert "newest links deleted" in capsys.readouterr().err
