"""The reads by id left after 督办, 整改 and the work log (docs/scale.md section 5, "Still to
change for Citus" item 3): a 交办 task's page, steps and files, and the API's detail reads
(``/api/v1/{posts,assignments,reports,scores,rectifications,notices}/{id}/``). The URL
names no province; each row is looked up within the reader's provinces (``access.find``:
``province_id IN (…)``, on Citus those shards only) — for an admin and a leader too — and
what hangs off it within its own. Each person gets the page, file, body, 403 or 404 they
got before."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.pagecache import bump
from tests.core.test_provinces import _joined_across_provinces
from tests.core.test_provinces_by_id import SEES_ITEMS, item_reads, other_rows, outside_a_province  # noqa: F401
from tests.core.test_provinces_spanning import keyed_tables, period, two_provinces  # noqa: F401 (fixtures)
from tests.factories import PostFactory, UserFactory

pytestmark = pytest.mark.django_db

# Who is asked: the cast, and a clerk holding a post in the 纪检监察组 only (another
# province than unit A's, the 党组's).
ROLES = ["admin", "leader", "other_leader", "supervisor", "secretary_a", "secretary_b", "clerk"]


@pytest.fixture
def clerk(cast, two_provinces):  # noqa: F811 (fixtures)
    from accounts import roles

    person = UserFactory(username="jjz_clerk", full_name="纪检干事", roles=[roles.SECRETARY])
    PostFactory(unit=cast.discipline, title="干事", held_by=person)
    cast.clerk = type(person).objects.get(pk=person.pk)
    return cast.clerk


# ---------------------------------------------------------------------------------------
# 交办: a task's page, its file and its steps

TASK_KEYS = {
    "assessments_task": ("id",),
    "assessments_taskevent": ("task_id",),
    "assessments_taskfile": ("id", "task_id"),
}
# Who gets unit A's task and the 纪检监察组's (another province): the page or the 404, as
# the task list shows them.
SEES_TASKS = {**SEES_ITEMS, "clerk": (404, 200)}


@pytest.fixture
def tasks(cast, clerk, settings, tmp_path):
    """A task of unit A and one of the 纪检监察组, each replied to with a file, and a task of
    unit A handed on from a 党组会议's decision to unit A's secretary's post (its post and
    the decision's meeting are joined on its page)."""
    from assessments import tasking
    from responsibilities.models import Post
    from tests.assessments.tasks_support import issued_task, meeting_with_decisions, receipt

    settings.MEDIA_ROOT = str(tmp_path)
    made = {}
    for unit, holder in ((cast.unit_a, cast.secretary_a), (cast.discipline, cast.supervisor)):
        task = issued_task(cast, unit=unit)
        tasking.reply_to_task(task_id=task.pk, actor=holder, reply="已办理", uploads=[receipt()])
        made[unit.pk] = {"task": task.pk, "file": task.attachments.get().pk}
    decision = meeting_with_decisions(cast).decisions.first()
    post = Post.objects.get(unit=cast.unit_a, holder=cast.secretary_a)
    made["decided"] = issued_task(cast, unit=cast.unit_a, post=post, decision=decision).pk
    return made


