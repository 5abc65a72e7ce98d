"""The grants that widened a scope by id alone (issue 16 item 5, docs/scale.md section 5,
"Still to change for Citus" item 3), now naming the provinces of the rows they grant:

- ``access.visible``'s filer grant (交接: an outgoing holder keeps reading the reports they
  submitted; an issuer the 督办 notices they issued) is read within the provinces the
  person filed in (``responsibilities.FiledIn``, read with their posts), as ``find``'s
  second lookup already was;
- ``access.find``'s ``also`` grants: the rounds one rates in (within the provinces of
  their rater rows), one's own or a rated or covered appraisal, a 公示 of another
  organization, and the finding a rectification is raised from (every root: nothing they
  are granted through names the province).

Each person still sees exactly the rows, pages, 403s and 404s they did."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from appraisals.models import Finding
from assessments.models import Report
from honours import services as honours
from honours.models import HonourRound, Nomination
from oversight.models import SupervisionNotice
from oversight.services import issue_notice
from responsibilities import access
from responsibilities.models import FiledIn, Post, Unit
from tests.appraisals.conftest import build_panel
from tests.core.test_provinces import _reads
from tests.core.test_provinces_rounds import stranger  # noqa: F401 (a fixture)
from tests.core.test_provinces_second_lookups import by_id, fresh, outgoing  # noqa: F401 (fixtures)
from tests.core.test_provinces_spanning import period, two_provinces  # noqa: F401 (fixtures)
from tests.honours.conftest import year_data  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def term_of(sql: str, needle: str) -> str:
    """The term of ``sql`` holding ``needle``: its innermost parenthesised group, cut at
    that group's own ``OR``s — the conditions that grant the row alongside ``needle``."""
    at = sql.index(needle)
    depth, start = 0, 0
    for i in range(at, -1, -1):
        if sql[i] == ")":
            depth += 1
        elif sql[i] == "(":
            if depth == 0:
                start = i + 1
                break
            depth -= 1
    depth, end, cuts = 0, len(sql), [start]
    for i in range(start, len(sql)):
        if sql[i] == "(":
            depth += 1
        elif sql[i] == ")":
            if depth == 0:
                end = i
                break
            depth -= 1
        elif depth == 0 and sql.startswith(" OR ", i):
            cuts.append(i + 4)
    cuts.append(end)
    return next(sql[a:b] for a, b in zip(cuts, cuts[1:], strict=False) if a <= at < b)


def unnamed(sqls: list[str], table: str) -> list[str]:
    """Those of ``sqls`` that name no province of ``table``'s row."""
    return [sql for sql in sqls if not re.search(rf'"{table}"\."province_id" (= |IN \()', sql)]


def test_the_check_finds_the_term_of_a_grant():
    sql = 'SELECT 1 FROM "t" WHERE (("t"."a" IN (1, 2) AND "t"."p" IN (3)) OR "t"."f" = 5) ORDER BY 1'
    assert term_of(sql, '"t"."f" = 5') == '"t"."f" = 5'
    assert term_of(sql, '"t"."a"') == '"t"."a" IN (1, 2) AND "t"."p" IN (3)'


# 1. ``visible``'s filer grant


def test_an_outgoing_holders_own_reports_are_listed_within_the_provinces_they_filed_in(
    cast,
    outgoing,  # noqa: F811 (a fixture)
    django_assert_num_queries,
):
    """交接: the reports a person may see (``visible``: every list of reports) are those of
    their units and those they submitted; the latter read within the provinces they filed
    in (the 纪检监察组's), never by submitter alone. Read with their posts: no query more
    than the roles, the posts and the list. Fails on the previous main, whose grant named no
    province."""
    person, mine, other = outgoing
    user = fresh(person)
    with CaptureQueriesContext(connection) as queries, django_assert_num_queries(3):  # roles, posts, the list
        seen = set(access.visible(user, Report.objects.all()).values_list("pk", flat=True))
    theirs = {
        r.pk
        for r in Report.objects.select_related("unit")
        if access.may_see_unit(user, r.unit) or (r.responsible_id == person.pk and r.submitted_at)
    }
    assert seen == theirs and mine.pk in seen and other.pk not in seen
    (sql,) = [q["sql"] for q in queries if _reads("assessments_report", q["sql"])]
    term = term_of(sql, f'"assessments_report"."responsible_id" = {person.pk}')
    assert f'"assessments_report"."province_id" IN ({cast.discipline.pk})' in term, term


