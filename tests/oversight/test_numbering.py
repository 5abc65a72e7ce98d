"""督办〔year〕n号: numbered per year in the series of the organization the notice is issued
in (the root of the unit's tree), never twice, also when issued at the same moment; two
organizations count apart and never wait on each other's counter."""

import datetime
import threading

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from oversight import services
from oversight.models import NoticeCounter, SupervisionNotice
from responsibilities.models import UnitKind
from tests.appraisals.test_concurrency import run_together
from tests.factories import UnitFactory
from tests.oversight.conftest import in_days
from tests.services import need_postgres


@pytest.mark.django_db
def test_numbers_count_up_within_a_year_and_start_again_the_next(cast, monkeypatch):
    def issue():
        return services.issue_notice(actor=cast.admin, unit=cast.unit_a, subject="s", body="b", deadline=in_days(30))

    assert [issue().number for _ in range(3)] == [1, 2, 3]
    next_year = timezone.localdate().replace(month=1, day=2) + datetime.timedelta(days=366)
    monkeypatch.setattr(timezone, "localdate", lambda *args: next_year)
    notice = issue()
    assert (notice.year, notice.number) == (next_year.year, 1)
    assert str(notice) == f"督办〔{next_year.year}〕1号"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_notices_issued_at_the_same_moment_get_distinct_numbers():
    need_postgres()
    from tests.conftest import build_cast

    cast = build_cast()
    issuers = [cast.admin, cast.leader, cast.other_leader, cast.supervisor, cast.admin, cast.leader]

    def issue_as(person):
        return lambda: (
            services.issue_notice(
                actor=person, unit=cast.unit_b, subject="同时督办", body="请办理", deadline=in_days(5)
            ).number
        )

    numbers = run_together(*[issue_as(p) for p in issuers])
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6], numbers
    assert SupervisionNotice.objects.count() == 6
    counter = NoticeCounter.objects.get(year=timezone.localdate().year)
    assert (counter.organization_id, counter.province_id, counter.last) == (cast.party_group.pk,) * 2 + (6,)


def other_province():
    """A second province-level organization with a branch: a root of its own."""
    root = UnitFactory(code="SJ2", name="另一党组", kind=UnitKind.LEADING_GROUP)
    return UnitFactory(code="SJ2ZB", name="另一党支部", parent=root)


@pytest.mark.django_db
def test_each_organization_numbers_its_own_notices(cast):
    far = other_province()

    def issue(unit):
        return services.issue_notice(actor=cast.admin, unit=unit, subject="s", body="b", deadline=in_days(30))

    numbers = [
        (n.unit_id, n.number, n.organization_id, n.province_id)
        for n in map(issue, [cast.unit_a, far, cast.unit_b, far])
    ]
    home, away = cast.party_group.pk, far.province_id
    assert away != home
    assert numbers == [
        (cast.unit_a.pk, 1, home, home),
        (far.pk, 1, away, away),
        (cast.unit_b.pk, 2, home, home),
        (far.pk, 2, away, away),
    ]
    year = timezone.localdate().year
    assert sorted(NoticeCounter.objects.values_list("organization", "province", "year", "last")) == sorted(
        [(home, home, year, 2), (away, away, year, 2)]
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_organization_issuing_does_not_hold_up_another():
    """While one organization's counter is locked by a notice being issued, a notice of
    another organization is numbered at once; one of the same organization waits (here it
    gives up after the lock timeout, which shows the first one's lock is real)."""
    need_postgres()
    from tests.conftest import build_cast

    cast = build_cast()
    far = other_province()
    year = timezone.localdate().year
    holding, done = threading.Event(), threading.Event()

    def hold_home_counter():
        try:
            with transaction.atomic():
                services.next_notice_number(cast.party_group.pk, year)
                holding.set()
                done.wait(timeout=20)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_home_counter)
    holder.start()
    try:
        assert holding.wait(timeout=20)

        def issue_within(unit, timeout="2s"):
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL lock_timeout = '{timeout}'")
                return services.issue_notice(actor=cast.admin, unit=unit, subject="s", body="b", deadline=in_days(5))

        assert issue_within(far).number == 1
        with pytest.raises(OperationalError, match="lock timeout"):
            issue_within(cast.unit_a, timeout="300ms")
    finally:
        done.set()
        holder.join(timeout=20)
    assert (
        services.issue_notice(actor=cast.admin, unit=cast.unit_a, subject="s", body="b", deadline=in_days(5)).number
        == 2
    )
