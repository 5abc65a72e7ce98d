"""Names typed by people reach the dashboard's hand-built cells escaped, never as markup."""

import pytest
from django.urls import reverse

from responsibilities.models import Unit

pytestmark = pytest.mark.django_db


def test_a_unit_name_with_markup_is_shown_as_text(client_as, cast, data):
    Unit.objects.filter(pk=cast.committee.pk).update(name='<b>机关"党委</b>')
    page = client_as("leader").get(reverse("dashboard:index")).content.decode()
    assert "<b>机关" not in page
    assert "&lt;b&gt;机关&quot;党委&lt;/b&gt;" in page