@pytest.mark.parametrize("who", ROLES)
def test_a_tasks_page_and_file_are_looked_up_within_the_provinces_one_reads_in(cast, tasks, client_as, who):
    """A 交办 task's page and its feedback file: the task and the file are read with
    ``province_id IN (…)`` (the reader's provinces), its timeline and files with
    ``province_id = …`` (the task's), its post and its decision's meeting joined within
    their province; each person gets the page, the file or the 404 they got before."""
    user = cast.by_role(who)
    client = client_as(who)
    pages = []
    for unit, expected in zip((cast.unit_a, cast.discipline), SEES_TASKS[who], strict=True):
        ids = tasks[unit.pk]
        pages += [
            (reverse("assessments:task", args=[ids["task"]]), expected, [ids["task"]]),
            (reverse("assessments:task_file", args=[ids["file"]]), expected, [ids["file"], ids["task"]]),
        ]
    pages.append((reverse("assessments:task", args=[tasks["decided"]]), SEES_TASKS[who][0], [tasks["decided"]]))
    for url, expected, pks in pages:
        bump()
        with CaptureQueriesContext(connection) as queries:
            got = client.get(url)
        assert got.status_code == expected, (who, url)
        reads = item_reads(queries, pks, TASK_KEYS)
        assert reads, (who, url)  # the lookup by id is captured
        assert outside_a_province(reads, user) == [], (who, url)
        assert _joined_across_provinces(queries, keyed_tables()) == [], (who, url)
        if expected == 200 and "files" not in url:
            assert got.context["task"].pk == pks[0]
    if SEES_TASKS[who][0] == 200:  # the post and the decision's meeting shown, as before
        page = client.get(reverse("assessments:task", args=[tasks["decided"]]))
        task = page.context["task"]
        assert task.post.holder == cast.secretary_a and task.decision.meeting.unit == cast.party_group
    for name in ("assessments:task", "assessments:task_file"):
        assert client.get(reverse(name, args=[10**9])).status_code == 404, (who, name)


# A step refused: who may see the task but not take the step gets the 403, who may not see
# it the 404, as before; the lookup names the provinces all the same.
REFUSED_TASK_STEPS = [
    ("leader", "assessments:task_reply", "unit_a", 403),  # not a post holder of unit A
    ("admin", "assessments:task_reply", "unit_a", 403),
    ("secretary_a", "assessments:task_settle", "unit_a", 403),  # not an admin
    ("secretary_b", "assessments:task_reply", "unit_a", 404),
    ("secretary_a", "assessments:task_reply", "discipline", 404),
    ("clerk", "assessments:task_settle", "unit_a", 404),
    ("clerk", "assessments:task_settle", "discipline", 403),
]


@pytest.mark.parametrize(("who", "step", "where", "status"), REFUSED_TASK_STEPS)
def test_a_step_on_a_task_is_refused_as_before_and_looked_up_within_the_provinces(
    cast, tasks, client_as, who, step, where, status
):
    user = cast.by_role(who)
    pk = tasks[getattr(cast, where).pk]["task"]
    with CaptureQueriesContext(connection) as queries:
        got = client_as(who).post(reverse(step, args=[pk]), {"reply": "已办理", "action": "close", "comment": ""})
    assert got.status_code == status
    reads = item_reads(queries, [pk], TASK_KEYS)
    assert reads and outside_a_province(reads, user) == []


def test_a_tasks_steps_are_taken_within_its_province(cast, tasks, client_as):
    """The admin closes unit A's task from its page: looked up and locked within its
    province, and closed."""
    from assessments.models import Task

    user = cast.admin
    pk = tasks[cast.unit_a.pk]["task"]
    with CaptureQueriesContext(connection) as queries:
        got = client_as("admin").post(reverse("assessments:task_settle", args=[pk]), {"action": "close", "comment": ""})
    assert got.status_code == 302
    assert Task.objects.get(pk=pk).state == Task.State.CLOSED
    reads = item_reads(queries, [pk], TASK_KEYS)
    assert reads and outside_a_province(reads, user) == []


# ---------------------------------------------------------------------------------------
# The API's detail reads

API_KEYS = {
    "responsibilities_post": ("id",),
    "responsibilities_assignment": ("id",),
    "assessments_report": ("id",),
    "assessments_evidence": ("report_id",),
    "scoring_unitscore": ("id",),
    "scoring_scoreline": ("unit_score_id",),
    "oversight_rectification": ("id",),
    "oversight_supervisionnotice": ("id",),
}


