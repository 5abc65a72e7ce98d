import pytest

from dashboard.models import Export
from schedules.jobs import close_period
from tests.assessments.conftest import period  # noqa: F401 - shared fixture

pytestmark = pytest.mark.django_db


def test_closing_a_period_builds_the_hearing_pack_and_tells_leadership(
    cast,
    period,  # noqa: F811
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = str(tmp_path)
    with django_capture_on_commit_callbacks(execute=True):
        summary = close_period(period_id=period.pk)
    assert summary is not None
    built = Export.objects.filter(period=period, unit__isnull=True)
    assert set(built.values_list("kind", "status")) == {("pdf", "done"), ("excel", "done")}
    assert cast.leader.notifications.filter(kind="hearing_pack_ready").exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert close_period(period_id=period.pk) is None  # closed once; nothing built twice
    assert built.count() == 2
