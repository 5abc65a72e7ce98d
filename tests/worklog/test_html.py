"""The work records' pages are valid HTML in the states the link crawl does not reach: a
form with its errors, a talk with its notes, an import's preview with bad rows."""

import pytest
from django.urls import reverse

from responsibilities.models import WorkType
from tests.trust.test_html_valid import validate

from .conftest import make_record, photo
from .test_import import LEDGER, workbook

pytestmark = pytest.mark.django_db


def test_the_pages_are_valid_html(client_as, cast, duties, talk, tmp_path):
    client = client_as("secretary_a")
    record = make_record(cast.unit_a, cast.secretary_a, kind=WorkType.THEME_DAY, topic="主题党日")
    client.post(reverse("worklog:record_files", args=[record.pk]), {"files": [photo()]})
    draft = make_record(cast.unit_a, cast.secretary_a, record_now=False)
    pages = {
        "new": client.get(reverse("worklog:record_new")),
        "new with errors": client.post(reverse("worklog:record_new"), {"kind": WorkType.TALK, "held_on": "x"}),
        "record": client.get(reverse("worklog:record", args=[record.pk])),
        "talk": client.get(reverse("worklog:record", args=[talk.pk])),
        "edit": client.get(reverse("worklog:record_edit", args=[draft.pk])),
        "list": client.get(reverse("worklog:records"), {"kind": WorkType.THEME_DAY, "since": "bad"}),
        "import": client.get(reverse("worklog:import")),
        "preview": client.post(reverse("worklog:import"), {"unit": cast.unit_a.pk, "file": workbook(LEDGER)}),
        "home": client.get(reverse("assessments:my_reports")),
    }
    assert {name: r.status_code for name, r in pages.items() if r.status_code not in (200, 400)} == {}
    folder = tmp_path / "html"
    folder.mkdir()
    assert validate({name: r.content.decode() for name, r in pages.items()}, folder) == []