def test_one_holding_no_post_lists_their_own_reports_within_the_provinces_they_filed_in(cast, outgoing):  # noqa: F811
    """With no post left: their own reports and nothing else, read within the provinces
    they filed in (one small query for those, as they come with no posts)."""
    person, mine, _other = outgoing
    Post.objects.filter(holder=person).update(holder=None)
    with CaptureQueriesContext(connection) as queries:
        seen = set(access.visible(fresh(person), Report.objects.all()).values_list("pk", flat=True))
    filed = Report.objects.filter(responsible=person, submitted_at__isnull=False)
    assert seen == set(filed.values_list("pk", flat=True))
    assert mine.pk in seen
    (sql,) = [q["sql"] for q in queries if _reads("assessments_report", q["sql"])]
    term = term_of(sql, f'"assessments_report"."responsible_id" = {person.pk}')
    assert f'"assessments_report"."province_id" IN ({cast.discipline.pk})' in term, term
    # One who never filed anywhere is granted nothing, and no report is read by submitter.
    FiledIn.objects.filter(person=person).delete()
    with CaptureQueriesContext(connection) as queries:
        assert not access.visible(fresh(person), Report.objects.all()).exists()
    assert not any(f'"responsible_id" = {person.pk}' in q["sql"] for q in queries)


def test_an_issuers_notices_are_listed_within_the_provinces_they_issued_in(cast, period, two_provinces):  # noqa: F811
    """A leader who lost the role, keeping a post in the 党组 only: the notices they may see
    include the one they issued to the 纪检监察组 (another province), read within the
    provinces they issued in; not another's notice there. Fails on the previous main."""
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    mine = issue_notice(actor=cast.leader, unit=cast.discipline, subject="督办", body="请落实", deadline=deadline)
    theirs = issue_notice(actor=cast.admin, unit=cast.discipline, subject="另案", body="请说明", deadline=deadline)
    cast.leader.groups.clear()
    leader = fresh(cast.leader)
    with CaptureQueriesContext(connection) as queries:
        seen = set(access.visible(leader, SupervisionNotice.objects.all()).values_list("pk", flat=True))
    assert mine.pk in seen and theirs.pk not in seen
    (sql,) = [q["sql"] for q in queries if _reads("oversight_supervisionnotice", q["sql"])]
    term = term_of(sql, f'"oversight_supervisionnotice"."issued_by_id" = {cast.leader.pk}')
    filed = ", ".join(str(p) for p in sorted(FiledIn.objects.filter(person=leader).values_list("province", flat=True)))
    assert cast.discipline.pk in [int(p) for p in filed.split(", ")]
    assert f'"oversight_supervisionnotice"."province_id" IN ({filed})' in term, term


# 2. ``find``'s ``also`` grants


def opened_by(client, people: dict, url: str, table: str, pk: int) -> tuple[dict, dict]:
    """Each person's status on ``url``, and the queries reading ``table`` by the id ``pk``."""
    statuses, reads = {}, {}
    for who, person in people.items():
        client.force_login(person)
        with CaptureQueriesContext(connection) as queries:
            statuses[who] = client.get(url).status_code
        reads[who] = by_id(queries, table, pk)
    return statuses, reads


