import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from assessments import services as report_services
from oversight import services
from oversight.demo import PIXEL
from tests.assessments import conftest as report_loop

# The report loop's fixtures, shared: an open period and the draft reports of units A and B.
period = report_loop.period
report_a = report_loop.report_a
report_b = report_loop.report_b


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def photo(name="整改照片.png"):
    return SimpleUploadedFile(name, PIXEL, content_type="image/png")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def returned_report(cast, report_a):
    """Unit A's report, submitted by its secretary and returned by its liaison leader."""
    report_services.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="开展了学习")
    report_services.return_report(report_id=report_a.pk, actor=cast.leader, comment="缺少会议记录")
    report_a.refresh_from_db()
    return report_a


@pytest.fixture
def rectification(cast, returned_report):
    """Raised by unit A's liaison leader on the returned report, due in 10 days."""
    return services.raise_rectification(
        actor=cast.leader,
        unit=cast.unit_a,
        problem=returned_report.review_comment,
        measure="补齐会议记录",
        deadline=in_days(10),
        report=returned_report,
    )


@pytest.fixture
def notice(cast):
    """督办 No. 1 of this year from the leader to unit A, reply due in 7 days."""
    return services.issue_notice(
        actor=cast.leader, unit=cast.unit_a, subject="报告逾期", body="请补报并说明原因", deadline=in_days(7)
    )
