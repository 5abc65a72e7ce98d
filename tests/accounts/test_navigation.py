import pytest
from django.urls import reverse

from assessments import services
from tests.assessments.conftest import period, report_a  # noqa: F401 - shared fixtures

pytestmark = pytest.mark.django_db


def test_a_leader_sees_how_many_reports_wait_for_review(client_as, cast, report_a):  # noqa: F811
    services.submit_report(report_id=report_a.pk, actor=cast.secretary_a, content="开展专题学习")
    page = client_as("leader").get(reverse("scoring:scores")).content.decode()
    assert 'href="/assessments/review/">待审核 <span class="badge' in page
    assert '<span class="badge rounded-pill text-bg-light">1</span>' in page
    # Unit B's leader has nothing waiting: no badge.
    other = client_as("other_leader").get(reverse("scoring:scores")).content.decode()
    assert 'href="/assessments/review/">待审核</a>' in other
