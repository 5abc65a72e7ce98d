"""述职评议 and 评先评优 within one province (issue 16 item 5, docs/scale.md section 5, "Still
to change for Citus" item 3): a round, an appraised secretary, a 述职 file and a nomination
read by their id are looked up with ``province_id`` in the SQL (the reader's provinces:
on Citus their shards only); each step of a round locks its row naming the province; the
round's own pages, the ballot and the 台账 import join keyed tables within one province.
Each person gets the page, the 404 or the 403 they got before."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from appraisals import services as appraisals
from appraisals.models import AppraisalEvidence, AppraisalResult, AppraisalRound, Appraisee
from core.pagecache import bump, bump_people
from honours import services as honours
from honours.models import Honour, HonourRound, Nomination
from responsibilities.models import Unit, UnitKind
from tests.appraisals.conftest import build_panel, vote_hand_example
from tests.assessments.files import pdf, upload
from tests.core.test_provinces import _joined_across_provinces, _read_outside_a_province
from tests.core.test_provinces_spanning import keyed_tables
from tests.factories import PostFactory, UnitFactory, UserFactory
from tests.honours.conftest import year_data  # noqa: F401 (a fixture)
from tests.services import need_postgres
from tests.worklog.conftest import duties, secretary_post_a  # noqa: F401 (fixtures)
from tests.worklog.test_import import LEDGER, workbook

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def get(client, url, data=None):
    bump()
    bump_people()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, data or {})
    return page, queries


def post(client, url, data=None):
    with CaptureQueriesContext(connection) as queries:
        page = client.post(url, data or {})
    return page, queries


def by_id(queries, table: str, pk) -> list[str]:
    """The queries reading ``table`` itself by the id ``pk`` (the row a URL names)."""
    pattern = rf'FROM "{table}" .*"{table}"\."id" = {pk}\b'
    return [q["sql"] for q in queries if re.search(pattern, q["sql"])]


def outside(sqls: list[str], table: str) -> list[str]:
    """Those of ``sqls`` that name no province of ``table``'s row."""
    return [sql for sql in sqls if not re.search(rf'"{table}"\."province_id" (= |IN \()', sql)]


def locks(queries, table: str) -> list[str]:
    return [
        q["sql"] for q in queries if f'FROM "{table}"' in q["sql"] and re.search(r" FOR (NO KEY )?UPDATE", q["sql"])
    ]


_OUTER = re.compile(r'LEFT OUTER JOIN "(\w+)"(?: (\w+))? ON \((.*?)\)(?= (?:LEFT|INNER|WHERE|ORDER|GROUP|LIMIT)\b|$)')


def outer_joined_without_province(queries, tables) -> list[str]:
    """The queries with an outer join of a keyed table whose ``ON`` does not carry the
    provinces' equality: Citus plans an outer join between distributed tables only with
    the distribution column in its ``ON`` (an equality in the ``WHERE`` is not enough)."""
    keyed = set(tables)
    found = []
    for query in queries:
        for table, alias, on in _OUTER.findall(query["sql"]):
            name = alias or f'"{table}"'
            if table in keyed and not re.search(rf'{re.escape(name)}\."province_id" = ', on):
                found.append(query["sql"])
                break
    return found


@pytest.fixture
def stranger(cast):
    """A secretary of another organization (a root of its own: another province)."""
    other = UnitFactory(code="SHENG2", name="另一省党组", kind=UnitKind.LEADING_GROUP)
    branch = UnitFactory(code="S2ZB", name="另一省支部", kind=UnitKind.BRANCH, parent=other)
    person = UserFactory(username="sec_far", full_name="外省书记", roles=[roles.SECRETARY])
    PostFactory(unit=branch, title="支部书记", held_by=person)
    assert Unit.objects.get(pk=branch.pk).province_id == other.pk != cast.party_group.pk
    return person


@pytest.fixture
def panel(cast, settings, tmp_path):
    """An open round of the 党组 (the cast's leaders rate in it, with three committee
    members and three peers who hold no post) and a file on 甲书记's report."""
    settings.MEDIA_ROOT = str(tmp_path)
    made = build_panel(cast)
    appraisals.add_evidence(appraisee_id=made.a.pk, actor=cast.secretary_a, upload=upload("述职材料.pdf", pdf()))
    return made