@pytest.fixture
def api_rows(cast, period, clerk, other_rows, settings, tmp_path):  # noqa: F811 (fixtures)
    """A row of each endpoint in unit A and in the 纪检监察组: a post, an assignment, a
    report with a file, a unit score with its breakdown, a rectification, a notice."""
    from django.utils import timezone

    from assessments.models import Report
    from assessments.services import add_evidence
    from responsibilities.models import Assignment, Post
    from scoring.models import UnitScore
    from scoring.services import compute_scores
    from tests.assessments.files import pdf, upload

    settings.MEDIA_ROOT = str(tmp_path)
    compute_scores(period=period)
    made = {}
    for unit in (cast.unit_a, cast.discipline):
        report = Report.objects.filter(period=period, unit=unit).order_by("pk").first()
        Report.objects.filter(pk=report.pk).update(state="draft", submitted_at=None)
        report = Report.objects.select_related("assignment__post__holder").get(pk=report.pk)
        add_evidence(
            report_id=report.pk,
            actor=report.assignment.post.holder,
            upload=upload("会议记录.pdf", pdf()),
            description="会议记录",
            work_date=timezone.localdate(),
        )
        made[unit.pk] = {
            "posts": Post.objects.filter(unit=unit).order_by("pk").first().pk,
            "assignments": Assignment.objects.filter(unit=unit).order_by("pk").first().pk,
            "reports": report.pk,
            "scores": UnitScore.objects.get(period=period, unit=unit).pk,
            "rectifications": other_rows[unit.pk]["rectification"].pk,
            "notices": other_rows[unit.pk]["notice"].pk,
        }
    return made


def in_scope(user, endpoint: str, pk: int) -> bool:
    """Whether ``pk`` is among the rows ``endpoint``'s list gives ``user`` (the scope its
    detail read had before: ``ScopedViewSet.scoped``)."""
    from api import views

    viewsets = {
        "posts": views.PostViewSet,
        "assignments": views.AssignmentViewSet,
        "reports": views.ReportViewSet,
        "scores": views.ScoreViewSet,
        "rectifications": views.RectificationViewSet,
        "notices": views.NoticeViewSet,
    }
    view = viewsets[endpoint]()
    view.request = type("Request", (), {"user": user})()
    view.action = "list"
    return view.scoped(view.queryset.all()).filter(pk=pk).exists()


@pytest.mark.parametrize("who", ROLES)
def test_an_api_detail_is_looked_up_within_the_provinces_one_reads_in(cast, api_rows, who):
    """``GET /api/v1/{endpoint}/{id}/``: the row is read with ``province_id IN (…)`` — an
    admin's and a leader's too, whose scope named no province — and what hangs off it (a
    report's files, a score's breakdown) with its province; each person gets the body or
    the 404 they got before (the row as their list gives it, or the problem body)."""
    from tests.api.conftest import token_client

    user = cast.by_role(who)
    client = token_client(user, actor=cast.admin)
    for unit in (cast.unit_a, cast.discipline):
        for endpoint, pk in api_rows[unit.pk].items():
            with CaptureQueriesContext(connection) as queries:
                got = client.get(f"/api/v1/{endpoint}/{pk}/")
            visible = in_scope(user, endpoint, pk)
            assert got.status_code == (200 if visible else 404), (who, unit.code, endpoint)
            reads = item_reads(queries, [pk], API_KEYS)
            assert reads, (who, endpoint)
            assert outside_a_province(reads, user) == [], (who, unit.code, endpoint)
            assert _joined_across_provinces(queries, keyed_tables()) == [], (who, unit.code, endpoint)
            if visible:
                body = got.json()
                assert body["id"] == pk
                listed = client.get(f"/api/v1/{endpoint}/", {"unit": unit.pk, "page_size": 500}).json()
                rows = listed["results"] if isinstance(listed, dict) else listed
                row = next((r for r in rows if r["id"] == pk), None)
                if row is not None:  # the list's fields, as the detail gives them
                    assert {k: body[k] for k in row} == row, (who, endpoint)
                if endpoint == "reports":
                    assert [f["original_name"] for f in body["evidence"]] == ["会议记录.pdf"]
                if endpoint == "scores":
                    assert body["breakdown"], who
            else:
                assert got.json()["status"] == 404
    for endpoint in api_rows[cast.unit_a.pk]:
        assert client.get(f"/api/v1/{endpoint}/{10**9}/").status_code == 404, (who, endpoint)
