"""An export holds exactly the units of the dashboard it was built from, and is handed out
only to those whose scope covers them (DESIGN.md, "Who sees what"): the 机关党委's
secretary sees the committee and the branches under it, on the page and in the files.

The units of a dashboard are those of its completion table and of every drill-down below
it; the units of a workbook are the rows of its summary sheet; those of a hearing pack the
unit names in its text.
"""

import io
import re

import openpyxl
import pypdf
import pytest
from django.urls import reverse

from dashboard.models import Export
from responsibilities.models import Unit
from responsibilities.services import set_post_holder
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROW = re.compile(r'<tr data-unit="([^"]+?)(?:-own)?">')
DRILL = re.compile(r'<th scope="row"[^>]*><a href="([^"]+)">')


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def committee_secretary(cast):
    person = UserFactory(username="chen_t", full_name="机关党委书记甲", roles=["secretary"])
    set_post_holder(post=cast.committee.posts.get(title="机关党委书记"), person=person)
    return person


def dashboard_units(client, url: str) -> set[str]:
    """The unit codes the dashboard at ``url`` shows, with every drill-down below it."""
    seen, todo, codes = set(), [url], set()
    while todo:
        page = todo.pop()
        if page in seen:
            continue
        seen.add(page)
        response = client.get(page)
        assert response.status_code == 200, page
        html = response.content.decode()
        codes |= set(ROW.findall(html))
        todo += [link.replace("&amp;", "&") for link in DRILL.findall(html)]
    return codes


def build_from_dashboard(client, period, kind, unit, django_capture_on_commit_callbacks) -> Export:
    """Press the dashboard's button (the period and unit it carries) and let the worker build."""
    form = {"period": period.pk, "kind": kind}
    if unit is not None:
        form["unit"] = unit.pk
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("dashboard:export_create"), form).status_code == 302
    export = Export.objects.filter(kind=kind).latest("created_at")
    assert export.status == Export.Status.DONE, export.error
    return export


def download(client, export):
    return client.get(reverse("dashboard:export_download", args=[export.token]))


def workbook_units(content: bytes) -> set[str]:
    rows = list(openpyxl.load_workbook(io.BytesIO(content))["概览"].iter_rows(min_row=3, values_only=True))
    return {row[1] for row in rows if row[1]}


def pack_units(content: bytes) -> set[str]:
    """The units whose names the pack prints (no unit's name is part of another's here, and
    the pack's own words name no unit)."""
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    text = re.sub(r"\s+", "", text)
    return {unit.code for unit in Unit.objects.all() if unit.name in text}


def test_the_committee_secretarys_dashboard_shows_the_branches_under_it(client, cast, data, committee_secretary):
    client.force_login(committee_secretary)
    assert dashboard_units(client, reverse("dashboard:index")) == {"JGDW", "ZBA", "ZBB"}


@pytest.mark.parametrize("kind", [Export.Kind.EXCEL, Export.Kind.PDF])
def test_an_export_holds_exactly_the_units_of_the_requesters_dashboard(
    client, cast, data, committee_secretary, django_capture_on_commit_callbacks, kind
):
    read = workbook_units if kind == Export.Kind.EXCEL else pack_units
    for person, unit in [(committee_secretary, cast.committee), (cast.secretary_a, cast.unit_a), (cast.leader, None)]:
        client.force_login(person)
        shown = dashboard_units(client, reverse("dashboard:index") + (f"?unit={unit.pk}" if unit else ""))
        export = build_from_dashboard(client, data.cur, kind, unit, django_capture_on_commit_callbacks)
        response = download(client, export)
        assert response.status_code == 200
        assert read(b"".join(response.streaming_content)) == shown, person


def test_a_download_is_refused_to_whom_its_units_are_not_visible(
    client, cast, data, committee_secretary, django_capture_on_commit_callbacks
):
    def build(unit):
        return build_from_dashboard(client, data.cur, Export.Kind.EXCEL, unit, django_capture_on_commit_callbacks)

    client.force_login(cast.leader)
    of_committee = build(cast.committee)
    of_everything = build(None)
    client.force_login(cast.secretary_a)
    of_branch = build(cast.unit_a)
    expected = {
        # a leader's export of the committee's subtree: its secretary sees those units too
        (committee_secretary, of_committee): 200,
        (committee_secretary, of_branch): 200,
        (committee_secretary, of_everything): 404,
        (cast.secretary_a, of_committee): 404,
        (cast.secretary_a, of_everything): 404,
        (cast.secretary_b, of_branch): 404,
        (cast.supervisor, of_branch): 200,
    }
    answers = {}
    for (person, export), _status in expected.items():
        client.force_login(person)
        answers[(person, export)] = download(client, export).status_code
    assert answers == expected
