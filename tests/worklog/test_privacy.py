"""谈心谈话: who, when and the topic to the unit's readers; the notes only to the people in
the talk and the unit's secretary (DESIGN.md, "Who sees what") — leaders, admins and the
supervisor included in the refusal. 个人有关事项 is never recorded by its content."""

import pytest
from django.urls import reverse

from responsibilities import access
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTES = "谈到家中老人住院，工作压力较大。"

# role → (reads the record, reads its notes)
MATRIX = {
    "secretary_a": (True, True),  # the unit's secretary (and here the one who talked)
    "leader": (True, True),  # in the talk
    "member_a": (True, False),  # another post holder of the branch
    "deputy_a": (True, False),  # the 党务干事: records for the branch, not a party to the talk
    "committee_secretary": (True, False),  # the 机关党委's secretary above
    "other_leader": (True, False),  # the 党组书记: sees everything, not this
    "admin": (True, False),
    "supervisor": (True, False),
    "secretary_b": (False, False),  # another branch: the record does not exist for them
}


@pytest.fixture
def people(cast, member_a, deputy_a):
    committee_secretary = UserFactory(username="jgdw_sec_w", full_name="机关党委书记")
    PostFactory(unit=cast.committee, title="专职副书记", held_by=committee_secretary)
    return {"member_a": member_a, "deputy_a": deputy_a, "committee_secretary": committee_secretary}


def test_talk_notes_matrix(client, cast, talk, people):
    url = reverse("worklog:record", args=[talk.pk])
    wrong = []
    for role, (reads, reads_notes) in MATRIX.items():
        person = people.get(role) or cast.by_role(role)
        client.force_login(person)
        response = client.get(url)
        page = response.content.decode()
        if not reads:
            if response.status_code != 404:
                wrong.append(f"{role}: {response.status_code}")
            continue
        shown = response.status_code == 200 and "年度谈心谈话" in page and "联系领导" in page
        if not shown or (NOTES in page) != reads_notes:
            wrong.append(f"{role}: page {response.status_code}, notes shown {NOTES in page}")
        if not reads_notes and "只有谈话双方和本单位书记可以阅读谈话记录" not in page:
            wrong.append(f"{role}: not told why the notes are closed")
        assert access.may_read_talk_notes(person, talk) == reads_notes, role
    assert wrong == []


def test_the_notes_are_nowhere_else(client, cast, talk):
    """Not in the list, nor in the list's text search for anyone who may not read them."""
    client.force_login(cast.admin)
    listing = client.get(reverse("worklog:records")).content.decode()
    assert "年度谈心谈话" in listing and NOTES not in listing
    assert "年度谈心谈话" not in client.get(reverse("worklog:records"), {"q": "老人住院"}).content.decode()


def test_a_deputy_completing_a_talk_draft_neither_sees_nor_wipes_the_notes(client, cast, duties, deputy_a):
    from responsibilities.models import WorkType

    from .conftest import make_record

    draft = make_record(
        cast.unit_a,
        cast.secretary_a,
        kind=WorkType.TALK,
        topic="谈心谈话",
        participants=[cast.leader],
        notes=NOTES,
        record_now=False,
        present=None,
        expected=None,
    )
    client.force_login(deputy_a)
    edit = reverse("worklog:record_edit", args=[draft.pk])
    page = client.get(edit).content.decode()
    assert NOTES not in page and 'name="notes"' not in page
    response = client.post(
        edit,
        {
            "kind": WorkType.TALK,
            "held_on": draft.held_on.isoformat(),
            "topic": "谈心谈话",
            "participants": [cast.leader.pk],
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.notes == NOTES and draft.state == "recorded"


def test_personal_matters_are_recorded_as_reported_never_by_content(client, cast):
    client.force_login(cast.secretary_a)
    page = client.get(reverse("worklog:record_new")).content.decode()
    assert "个人有关事项：只记录已按时报告并附回执，不记录报告内容。" in page
