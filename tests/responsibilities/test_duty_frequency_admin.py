"""Admins edit a duty's required frequency (issue 13 item 2) on the duty's admin page, and
the duty's history keeps every change; a frequency that does not add up is refused with a
message next to the field and changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.urls import reverse

from responsibilities.models import Duty

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, cast):
    user = get_user_model().objects.create_superuser("root_t", "root@example.org", "pw-for-tests-12345")
    client.force_login(user)
    return client


def form_of(duty, **changes):
    data = {k: ("" if v is None else v) for k, v in model_to_dict(duty).items()}
    data.update(changes)
    data["each_member"] = "on" if data.get("each_member") else ""
    if not data["each_member"]:
        data.pop("each_member")
    if not data.get("active"):
        data.pop("active", None)
    return data


def test_admin_changes_the_required_count_and_the_history_keeps_it(staff, cast):
    duty = Duty.objects.get(checklist=cast.checklist, code="B-02")
    url = reverse("admin:responsibilities_duty_change", args=[duty.pk])
    page = staff.get(url).content.decode()
    assert 'name="required_count"' in page and 'name="frequency"' in page and 'name="frequency_source"' in page
    response = staff.post(url, form_of(duty, required_count=2, frequency_source="本单位要求每季度2次"))
    assert response.status_code == 302, response.content.decode()[:2000]
    duty.refresh_from_db()
    assert (duty.required_count, duty.frequency_source) == (2, "本单位要求每季度2次")
    assert list(duty.history.order_by("history_date").values_list("required_count", flat=True))[-2:] == [1, 2]
    history = staff.get(reverse("admin:responsibilities_duty_history", args=[duty.pk]))
    assert history.status_code == 200


@pytest.mark.parametrize(
    "changes",
    [{"frequency": ""}, {"required_count": "", "each_member": False}, {"each_member": True}],
    ids=["no-frequency", "no-count", "count-and-each-member"],
)
def test_a_frequency_that_does_not_add_up_is_refused(staff, cast, changes):
    duty = Duty.objects.get(checklist=cast.checklist, code="B-01")
    before = model_to_dict(duty)
    url = reverse("admin:responsibilities_duty_change", args=[duty.pk])
    response = staff.post(url, form_of(duty, **changes))
    assert response.status_code == 200  # the form again, with the error beside the field
    assert "errorlist" in response.content.decode()
    duty.refresh_from_db()
    assert model_to_dict(duty) == before
