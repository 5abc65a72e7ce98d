"""The year-end summary (年度考核): asked for from its page, built by the worker's task,
read back cell by cell against the database, handed out only inside the asker's scope."""

import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from appraisals.models import AppraisalResult
from dashboard.models import Export
from honours.models import Honour, HonourRound, Nomination
from notifications.models import Notification
from oversight.models import Rectification
from responsibilities.models import Unit
from scoring.models import UnitScore

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def confer(cast, year, unit, kind, person=None):
    round = HonourRound.objects.get_or_create(
        year=year,
        organization=cast.party_group,
        defaults={"title": "评先", "kinds": [kind], "state": "decided", "created_by": cast.admin},
    )[0]
    nomination = Nomination.objects.create(round=round, kind=kind, unit=unit, person=person, source="ranking")
    Honour.objects.create(
        round=round, nomination=nomination, year=year, kind=kind, unit=unit, person=person,
        conferred_on=timezone.localdate(), document_number="机党发〔2026〕9号",
    )  # fmt: skip


def build(client, year, django_capture_on_commit_callbacks, unit=None):
    data = {"year": year} | ({"unit": unit.pk} if unit else {})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("honours:year_end") + (f"?unit={unit.pk}" if unit else ""), data)
    assert response.status_code == 302
    export = Export.objects.filter(kind=Export.Kind.YEAR_END).latest("created_at")
    assert export.status == Export.Status.DONE and export.progress == 100
    return export