def test_a_rounds_pages_read_it_within_the_readers_provinces(cast, panel, client, stranger):
    """The round's page, the ballot, a 述职 report and its file, for each who may and may
    not: the same page, 404 or 403 as before; the round, the secretary and the file are
    looked up with ``province_id`` (a rater who holds no post excepted: asked second, by id
    alone), and every join of keyed tables lies within one province."""
    r, a = panel.round, panel.a
    evidence = AppraisalEvidence.objects.get(appraisee=a)
    committee = panel.committee[0]  # a rater who holds no post
    people = {
        "admin": cast.admin,
        "leader": cast.leader,
        "supervisor": cast.supervisor,
        "secretary_a": cast.secretary_a,
        "secretary_b": cast.secretary_b,
        "committee": committee,
        "stranger": stranger,
    }
    # Who reads a 述职 report and its files: the leadership, its secretary, its raters.
    readers = dict.fromkeys(["admin", "leader", "supervisor", "secretary_a", "committee"], 200)
    nobody = dict.fromkeys(people, 404)
    pages = {
        # (url, the table its id names, the id): each role's answer, as before
        (reverse("appraisals:round", args=[r.pk]), "appraisals_appraisalround", r.pk): {
            **nobody, "admin": 200, "leader": 200, "supervisor": 200, "committee": 403,
        },
        (reverse("appraisals:rate", args=[r.pk]), "appraisals_appraisalround", r.pk): {
            **nobody, "admin": 403, "leader": 200, "supervisor": 403, "committee": 200,
        },
        (reverse("appraisals:report", args=[a.pk]), "appraisals_appraisee", a.pk): {**nobody, **readers},
        (reverse("appraisals:evidence", args=[evidence.pk]), "appraisals_appraisalevidence", evidence.pk): {
            **nobody, **readers,
        },
    }  # fmt: skip
    wrong, unkeyed, joined = {}, {}, {}
    for (url, table, pk), answers in pages.items():
        for who, status in answers.items():
            client.force_login(people[who])
            page, queries = get(client, url)
            if page.status_code != status:
                wrong[(url, who)] = page.status_code
            found = by_id(queries, table, pk)
            assert found, (url, who)
            if who != "committee" and outside(found[:1], table):
                unkeyed[(url, who)] = found[0]
            if _joined_across_provinces(queries, keyed_tables()):
                joined[(url, who)] = _joined_across_provinces(queries, keyed_tables())
    assert wrong == {}
    assert unkeyed == {}
    assert joined == {}


def test_a_closed_rounds_results_and_ones_own_page_join_within_the_province(cast, panel, client_as):
    """The results, one secretary's result and 我的述职 (with its result and grade beside
    each round: an outer join whose ``ON`` names the province)."""
    vote_hand_example(panel)
    appraisals.close_round(round_id=panel.round.pk, actor=cast.admin)
    appraisals.publish_round(round_id=panel.round.pk, actor=cast.admin)
    pages = [
        ("admin", reverse("appraisals:results", args=[panel.round.pk])),
        ("leader", reverse("appraisals:result", args=[panel.a.pk])),
        ("secretary_a", reverse("appraisals:result", args=[panel.a.pk])),
        ("secretary_a", reverse("appraisals:my_appraisal")),
    ]
    joined, outer = {}, {}
    for who, url in pages:
        page, queries = get(client_as(who), url)
        assert page.status_code == 200, (who, url)
        joined[url] = _joined_across_provinces(queries, keyed_tables())
        outer[url] = outer_joined_without_province(queries, keyed_tables())
    score = f"{AppraisalResult.objects.get(appraisee=panel.a).score:.1f}"
    assert score in get(client_as("secretary_a"), reverse("appraisals:my_appraisal"))[0].content.decode()
    assert {url: found for url, found in joined.items() if found} == {}
    assert {url: found for url, found in outer.items() if found} == {}


def test_an_appraised_secretary_whose_branch_moved_away_still_reads_their_report(cast, panel, client_as):
    """An appraisee stays in its round's province when its branch moves to another tree
    (docs/scale.md 5, item 3): its secretary, whose posts now lie in the other province,
    still reads their report (``access.find``'s second lookup)."""
    other = UnitFactory(code="SHENG2", name="另一省党组", kind=UnitKind.LEADING_GROUP)
    Unit.objects.move(Unit.objects.get(pk=cast.unit_a.pk), Unit.objects.get(pk=other.pk), "sorted-child")
    assert Appraisee.objects.get(pk=panel.a.pk).province_id == cast.party_group.pk
    page, _queries = get(client_as("secretary_a"), reverse("appraisals:report", args=[panel.a.pk]))
    assert page.status_code == 200
    assert get(client_as("secretary_b"), reverse("appraisals:report", args=[panel.a.pk]))[0].status_code == 404


