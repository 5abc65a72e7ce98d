"""Pages of the counts against the rules (履责纪实, issue 13 items 3 and 8): the counts on
我的责任 (a secretary's and a leader's own), the dashboard's compliance panel with its
drill-down, and the read-only record list it leads to — each role, bad input, queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.pagecache import bump, bump_people
from responsibilities.models import Duty, Post
from tests.factories import PostFactory, UnitFactory, WorkRecordFactory
from worklog import compliance

pytestmark = pytest.mark.django_db

MY = reverse("assessments:my_reports")
PANEL = reverse("dashboard:compliance")
RECORDS = reverse("worklog:records")


def this_half():
    return compliance.half_of(timezone.localdate())


def duty(cast, code):
    return Duty.objects.get(checklist=cast.checklist, code=code)


@pytest.fixture
def records(cast):
    """Unit A met at the start of the half; unit B never did."""
    start, _end = this_half()
    first = WorkRecordFactory(
        unit=cast.unit_a, kind="branch_committee", held_on=start, topic="研究半年工作", duties=[duty(cast, "B-01")]
    )
    theme_day = [duty(cast, "B-05")]
    WorkRecordFactory(unit=cast.unit_a, kind="theme_day", held_on=start, topic="七一重温誓词", duties=theme_day)
    WorkRecordFactory(unit=cast.unit_b, kind="theme_day", held_on=start, topic="乙支部草稿", state="draft")
    return first


def test_secretary_home_shows_each_counted_duty_against_the_rule(client_as, cast, records):
    page = client_as("secretary_a").get(MY).content.decode()
    assert "履责纪实完成进度" in page
    tally = next(
        t
        for t in compliance.tallies(compliance.counted_assignments(units=[cast.unit_a], year=cast.checklist.year))
        if t.duty.code == "B-01"
    )
    assert f"{tally.done}/6" in page and tally.done == 1
    assert "支部委员会" in page and "主题党日" in page and "组织生活会" in page
    assert str(tally.words) in page  # the badge's words, not colour alone
    assert f"post={Post.objects.get(unit=cast.unit_a, holder=cast.secretary_a).pk}" in page  # link to the records
    # Unit A's secretary is not told unit B's numbers.
    assert "乙支部草稿" not in page


def test_leaders_home_shows_their_own_duties(client_as, cast):
    post = Post.objects.get(holder=cast.leader, unit=cast.party_group)
    start, _end = this_half()
    WorkRecordFactory(
        unit=cast.unit_a,
        post=post,
        kind="dual_life",
        held_on=start,
        topic="参加甲支部组织生活",
        duties=[duty(cast, "O-L3")],
    )
    page = client_as("leader").get(MY).content.decode()
    assert "双重组织生活" in page and "讲党课" in page and "廉政谈话" in page
    assert "1/2" in page  # 双重组织生活 is counted per quarter (one of the half's two done)
    # The 党组书记 has not been to a branch: their line says 0/1.
    assert "0/1" in client_as("other_leader").get(MY).content.decode()


def test_english_home_counts(client_as, cast, records):
    client = client_as("secretary_a")
    client.cookies["django_language"] = "en"
    page = client.get(MY, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Work records against the rules" in page and "Branch committee meeting" in page


def test_home_queries_do_not_grow_with_records(client_as, cast, records, django_assert_max_num_queries):
    client = client_as("secretary_a")
    client.get(MY)
    bump()  # the page as it is made, not its cached copy (core/pagecache.py)
    bump_people()  # and the person read, as on a first request (accounts/backends.py)
    with django_assert_max_num_queries(9):  # the home's 6, its 交办 tasks, the counted assignments, the counts
        client.get(MY)
    start, _end = this_half()
    for _n in range(30):
        WorkRecordFactory(unit=cast.unit_a, held_on=start, duties=[duty(cast, "B-01"), duty(cast, "B-03")])
    with django_assert_max_num_queries(9):
        assert client.get(MY).status_code == 200


@pytest.mark.parametrize("role", ["admin", "leader", "other_leader", "supervisor", "secretary_a", "secretary_b"])
def test_compliance_panel_answers_each_role(client_as, cast, records, role):
    response = client_as(role).get(PANEL)
    assert response.status_code == 200
    assert "履责纪实完成进度" in response.content.decode()


def test_compliance_panel_refuses_anonymous_and_units_out_of_scope(client_as, cast, records):
    assert client_as("anonymous").get(PANEL).status_code == 302
    assert client_as("secretary_a").get(PANEL, {"unit": cast.unit_b.pk}).status_code == 404
    assert client_as("leader").get(PANEL, {"unit": "abc"}).status_code in (400, 404)
    assert client_as("leader").get(PANEL, {"unit": 99999999}).status_code == 404


def test_compliance_panel_cells_and_drill_down(client_as, cast, records):
    client = client_as("leader")
    page = client.get(PANEL).content.decode()
    # Whole organization: the committee's subtree (A and B) — B behind somewhere — leads a level down.
    assert "机关党委" in page and f"unit={cast.committee.pk}" in page
    lower = client.get(PANEL, {"unit": cast.committee.pk}, HTTP_HX_REQUEST="true")
    text = lower.content.decode()
    assert "<html" not in text  # the fragment the dashboard loads
    assert "甲党支部" in text and "乙党支部" in text
    start, end = this_half()
    link = f"{RECORDS}?unit={cast.unit_a.pk}&amp;kind=branch_committee&amp;since={start}&amp;until={end}"
    assert link in text
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert "研究半年工作" in listed and "七一重温誓词" not in listed


def test_dashboard_loads_the_panel(client_as, cast, records, period):
    page = client_as("leader").get(reverse("dashboard:index")).content.decode()
    assert f'data-hx-get="{PANEL}' in page and 'id="compliance-panel"' in page


def test_compliance_panel_queries_do_not_grow(client_as, cast, records, django_assert_max_num_queries):
    client = client_as("leader")
    client.get(PANEL, {"unit": cast.committee.pk})
    bump_people()  # the person read on both counts (the factories below replace the stamp)
    # The navigation's (bell, 待审核, 我的责任), the scope's root and rows, the two counts.
    with django_assert_max_num_queries(10) as small:
        client.get(PANEL, {"unit": cast.committee.pk})
    for n in range(10):
        unit = UnitFactory(code=f"GX{n}", name=f"新增{n}支部", parent=cast.committee)
        post = PostFactory(unit=unit, title="支部书记")
        from tests.factories import AssignmentFactory

        AssignmentFactory(duty=duty(cast, "B-01"), post=post)
        WorkRecordFactory(unit=unit, held_on=this_half()[0], duties=[duty(cast, "B-01")])
    bump_people()
    with django_assert_max_num_queries(len(small)):
        assert client.get(PANEL, {"unit": cast.committee.pk}).status_code == 200


def test_record_list_shows_only_what_one_may_see_and_filters(client_as, cast, records):
    page = client_as("secretary_b").get(RECORDS).content.decode()
    assert "乙支部草稿" in page and "研究半年工作" not in page
    page = client_as("secretary_a").get(RECORDS, {"q": "半年"}).content.decode()
    assert "研究半年工作" in page and "七一重温誓词" not in page
    page = client_as("leader").get(RECORDS, {"kind": "theme_day"}).content.decode()
    assert "七一重温誓词" in page and "研究半年工作" not in page
    # Another unit's id in the URL shows nothing of it.
    page = client_as("secretary_b").get(RECORDS, {"unit": cast.unit_a.pk}).content.decode()
    assert "研究半年工作" not in page


@pytest.mark.parametrize(
    "params",
    [{"since": "yesterday"}, {"unit": "x"}, {"page": "999"}, {"kind": "dinner"}, {"post": "-1"}, {"duty": "1e9"}],
)
def test_record_list_bad_filters_are_a_clear_answer(client_as, cast, records, params):
    response = client_as("leader").get(RECORDS, params)
    assert response.status_code == 200


def test_record_list_refuses_who_sees_no_unit(client_as, cast):
    from accounts import roles
    from tests.factories import UserFactory

    assert client_as("anonymous").get(RECORDS).status_code == 302
    client = client_as("admin")
    client.force_login(UserFactory(username="aq", roles=[roles.SECURITY_ADMIN]))
    assert client.get(RECORDS).status_code == 403


def test_record_list_queries_are_pinned(client_as, cast, records, django_assert_max_num_queries):
    start, _end = this_half()
    for n in range(20):
        WorkRecordFactory(unit=cast.unit_a, held_on=start - datetime.timedelta(days=n))
    client = client_as("secretary_a")
    client.get(RECORDS)
    with django_assert_max_num_queries(8):
        assert client.get(RECORDS).status_code == 200


def test_record_list_in_english(client_as, cast, records):
    client = client_as("leader")
    client.cookies["django_language"] = "en"
    assert "Work records" in client.get(RECORDS, HTTP_ACCEPT_LANGUAGE="en").content.decode()
