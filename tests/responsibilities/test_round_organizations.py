"""A yearly round — 述职评议 (一、三) or 评先评优 (二、三) — belongs to the organization that
runs it (issue 16 item 5: its province). An organ's installation has one such organization
and nobody is asked; an installation of several asks the admin which one on the form that
starts the round, and the round then takes that organization's secretaries and branches
only. Both forms, every role, bad input, both languages."""

import pytest
from django.urls import reverse

from appraisals.models import AppraisalRound
from core.errors import TransitionError
from honours.models import HonourRound
from responsibilities.models import PostKind, UnitKind
from responsibilities.selectors import organizations
from tests.conftest import ROLE_NAMES
from tests.factories import PostFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db
YEAR = 2031

# The page that starts a round, what it posts, and the round's model.
FORMS = {
    "appraisals": (
        "appraisals:round_new",
        {
            "year": YEAR,
            "title": "",
            "due_on": "",
            "min_valid_ballots": 5,
            "leadership_weight": 50,
            "committee_weight": 30,
            "peer_weight": 20,
            "peer_sample_size": 3,
        },
        AppraisalRound,
    ),
    "honours": ("honours:rounds", {"year": YEAR, "title": "评先评优", "kinds": ["advanced_branch"]}, HonourRound),
}

LISTS = {"appraisals": "appraisals:rounds", "honours": "honours:rounds"}


@pytest.fixture
def second(cast):
    """Another province-level organization with a branch and its secretary."""
    root = UnitFactory(code="SJ2", name="另一党组", name_en="Another group", kind=UnitKind.LEADING_GROUP)
    branch = UnitFactory(code="SJ2ZB", name="另一党支部", parent=root)
    PostFactory(unit=branch, title="支部书记", kind=PostKind.SECRETARY, held_by=UserFactory(username="sj2shuji"))
    return root


def test_the_organizations_are_the_roots_with_branches(cast, second):
    assert list(organizations()) == [cast.party_group, second]
    # A 纪检监察组 on its own track runs no round (no branch under it).
    UnitFactory(code="JJZ2", name="纪检监察组", kind=UnitKind.DISCIPLINE_GROUP)
    assert list(organizations()) == [cast.party_group, second]


@pytest.mark.parametrize("app", FORMS)
def test_with_one_organization_nobody_is_asked(client_as, cast, app):
    name, data, model = FORMS[app]
    admin = client_as("admin")
    assert 'name="organization"' not in admin.get(reverse(name)).content.decode()
    assert admin.post(reverse(name), data).status_code == 302
    made = model.objects.get(year=YEAR)
    assert (made.organization_id, made.province_id) == (cast.party_group.pk,) * 2


@pytest.mark.parametrize("app", FORMS)
@pytest.mark.parametrize("role", ROLE_NAMES)
def test_with_several_the_admin_chooses_and_only_the_admin(
    client_as, cast, second, app, role, django_assert_max_num_queries
):
    name, data, model = FORMS[app]
    client = client_as(role)
    with django_assert_max_num_queries(20):
        response = client.get(reverse(name))
    posted = client.post(reverse(name), {**data, "organization": second.pk})
    if role == "anonymous":
        assert response.status_code == 302 and posted.status_code == 302
        assert not model.objects.exists()
        return
    if role != "admin":
        assert (response.status_code, posted.status_code) == (403, 403)
        assert not model.objects.exists()
        return
    page = response.content.decode()
    assert 'name="organization"' in page and "组织单位" in page and "另一党组" in page
    assert posted.status_code == 302
    made = model.objects.get(year=YEAR)
    assert (made.organization_id, made.province_id) == (second.pk, second.pk)
    if app == "appraisals":  # its own secretaries only
        assert [a.unit.code for a in made.appraisees.all()] == ["SJ2ZB"]
    # The other organization still has its own round for the year.
    assert client.post(reverse(name), {**data, "organization": cast.party_group.pk}).status_code == 302
    assert model.objects.filter(year=YEAR).count() == 2
    # Two rounds of a year: the list names each one's organization.
    listed = client.get(reverse(LISTS[app])).content.decode()
    assert "另一党组" in listed and cast.party_group.name in listed


@pytest.mark.parametrize("app", FORMS)
def test_a_missing_or_wrong_organization_is_refused_with_a_message(client_as, cast, second, app):
    name, data, model = FORMS[app]
    admin = client_as("admin")
    for choice, message in (
        (None, "请选择组织单位"),
        (cast.unit_a.pk, "请选择组织单位"),  # a branch, not an organization
        ("x", "请选择组织单位"),
    ):
        posted = {**data} if choice is None else {**data, "organization": choice}
        response = admin.post(reverse(name), posted)
        assert response.status_code in (200, 400) and message in response.content.decode()
    admin.cookies["django_language"] = "en"
    response = admin.post(reverse(name), data)
    assert "Choose the organization that runs the round." in response.content.decode()
    assert "Organization running the round" in admin.get(reverse(name)).content.decode()
    assert not model.objects.exists()


def test_a_round_takes_no_secretary_or_nomination_of_another_organization(cast, second):
    from appraisals import services as appraisals
    from honours import services as honours
    from responsibilities.models import Post

    stranger = Post.objects.get(unit__code="SJ2ZB")
    round = appraisals.create_round(year=YEAR, actor=cast.admin, organization=cast.party_group)
    assert stranger.pk not in set(round.appraisees.values_list("post_id", flat=True))
    with pytest.raises(TransitionError, match="本轮组织单位"):
        appraisals.set_participants(round_id=round.pk, actor=cast.admin, posts=[stranger], raters={})
    assert round.appraisees.exists()
    with pytest.raises(TransitionError, match="请选择组织单位"):  # two organizations: which one?
        honours.create_round(year=YEAR, title="评先", kinds=["advanced_branch"], actor=cast.admin)
    honour = honours.create_round(
        year=YEAR, title="评先", kinds=["advanced_branch"], actor=cast.admin, organization=cast.party_group
    )
    with pytest.raises(TransitionError, match="不属于本轮的组织单位"):
        honours.add_nomination(
            round_id=honour.pk, actor=cast.admin, kind="advanced_branch", unit_id=stranger.unit_id, person_id=None,
            reason="r",
        )  # fmt: skip
    assert not honour.nominations.exists()
