"""The 纪检监察组 supervises the units; it is never ranked among them (issue 12, item 4)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_discipline_group_is_not_in_the_ranking(client_as, cast, data):
    # ``data`` gives the 纪检监察组 a score (70) like every other unit.
    response = client_as("leader").get(reverse("dashboard:ranking"), {"period": data.cur.pk})
    assert response.status_code == 200
    ranked = {line.unit.pk for line in response.context["lines"]}
    assert ranked and cast.discipline.pk not in ranked
