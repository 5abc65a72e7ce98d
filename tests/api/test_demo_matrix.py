"""The API over the demo (as ``make run`` loads it), for every demo account: each list,
walked page by page, holds only rows of units that account may see, and each report's own
address answers 200 exactly when its unit is one of them. What an account may see is
worked out here from the organization tree and the posts held (treebeard's own
descendants), not asked of ``responsibilities.access``, so the API and the scope module are
checked against an independent answer."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import roles
from accounts.models import User
from assessments.models import Period, Report
from responsibilities.models import Post, Unit
from responsibilities.services import load_checklist_file
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

LISTS = ["units", "posts", "assignments", "reports", "scores", "rectifications", "notices"]


@pytest.fixture
def demo(one_day, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.DEBUG = True  # load_demo makes accounts with a public password only then
    load_checklist_file(path=settings.MINGZE_CHECKLIST_PATH, year=timezone.localdate().year)
    call_command("load_demo", stdout=io.StringIO())
    settings.DEBUG = False


def expected_units(user) -> set[int] | None:
    """None: the whole organization (admins, leaders, the supervisor, DESIGN.md)."""
    if user.is_superuser or user.groups.filter(name__in=[roles.ADMIN, roles.LEADER, roles.SUPERVISOR]).exists():
        return None
    seen = set()
    for post in Post.objects.filter(holder=user, active=True, unit__active=True).select_related("unit"):
        seen.add(post.unit.pk)
        seen.update(Unit.objects.get_descendants(post.unit).values_list("pk", flat=True))
    return seen


def walk(client, name: str) -> list[dict]:
    rows, url = [], f"/api/v1/{name}/?page_size=500"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (name, response.content[:300])
        body = response.json()
        rows += body["results"]
        url = body["next"]
    return rows


def test_every_demo_account_gets_exactly_its_scope(demo, capsys):
    accounts = list(User.objects.filter(is_active=True).order_by("username"))
    assert len(accounts) >= 10
    one_report_per_unit = {}
    for report in Report.objects.order_by("unit_id", "pk"):
        one_report_per_unit.setdefault(report.unit_id, report.pk)
    all_units = set(Unit.objects.values_list("pk", flat=True))
    periods = list(Period.objects.exclude(state=Period.State.SCHEDULED).values_list("pk", flat=True))
    leaks, checked, wrong = 0, 0, []
    for user in accounts:
        client = token_client(user, actor=user)
        seen = expected_units(user)
        allowed = all_units if seen is None else seen
        # An outgoing holder (交接, as 第四党支部's in the demo) keeps reading the reports
        # they submitted, wherever their post has gone.
        filed = set(Report.objects.filter(responsible=user, submitted_at__isnull=False).values_list("pk", flat=True))
        for name in LISTS:
            key = "id" if name == "units" else "unit"
            rows = walk(client, name)
            checked += len(rows)
            outside = [
                row[key] for row in rows if row[key] not in allowed and not (name == "reports" and row["id"] in filed)
            ]
            leaks += len(outside)
            if outside:
                wrong.append(f"{user.username} {name}: units {sorted(set(outside))}")
            if name in ("units", "reports") and seen is not None:
                missing = (allowed & {row[key] for row in rows}) != (
                    allowed if name == "units" else allowed & set(one_report_per_unit)
                )
                if missing:
                    wrong.append(f"{user.username} {name}: does not list all it may see")
        for unit_id, report_id in one_report_per_unit.items():
            code = client.get(f"/api/v1/reports/{report_id}/").status_code
            checked += 1
            if code != (200 if unit_id in allowed or report_id in filed else 404):
                wrong.append(f"{user.username} report of unit {unit_id}: {code}")
                leaks += code == 200
        for period in periods:
            body = client.get(f"/api/v1/summary/?period={period}").json()
            if seen is None:
                assert body["totals"]["units"] == len(all_units)
            else:
                assert body["status"] == 404, body
    with capsys.disabled():
        print(f"\nAPI demo matrix: accounts: {len(accounts)}, rows and reports checked: {checked}, leaks: {leaks}")
    assert wrong == [], "\n".join(wrong)
    assert leaks == 0