def test_the_year_end_workbook_matches_the_database_cell_by_cell(
    client_as, cast, year_data, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    year = year_data.year
    confer(cast, year, cast.unit_a, "advanced_branch")
    confer(cast, year, cast.unit_a, "party_worker", cast.secretary_a)
    confer(cast, year - 1, cast.unit_b, "advanced_branch")  # another year: not in this summary
    client = client_as("admin")
    export = build(client, year, django_capture_on_commit_callbacks)
    assert Notification.objects.filter(recipient=cast.admin, kind="export_ready").exists()
    response = client.get(reverse("honours:year_end_download", args=[export.token]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == f"{year}年度考核汇总"
    appraisal = "述职评议（书记 · 得分 · 等次 · 名次）"
    assert rows[1] == ("单位", "编码", "类型", "上半年得分", "下半年得分", appraisal, "所获荣誉", "未销号整改")
    units = list(Unit.objects.order_by("path"))
    assert [r[1] for r in rows[2:]] == [u.code for u in units]
    for unit, row in zip(units, rows[2:], strict=True):
        scores = dict(UnitScore.objects.filter(unit=unit, period__year=year).values_list("period__half", "score"))
        assert row[0] == unit.name and row[2] == unit.get_kind_display()
        assert row[3] == (float(scores[1]) if 1 in scores else None)
        assert row[4] == (float(scores[2]) if 2 in scores else None)
        open_count = Rectification.objects.filter(unit=unit).exclude(state="closed").count()
        assert row[7] == open_count
        results = AppraisalResult.objects.filter(appraisee__unit=unit, appraisee__round__year=year)
        assert (row[5] or "").count("\n") + (1 if row[5] else 0) == results.count()
    by_code = {r[1]: r for r in rows[2:]}
    # By hand: 甲 88/90, 好 92.5 first, two honours, two open (open + reported); 乙 one open.
    assert by_code["ZBA"][3:] == (88.0, 90.0, "甲书记 · 92.5 · 好 · 1", "先进党支部、优秀党务工作者（甲书记）", 2)
    assert by_code["ZBB"][5:] == ("乙书记 · 81.0 · 较好 · 2", None, 1)
    assert by_code["ZBC"][5] == "丙书记 · 有效票不足"
    assert by_code["ZBD"][5:] == (None, None, 0)

    with django_assert_max_num_queries(12):
        page = client.get(reverse("honours:year_end"), {"year": year})
    assert page.status_code == 200 and str(export.token) in page.content.decode()


def test_the_summary_of_a_branch_holds_that_branch_only_and_stays_inside_the_scope(
    client_as, cast, year_data, django_capture_on_commit_callbacks
):
    client = client_as("secretary_a")
    export = build(client, year_data.year, django_capture_on_commit_callbacks, unit=cast.unit_a)
    assert export.unit == cast.unit_a
    response = client.get(reverse("honours:year_end_download", args=[export.token]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [r[1] for r in sheet.iter_rows(min_row=3, values_only=True)] == ["ZBA"]
    # Another branch's secretary may not know it exists; the leader (whole organization) may.
    assert client_as("secretary_b").get(reverse("honours:year_end_download", args=[export.token])).status_code == 404
    assert client_as("leader").get(reverse("honours:year_end_download", args=[export.token])).status_code == 200
    # Asking for a unit outside one's scope is a 404, and builds nothing.
    before = Export.objects.filter(kind=Export.Kind.YEAR_END).count()
    refused = client_as("secretary_b").post(
        reverse("honours:year_end") + f"?unit={cast.unit_a.pk}", {"year": year_data.year}
    )
    assert refused.status_code == 404 and Export.objects.filter(kind=Export.Kind.YEAR_END).count() == before


@pytest.mark.parametrize("year", ["", "abc", "1900", "99999"])
def test_a_bad_year_is_refused_and_builds_nothing(client_as, cast, year_data, year):
    response = client_as("admin").post(reverse("honours:year_end"), {"year": year})
    assert response.status_code == 400 and not Export.objects.exists()
    assert (
        client_as("admin")
        .get(reverse("honours:year_end_download", args=["00000000-0000-0000-0000-000000000000"]))
        .status_code
        == 404
    )


def test_a_summary_being_built_shows_its_progress_and_the_page_follows_it(client_as, cast, year_data):
    Export.objects.create(
        kind=Export.Kind.YEAR_END, year=year_data.year, requested_by=cast.admin, status="running", progress=40
    )
    html = client_as("admin").get(reverse("honours:year_end")).content.decode()
    assert 'value="40"' in html and 'data-hx-trigger="every 2s"' in html
    # Another person's build is not on my page.
    assert 'value="40"' not in client_as("leader").get(reverse("honours:year_end")).content.decode()


def test_a_summary_whose_worker_died_is_built_again_by_the_sweep(
    client_as, cast, year_data, settings, django_capture_on_commit_callbacks
):
    """The year-end summary is one of the dashboard's exports: a build that stopped
    stamping its heartbeat is failed and built afresh, and the asker finds the new one."""
    import datetime

    from dashboard.tasks import sweep_stalled_exports

    long_ago = timezone.now() - datetime.timedelta(seconds=settings.MINGZE_EXPORT_STALL_SECONDS + 60)
    dead = Export.objects.create(
        kind=Export.Kind.YEAR_END, year=year_data.year, unit=cast.unit_a, requested_by=cast.secretary_a,
        status=Export.Status.RUNNING, progress=40, heartbeat_at=long_ago, language="zh-hans",
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep_stalled_exports() == 1  # tasks run eagerly: the new build is done
    dead.refresh_from_db()
    assert dead.status == Export.Status.FAILED
    new = Export.objects.exclude(pk=dead.pk).get(kind=Export.Kind.YEAR_END)
    assert (new.status, new.year, new.unit, new.requested_by) == (
        Export.Status.DONE, year_data.year, cast.unit_a, cast.secretary_a,
    )  # fmt: skip
    client = client_as("secretary_a")
    page = client.get(reverse("honours:year_end"), {"unit": cast.unit_a.pk}).content.decode()
    assert str(new.token) in page and "失败" in page
    response = client.get(reverse("honours:year_end_download", args=[new.token]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet["A1"].value == f"{year_data.year}年度考核汇总"


def test_a_summary_asked_for_in_english_is_written_and_offered_in_english(
    client_as, cast, year_data, django_capture_on_commit_callbacks
):
    client = client_as("admin")
    client.cookies["django_language"] = "en"
    export = build(client, year_data.year, django_capture_on_commit_callbacks)
    page = client.get(reverse("honours:year_end"), {"year": year_data.year}).content.decode()
    assert "Year-end summary" in page and "Download" in page and str(export.token) in page
    response = client.get(reverse("honours:year_end_download", args=[export.token]))
    assert f"{year_data.year} year-end summary.xlsx" in response["Content-Disposition"]
    rows = list(
        openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == f"{year_data.year} year-end summary" and rows[1][0] == "Unit"