def test_the_steps_of_a_round_lock_it_within_its_province(cast, client_as, settings, tmp_path):
    """From their pages: set-up, open, the secretary's report and file, a ballot, close,
    publish and a finding. Each step locks the round or the secretary with the province
    named (read with it by the page), and does what it did."""
    need_postgres()  # a row lock (FOR UPDATE) is PostgreSQL's: SQLite locks the file
    settings.MEDIA_ROOT = str(tmp_path)
    panel = build_panel(cast, open_it=False)
    r = panel.round
    criteria, levels = list(r.criteria.order_by("order")), list(r.levels.order_by("-points"))
    form = {
        "title": r.title, "due_on": "", "min_valid_ballots": 3, "leadership_weight": 50, "committee_weight": 30,
        "peer_weight": 20, "peer_sample_size": 3,
        "criteria-TOTAL_FORMS": len(criteria), "criteria-INITIAL_FORMS": len(criteria),
        "levels-TOTAL_FORMS": len(levels), "levels-INITIAL_FORMS": len(levels),
    }  # fmt: skip
    for n, c in enumerate(criteria):
        form.update({f"criteria-{n}-name": c.name, f"criteria-{n}-description": "", f"criteria-{n}-weight": c.weight})
    for n, level in enumerate(levels):
        form.update({f"levels-{n}-{k}": getattr(level, k) for k in ("name", "points", "min_score")})
    done = {}

    def step(who, name, pk, table, data=None):
        page, queries = post(client_as(who), reverse(f"appraisals:{name}", args=[pk]), data)
        assert page.status_code == 302, (name, page.status_code)
        done[name] = locks(queries, table)

    step("admin", "round_edit", r.pk, "appraisals_appraisalround", form)
    step("admin", "participants", r.pk, "appraisals_appraisalround", {"action": "defaults"})
    # The defaults drew a new sample: the panel's own participants again, then open it.
    appraisals.set_participants(
        round_id=r.pk,
        actor=cast.admin,
        posts=[x.post for x in (panel.a, panel.b, panel.c)],
        raters={role: [u.pk for u in people] for role, people in panel_roles(panel).items()},
    )
    a = Appraisee.objects.get(round=r, person=cast.secretary_a)
    step("admin", "open", r.pk, "appraisals_appraisalround")
    step("secretary_a", "report", a.pk, "appraisals_appraisee", {"report": "述职", "answers": ""})
    step("secretary_a", "evidence_upload", a.pk, "appraisals_appraisee", {"file": upload("材料.pdf", pdf())})
    # The scale and criteria as the set-up saved them anew.
    best, criteria = r.levels.order_by("-points").first(), list(r.criteria.all())
    appraised = list(r.appraisees.all())
    step(
        "leader",
        "rate",
        r.pk,
        "appraisals_appraisalround",
        {f"m_{x.pk}_{c.pk}": best.pk for x in appraised for c in criteria},
    )
    assert appraisals.has_voted(round_id=r.pk, user=cast.leader)
    for who in panel.leadership[1:] + panel.committee + panel.peers:
        marks = {x.pk: {c.pk: best.pk for c in criteria} for x in appraised if x.person_id != who.pk}
        appraisals.cast_ballots(round_id=r.pk, rater=who, marks=marks)
    step("admin", "close", r.pk, "appraisals_appraisalround")
    step("admin", "publish", r.pk, "appraisals_appraisalround")
    step("leader", "finding_add", a.pk, "appraisals_appraisee", {"text": "记录不全"})
    r.refresh_from_db()
    assert r.state == AppraisalRound.State.PUBLISHED and a.findings.count() == 1 and a.evidence.count() == 1
    assert Appraisee.objects.get(pk=a.pk).report == "述职"
    assert AppraisalResult.objects.filter(appraisee__round=r, enough_ballots=True).count() == 3
    province = f'."province_id" = {cast.party_group.pk}'
    assert {name: len(taken) for name, taken in done.items()} == dict.fromkeys(done, 1)
    assert {name: taken[0] for name, taken in done.items() if province not in taken[0]} == {}


def panel_roles(panel) -> dict:
    return {"leadership": panel.leadership, "committee": panel.committee, "peer": panel.peers}


