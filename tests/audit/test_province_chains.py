"""The audit chain per province (issue 16 item 5, docs/scale.md section 5): each chain is
one province's — its links and head carry the province, the head locked while a link is
added is that province's row, so two provinces never wait for each other — and the
chains written before the province still verify after the upgrade gave it to them."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from assessments import services
from assessments.models import Report, ReportEvent
from audit.chain import verify
from audit.models import NO_PROVINCE, AuditLink, ChainHead
from responsibilities.models import Unit
from tests.factories import UnitFactory
from tests.services import need_postgres

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def two_provinces(cast, period):
    """The 纪检监察组 on its own track, a root of its own (responsibilities migration 0005)."""
    Unit.objects.move(
        Unit.objects.get(pk=cast.discipline.pk), Unit.objects.get(pk=cast.party_group.pk), "sorted-sibling"
    )
    cast.discipline.refresh_from_db()
    assert cast.discipline.province_id == cast.discipline.pk != cast.party_group.pk
    return cast.party_group.pk, cast.discipline.pk


def submit(period, unit, n=1, actor=None):
    reports = Report.objects.filter(period=period, unit=unit, state=Report.State.DRAFT).order_by("pk")[:n]
    for report in list(reports):
        services.submit_report(report_id=report.pk, actor=actor or report.assignment.post.holder, content="已落实")


def chains() -> dict[tuple[int, str], list[int]]:
    found: dict = {}
    for province, organization, sequence in AuditLink.objects.exclude(organization="security").values_list(
        "province_id", "organization", "sequence"
    ):
        found.setdefault((province, organization), []).append(sequence)
    return {chain: sorted(sequences) for chain, sequences in found.items()}


@pytest.mark.django_db
def test_each_province_has_chains_of_its_own(cast, period, two_provinces):
    first, second = two_provinces
    submit(period, cast.unit_a, 2, cast.secretary_a)
    submit(period, cast.discipline, 2)
    assert chains() == {(first, cast.committee.path): [1, 2], (second, cast.discipline.path): [1, 2]}
    # Every link is in the province of its event, and so is its chain's head.
    for link in AuditLink.objects.exclude(organization="security"):
        assert link.province_id == ReportEvent.objects.get(pk=link.object_id).province_id
    heads = set(ChainHead.objects.values_list("province_id", "organization"))
    assert heads >= set(chains()) and (NO_PROVINCE, "security") in heads
    assert verify()[1] == []


@pytest.mark.django_db
def test_tampering_is_found_in_the_chain_of_its_province(cast, period, two_provinces):
    need_postgres()
    first, second = two_provinces
    submit(period, cast.unit_a, 2, cast.secretary_a)
    submit(period, cast.discipline, 2)
    victim = AuditLink.objects.get(province_id=second, sequence=2)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE assessments_reportevent SET comment = 'changed' WHERE id = %s", [victim.object_id])
    problems = verify()[1]
    assert [str(p) for p in problems] == [
        f"{second}:{cast.discipline.path}#2: assessments.ReportEvent {victim.object_id} edited"
    ]


@pytest.mark.django_db
def test_a_link_carried_into_another_province_breaks_its_chain(cast, period, two_provinces):
    """The province is not hashed (a link of before it still verifies), yet a link cannot be
    moved to another province unseen: its own chain misses it, the other one gains a stranger."""
    first, second = two_provinces
    submit(period, cast.unit_a, 2, cast.secretary_a)
    submit(period, cast.discipline, 2)
    AuditLink.objects.filter(province_id=first, sequence=1).update(province_id=second)
    text = "\n".join(str(p) for p in verify()[1])
    assert f"{first}:{cast.committee.path}#1: link missing (deleted)" in text


@pytest.mark.django_db
def test_a_unit_moved_to_another_tree_keeps_its_links_where_they_were_written(cast, period, two_provinces):
    """The chain is history: a branch moved to the other province writes its new events into
    that province's chain, its earlier links stay in the chain they were written in (they
    are not refilled with the rows that follow the unit), and both chains verify."""
    first, second = two_provinces
    submit(period, cast.unit_a, 1, cast.secretary_a)
    before = set(AuditLink.objects.exclude(organization="security").values_list("pk", "province_id", "organization"))
    Unit.objects.move(Unit.objects.get(pk=cast.unit_a.pk), Unit.objects.get(pk=cast.discipline.pk), "sorted-child")
    cast.unit_a.refresh_from_db()
    assert cast.unit_a.province_id == second
    assert ReportEvent.objects.filter(report__unit=cast.unit_a).values_list("province_id", flat=True).get() == second
    assert before <= set(AuditLink.objects.values_list("pk", "province_id", "organization"))
    submit(period, cast.unit_a, 1, cast.secretary_a)
    assert cast.unit_a.path.startswith(cast.discipline.path)  # its own top-level subtree there
    assert chains() == {(first, cast.committee.path): [1], (second, cast.unit_a.path): [1]}
    assert verify()[1] == []


def _hold_head(period, unit, actor, holding: threading.Event, release: threading.Event, errors: list):
    """Submit a report of ``unit`` and keep the transaction open: its chain's head stays locked."""
    try:
        with transaction.atomic():
            submit(period, unit, 1, actor)
            holding.set()
            release.wait(timeout=30)
    except BaseException as error:  # noqa: BLE001 - reported by the test
        errors.append(error)
        holding.set()
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_provinces_chain_at_once_without_a_shared_lock(cast, period, two_provinces):
    """While a transition of one province holds its chain's head, one of the other province
    is chained at once; one of the same chain waits for it (here: gives up after 0.5 s)."""
    need_postgres()
    holding, release, errors = threading.Event(), threading.Event(), []
    holder = threading.Thread(target=_hold_head, args=(period, cast.unit_a, cast.secretary_a, holding, release, errors))
    holder.start()
    try:
        assert holding.wait(timeout=30) and not errors, errors
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            submit(period, cast.discipline, 1)  # another province: no wait
        with pytest.raises(OperationalError, match="lock timeout"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '500ms'")
            submit(period, cast.unit_b, 1, cast.secretary_b)  # the held chain (机关党委's): waits
    finally:
        release.set()
        holder.join(timeout=30)
    assert not errors, errors
    assert sorted(chains().values()) == [[1], [1]]
    assert verify()[1] == []


@pytest.mark.django_db(transaction=True)
def test_chains_written_before_the_province_verify_after_the_upgrade(cast, period, two_provinces):
    """Links and heads written, then the schema taken back to before the province (audit
    0002: links by organization alone) and brought forward again: the data migration gives
    every chain the province of its name's root — the security log's NO_PROVINCE — in one
    UPDATE per table, and the trail verifies as it did."""
    need_postgres()
    first, second = two_provinces
    submit(period, cast.unit_a, 2, cast.secretary_a)
    submit(period, cast.discipline, 1)
    from accounts.security import record

    record("login_failed", username="nobody")
    written = set(AuditLink.objects.values_list("pk", "province_id", "organization", "sequence", "hash"))
    heads = set(ChainHead.objects.values_list("province_id", "organization", "sequence", "hash"))
    assert {p for _pk, p, *_rest in written} == {first, second, NO_PROVINCE}

    executor = MigrationExecutor(connection)
    executor.migrate([("audit", "0002_keyed_links")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'audit_auditlink'")
        assert "province_id" not in {row[0] for row in cursor.fetchall()}
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert set(AuditLink.objects.values_list("pk", "province_id", "organization", "sequence", "hash")) == written
    assert set(ChainHead.objects.values_list("province_id", "organization", "sequence", "hash")) == heads
    assert verify()[1] == []
    submit(period, cast.discipline, 1)  # the chain goes on in its province
    assert chains()[(second, cast.discipline.path)] == [1, 2]
    assert verify()[1] == []


@pytest.mark.django_db
def test_a_rounds_own_steps_go_to_the_chain_of_the_organization_that_runs_it(cast, two_provinces):
    """A round's own step (creating it) lived in the first root's chain; a round belongs
    to an organization now, and its steps to that organization's chain, in its province."""
    from honours.models import HonourEvent
    from honours.services import create_round

    first, second = two_provinces
    UnitFactory(parent=Unit.objects.get(pk=cast.discipline.pk))  # a branch to honour there
    cast.discipline.refresh_from_db()
    round = create_round(
        year=2026, title="评先评优", kinds=["advanced_branch"], actor=cast.admin, organization=cast.discipline
    )
    event = HonourEvent.objects.get(round=round, action="create")
    link = AuditLink.objects.get(object_id=event.pk, content_type__model="honourevent")
    assert (
        (link.province_id, link.organization)
        == (second, cast.discipline.path)
        == (event.province_id, cast.discipline.path)
    )
    assert verify()[1] == []