@pytest.fixture
def panel(cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return build_panel(cast)


def test_a_round_one_rates_in_is_asked_within_the_provinces_of_ones_rater_rows(cast, panel, client):
    """A committee rater holds no post: the round (its page: 403; the ballot: 200, as
    before) is asked second within the provinces of the rounds they rate in, read from
    their rater rows — ``province_id IN (…)`` as a list, one shard each on Citus. Fails on
    the previous main, which read it by id and a subquery of their rater rows alone."""
    r = panel.round
    committee = panel.committee[0]
    client.force_login(committee)
    for name, status in (("appraisals:round", 403), ("appraisals:rate", 200)):
        url = reverse(name, args=[r.pk])
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == status, url
        reads = by_id(queries, "appraisals_appraisalround", r.pk)
        assert reads, url
        named = [re.search(r'"appraisals_appraisalround"\."province_id" IN \((\d[\d, ]*)\)', sql) for sql in reads]
        assert all(named) and {m[1] for m in named} == {str(r.province_id)}, reads
    # One who rates in no round is asked nothing second: a 404.
    client.force_login(panel.peers[0])
    from appraisals.models import Rater

    Rater.objects.filter(person=panel.peers[0]).delete()
    assert client.get(reverse("appraisals:round", args=[r.pk])).status_code == 404


def test_an_appraisal_outside_ones_provinces_is_asked_naming_the_provinces(cast, panel, client, client_as, stranger):  # noqa: F811
    """A 述职 report read by a rater holding no post, by its secretary after the branch
    moved to another tree, and by a secretary of another organization: the page or 404 as
    before; the second lookup names the provinces (every root: an appraisal lies in its
    round's, which nothing the reader holds names). Fails on the previous main."""
    a = panel.a
    url = reverse("appraisals:report", args=[a.pk])
    other = Unit.objects.get(code="SHENG2")
    Unit.objects.move(Unit.objects.get(pk=cast.unit_a.pk), other, "sorted-child")
    people = {"committee": panel.committee[0], "secretary_a": cast.secretary_a, "stranger": stranger}
    statuses, reads = opened_by(client, people, url, "appraisals_appraisee", a.pk)
    assert statuses == {"committee": 200, "secretary_a": 200, "stranger": 404}
    assert all(reads.values()) and {who: unnamed(sqls, "appraisals_appraisee") for who, sqls in reads.items()} == {
        who: [] for who in reads
    }


def test_a_finding_outside_ones_provinces_is_asked_naming_the_provinces(cast, panel, client, stranger):  # noqa: F811
    """Raising a rectification from a finding, by one who may raise none: the finding not
    within their provinces is asked second naming the provinces, through its appraised
    secretary's grant — 403 for a rater (who knows of the secretary), 404 for a secretary
    of another organization, as before. Fails on the previous main, which asked it by id
    alone."""
    finding = Finding.objects.create(appraisee=panel.a, text="记录不全", raised_by=cast.admin)
    url = reverse("oversight:raise_from_finding", args=[finding.pk])
    people = {"committee": panel.committee[0], "stranger": stranger}
    statuses, reads = opened_by(client, people, url, "appraisals_finding", finding.pk)
    assert statuses == {"committee": 403, "stranger": 404}
    assert all(reads.values()) and {who: unnamed(sqls, "appraisals_finding") for who, sqls in reads.items()} == {
        who: [] for who in reads
    }


def test_a_publicity_of_another_organization_is_asked_naming_the_provinces(cast, year_data, client, stranger):  # noqa: F811
    """A 公示 is read by every post holder, of any organization: a secretary of another
    organization opens it (and gets a 404 while it is still being nominated), the round
    asked second naming the provinces (every root). Fails on the previous main."""
    round = honours.create_round(
        year=year_data.year, title="评先", kinds=["advanced_branch"], actor=cast.admin, organization=cast.party_group
    )
    Nomination.objects.create(round=round, kind="advanced_branch", unit=cast.unit_a, source="ranking", basis="第1名")
    assert HonourRound.objects.get(pk=round.pk).province_id == cast.party_group.pk != stranger.posts.get().province_id
    url = reverse("honours:notice", args=[round.pk])
    client.force_login(stranger)
    statuses, reads = {}, {}
    for state in ("nominating", "public"):
        if state == "public":
            today = timezone.localdate()
            honours.publicize(round_id=round.pk, actor=cast.admin, starts_on=today, ends_on=today)
        with CaptureQueriesContext(connection) as queries:
            statuses[state] = client.get(url).status_code
        reads[state] = by_id(queries, "honours_honourround", round.pk)
    assert statuses == {"nominating": 404, "public": 200}
    assert all(reads.values()) and {s: unnamed(sqls, "honours_honourround") for s, sqls in reads.items()} == {
        s: [] for s in reads
    }