def test_an_honours_rounds_page_and_its_steps_stay_in_its_province(cast, year_data, client_as, stranger):  # noqa: F811
    """The round's page (the admin's), the 公示 (every post holder's, of any organization):
    the round looked up with ``province_id``, its joins within the province; each step
    locks the round naming its province, a nomination is looked up in it, and the round
    runs as before, from drawing to the decision."""
    need_postgres()  # a row lock (FOR UPDATE) is PostgreSQL's: SQLite locks the file
    admin = client_as("admin")
    round = honours.create_round(
        year=year_data.year,
        title="评先",
        kinds=["advanced_branch", "party_worker"],
        actor=cast.admin,
        organization=cast.party_group,
    )
    province = f'"honours_honourround"."province_id" = {cast.party_group.pk}'

    def act(action):
        return reverse("honours:round_action", args=[round.pk, action])

    taken, named = {}, {}
    page, queries = post(admin, act("draw"))
    assert page.status_code == 302
    taken["draw"] = locks(queries, "honours_honourround")
    steps = [
        ("add", {"add-kind": "advanced_branch", "add-unit": year_data.unit_d.pk, "add-reason": "抗洪突出"}),
        ("withdraw", {"wd-nomination": "B", "wd-reason": "本年度有问责情况"}),
        (
            "publicize",
            {"pub-starts_on": TODAY() - datetime.timedelta(10), "pub-ends_on": TODAY() - datetime.timedelta(3)},
        ),
        ("objection", {"obj-nomination": "C", "obj-text": "反映会议记录补写"}),
        ("decide", {"dec-decided_on": TODAY(), "dec-document_number": "机党发〔2026〕9号"}),
    ]
    b = Nomination.objects.get(round=round, kind="advanced_branch", unit=cast.unit_b)
    c = Nomination.objects.get(round=round, kind="advanced_branch", unit=year_data.unit_c)
    for action, data in steps:
        data = {k: {"B": b.pk, "C": c.pk}.get(v, v) if isinstance(v, str) else v for k, v in data.items()}
        page, queries = post(admin, act(action), data)
        assert page.status_code == 302, (action, page.content.decode()[:3000])
        taken[action] = locks(queries, "honours_honourround")
        nomination = {"withdraw": b, "objection": c}.get(action)
        if nomination is not None:
            named[action] = outside(by_id(queries, "honours_nomination", nomination.pk), "honours_nomination")
    round.refresh_from_db()
    assert round.state == HonourRound.State.DECIDED and Honour.objects.filter(round=round).count() == 5
    assert {step: len(sqls) for step, sqls in taken.items()} == dict.fromkeys(taken, 1)
    assert {step: sqls[0] for step, sqls in taken.items() if province not in sqls[0]} == {}
    assert named == {"withdraw": [], "objection": []}

    # The pages: each reader's answer as before, the round looked up with the province
    # (a post holder of another organization reads the 公示 too: asked second, by id alone).
    pages = {
        reverse("honours:round", args=[round.pk]): {"admin": 200, "leader": 403, "secretary_a": 403},
        reverse("honours:notice", args=[round.pk]): {"admin": 200, "leader": 200, "secretary_a": 200},
    }
    unkeyed, joined = {}, {}
    for url, answers in pages.items():
        for who, status in answers.items():
            page, queries = get(client_as(who), url)
            assert page.status_code == status, (url, who)
            if status == 200:
                found = by_id(queries, "honours_honourround", round.pk)
                assert found, (url, who)
                unkeyed[(url, who)] = outside(found[:1], "honours_honourround")
            joined[(url, who)] = _joined_across_provinces(queries, keyed_tables())
    client = client_as("anonymous")
    client.force_login(stranger)
    assert client.get(reverse("honours:notice", args=[round.pk])).status_code == 200
    assert {k: v for k, v in unkeyed.items() if v} == {}
    assert {k: v for k, v in joined.items() if v} == {}


def test_the_ledger_import_reads_and_joins_within_the_units_province(cast, client_as, duties):  # noqa: F811
    """The 台账 import (upload → preview → confirm): the unit's work records are read with
    its province, and no join of keyed tables crosses provinces; the rows are saved."""
    from worklog.models import WorkRecord

    client = client_as("secretary_a")
    page, shown = get(client, reverse("worklog:import"))
    assert page.status_code == 200
    with CaptureQueriesContext(connection) as previewed:
        page = client.post(reverse("worklog:import"), {"unit": cast.unit_a.pk, "file": workbook(LEDGER)})
    assert page.status_code == 200
    token = client.session["worklog_import"]["token"]
    page, confirmed = post(client, reverse("worklog:import_confirm"), {"token": token})
    assert page.status_code == 302 and WorkRecord.objects.filter(unit=cast.unit_a).count() == 3
    queries = [*shown, *previewed, *confirmed]
    assert _joined_across_provinces(queries, keyed_tables()) == []
    assert _read_outside_a_province(previewed, ["worklog_workrecord"]) == []
