import pytest
from django.urls import reverse

from responsibilities.models import Assignment, Duty, UnitKind
from tests.factories import DutyFactory, PostFactory, UnitFactory

pytestmark = pytest.mark.django_db


def url(cast):
    return f"{reverse('responsibilities:bulk_assign')}?year={cast.checklist.year}"


def test_preview_then_confirm_to_every_branch_skips_what_exists(client_as, cast):
    new_branch = UnitFactory(parent=cast.committee, code="ZBC", name="丙党支部")
    PostFactory(unit=new_branch, title="支部书记")
    duty = Duty.objects.get(checklist=cast.checklist, code="I-01")  # already on A and B
    extra = DutyFactory(checklist=cast.checklist, code="X-99", category=duty.category)
    client = client_as("admin")
    data = {"duties": [duty.pk, extra.pk], "all_branches": "on", "action": "preview"}

    preview = client.post(url(cast), data)
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "将新建 4 项分解" in text and "1 项已存在" not in text
    assert Assignment.objects.filter(duty=extra).count() == 0  # a preview writes nothing

    done = client.post(url(cast), {**data, "action": "confirm"}, follow=True)
    assert Assignment.objects.filter(duty=extra).count() == 3
    assert Assignment.objects.filter(duty=duty, unit__kind=UnitKind.BRANCH).count() == 3
    assert "新建 4 项分解，2 项已存在并已跳过" in done.content.decode()  # skipped pairs are reported

    client.post(url(cast), {**data, "action": "confirm"})  # twice: nothing doubles
    assert Assignment.objects.filter(duty__in=[duty, extra]).count() == 6
    assert Assignment.history.filter(duty=extra).count() == 3  # history is kept


def test_choosing_no_unit_or_no_duty_explains_and_changes_nothing(client_as, cast):
    before = Assignment.objects.count()
    client = client_as("admin")
    response = client.post(url(cast), {"duties": [Duty.objects.first().pk], "action": "confirm"})
    assert response.status_code == 200 and "请至少选择一个单位" in response.content.decode()
    response = client.post(url(cast), {"units": [cast.unit_a.pk], "action": "confirm"})
    assert response.status_code == 200 and "请至少选择一项责任事项" in response.content.decode()
    response = client.post(url(cast), {"duties": ["999999", "abc"], "units": ["x"], "action": "confirm"})
    assert response.status_code == 200
    assert Assignment.objects.count() == before


def test_only_admins_may_assign(client_as, cast):
    duty = DutyFactory(checklist=cast.checklist)
    for role in ("leader", "secretary_a", "supervisor"):
        response = client_as(role).post(url(cast), {"duties": [duty.pk], "all_branches": "on", "action": "confirm"})
        assert response.status_code == 403
    assert not Assignment.objects.filter(duty=duty).exists()
