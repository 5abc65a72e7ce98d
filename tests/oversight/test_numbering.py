"""督办〔year〕n号: numbered per year, never twice, also when issued at the same moment."""

import datetime

import pytest
from django.utils import timezone

from oversight import services
from oversight.models import NoticeCounter, SupervisionNotice
from tests.appraisals.test_concurrency import run_together
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
    assert NoticeCounter.objects.get(year=timezone.localdate().year).last == 6
