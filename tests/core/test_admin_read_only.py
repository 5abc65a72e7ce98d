"""The Django admin cannot go around the services: every row whose change must leave an
event is either not in the admin at all or shown read-only there — its list and its page
answer, but adding, saving and deleting are refused and leave the row as it was."""

import io

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.urls import reverse

from responsibilities.models import Succession, Unit, UnitKind

pytestmark = pytest.mark.django_db

# Each changes only through a service that records the step (留痕), or is such a record.
EVENT_BEARING = [
    "assessments.Period",
    "assessments.Report",
    "assessments.ReportEvent",
    "assessments.Evidence",
    "assessments.Task",
    "assessments.TaskEvent",
    "assessments.TaskFile",
    "assessments.Decision",
    "assessments.UnitPlan",
    "worklog.WorkRecord",
    "worklog.WorkRecordEvent",
    "worklog.RecordFile",
    "responsibilities.Succession",
    "honours.HonourRound",
    "honours.Nomination",
    "honours.Objection",
    "honours.Honour",
    "honours.HonourEvent",
    "oversight.Rectification",
    "oversight.SupervisionNotice",
    "oversight.NoticeCounter",
    "oversight.Event",
    "oversight.Attachment",
    "appraisals.AppraisalRound",
    "appraisals.Criterion",
    "appraisals.GradeLevel",
    "appraisals.Appraisee",
    "appraisals.AppraisalEvidence",
    "appraisals.Rater",
    "appraisals.Ballot",
    "appraisals.BallotScore",
    "appraisals.BallotToken",
    "appraisals.AppraisalResult",
    "appraisals.Finding",
    "appraisals.AppraisalEvent",
    "audit.AuditLink",
    "audit.ChainHead",
]


@pytest.fixture
def demo(settings, tmp_path):
    """The demo's data: every one of those models has rows."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("load_checklist", verbosity=0)
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False
    # The demo merges no unit: a recorded merge to try (its rows move nothing here).
    branches = Unit.objects.filter(kind=UnitKind.BRANCH).order_by("path")[:2]
    Succession.objects.create(predecessor=branches[0], successor=branches[1], kind=Succession.Kind.MERGE, reason="撤并")


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _state(model, pk):
    row = model._default_manager.filter(pk=pk).first()
    return None if row is None else model_to_dict(row)


def test_every_event_bearing_model_is_read_only_or_absent_in_the_admin(client, demo, subtests):
    superuser = get_user_model().objects.get(username="admin")
    assert superuser.is_superuser
    client.force_login(superuser)
    for label in EVENT_BEARING:
        model = apps.get_model(label)
        with subtests.test(model=label):
            if not admin.site.is_registered(model):
                assert client.get(f"/admin/{model._meta.app_label}/{model._meta.model_name}/").status_code == 404
                continue  # no admin page at all: nothing to go around the services with
            row = model._default_manager.order_by("pk").first()
            assert row is not None, f"the demo has no {label} to try"
            assert client.get(_url(model, "changelist")).status_code == 200
            pk = quote(row.pk)
            page = client.get(_url(model, "change", pk))
            assert page.status_code == 200
            assert 'name="_save"' not in page.content.decode()
            before = _state(model, row.pk)
            # A save, an add, a delete and the list's delete action: refused, nothing changed.
            assert client.post(_url(model, "change", pk), {"comment": "edited", "state": "closed"}).status_code == 403
            assert client.get(_url(model, "add")).status_code == 403
            assert client.post(_url(model, "add"), {"comment": "made"}).status_code == 403
            assert client.post(_url(model, "delete", pk), {"post": "yes"}).status_code == 403
            client.post(
                _url(model, "changelist"), {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
            )
            assert _state(model, row.pk) == before
            count = model._default_manager.count()
            client.post(_url(model, "add"), {"comment": "made"})
            assert model._default_manager.count() == count


def test_inlines_offer_no_add_change_or_delete(rf):
    """The rows shown inside a report's, a rectification's or a round's page are read-only too."""
    request = rf.get("/")
    request.user = get_user_model()(is_superuser=True, is_active=True, is_staff=True)
    found = 0
    for label in EVENT_BEARING:
        model = apps.get_model(label)
        if not admin.site.is_registered(model):
            continue
        for inline in admin.site.get_model_admin(model).get_inline_instances(request):
            found += 1
            assert not inline.has_add_permission(request, None)
            assert not inline.has_change_permission(request, None)
            assert not inline.has_delete_permission(request, None)
    assert found >= 5
