"""The API's permission matrix: every endpoint × every member of the cast (and the
matrix's own three: the 机关党委's secretary and member, an admin holding a post in unit A)
× GET and POST, with objects of unit A. Every list is checked item by item against the
units each person may see, written out here by hand (DESIGN.md, "Who sees what"), so a
list that lets one row too many through is a leak; a refused request must change nothing.
A URL of the API with no entry in ENDPOINTS fails the test."""

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from notifications.models import Notification
from responsibilities.models import Assignment, Checklist, Duty, Post, Unit
from scoring.models import UnitScore
from tests.api.conftest import token_client
from tests.trust.test_permission_matrix import ROLES, fingerprint

pytestmark = pytest.mark.django_db

EVERYONE = set(ROLES) - {"anonymous"}
ORG = {"admin", "admin_in_a", "leader", "other_leader", "supervisor"}
COMMITTEE = {"committee_secretary", "committee_member"}
SEES_A = ORG | {"secretary_a"} | COMMITTEE
# Only the holder of the post that carries the report files it (issue 12): unit A's
# secretary, not the admin who also holds a post in unit A.
ACTS_FOR_A = {"secretary_a"}
# The 安全管理员 and 审计管理员 (三员分立) are refused the dashboard's figures outright.
NOT_ORG = {"security_admin", "audit_admin"}


def api_url_names() -> set[str]:
    found = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace == "api":
                found.add(f"api:{pattern.name}")

    walk(get_resolver().url_patterns, None)
    return found


def seen_units(cast) -> dict[str, set[int] | None]:
    """The unit ids each role sees; None: every unit."""
    branch_c = Unit.objects.get(code="ZBC").pk
    under_committee = {cast.committee.pk, cast.unit_a.pk, cast.unit_b.pk, branch_c}
    return {
        **dict.fromkeys(ORG),
        "secretary_a": {cast.unit_a.pk},
        "secretary_b": {cast.unit_b.pk},
        "committee_secretary": under_committee,
        "committee_member": under_committee,
    }


@pytest.fixture
def api_objects(cast, objects, people, report_a):
    note = Notification.objects.filter(recipient=cast.secretary_a).first() or Notification.objects.create(
        recipient=cast.secretary_a, kind="test", title="提醒"
    )
    return {
        "unit": cast.unit_a.pk,
        "post": Post.objects.filter(unit=cast.unit_a).first().pk,
        "checklist": Checklist.objects.first().pk,
        # A duty of the 党组 only: the branches' people do not see it.
        "duty": Duty.objects.exclude(assignments__unit__in=[cast.committee, cast.unit_a, cast.unit_b]).first().pk,
        "assignment": Assignment.objects.filter(unit=cast.unit_a).first().pk,
        "period": objects["period"]["pk"],
        "report": report_a.pk,
        "score": UnitScore.objects.get(unit=cast.unit_a).pk,
        "rectification": objects["rectification"]["pk"],
        "notice": objects["notice"]["pk"],
        "notification": note.pk,
    }


# name → (kwargs key or "", query, {role: expected status on GET}, {role: on POST}); a role
# not named gets `other`. Lists: "list" marks a cursor page whose items are checked.
def endpoints(o, cast):
    period = f"?period={o['period']}"
    unit_a = f"&unit={cast.unit_a.pk}"
    detail = lambda who: {"get": who, "hidden_get": 404}  # noqa: E731
    return {
        "api:schema": {"get": EVERYONE},
        "api:docs": {"get": EVERYONE},
        "api:dashboard": {"get": EVERYONE - NOT_ORG, "rows": True},
        "api:dashboard@unit_a": {
            "name": "api:dashboard",
            "query": f"?unit={cast.unit_a.pk}",
            **detail(SEES_A),
            "refused_get": NOT_ORG,
        },
        "api:summary@unit_a": {"name": "api:summary", "query": period + unit_a, **detail(SEES_A), "summary": True},
        "api:summary": {"query": period, **detail(ORG), "summary": True},
        "api:unit-list": {"get": EVERYONE, "list": "id"},
        "api:unit-detail": {"key": "unit", **detail(SEES_A)},
        "api:post-list": {"get": EVERYONE, "list": "unit"},
        "api:post-detail": {"key": "post", **detail(SEES_A)},
        "api:checklist-list": {"get": EVERYONE, "list": None},
        "api:checklist-detail": {"key": "checklist", "get": EVERYONE},
        "api:duty-list": {"get": EVERYONE, "list": "duty"},
        "api:duty-detail": {"key": "duty", **detail(ORG)},
        "api:assignment-list": {"get": EVERYONE, "list": "unit"},
        "api:assignment-detail": {"key": "assignment", **detail(SEES_A)},
        "api:period-list": {"get": EVERYONE, "list": None},
        "api:period-detail": {"key": "period", "get": EVERYONE},
        "api:report-list": {"get": EVERYONE, "list": "unit", "query": period},
        "api:report-detail": {"key": "report", **detail(SEES_A)},
        "api:report-submit": {
            "key": "report",
            "post": ACTS_FOR_A,
            "post_status": 400,
            "refused": SEES_A,
            "hidden": 404,
        },
        "api:score-list": {"get": EVERYONE, "list": "unit"},
        "api:score-detail": {"key": "score", **detail(SEES_A)},
        "api:rectification-list": {"get": EVERYONE, "list": "unit"},
        "api:rectification-detail": {"key": "rectification", **detail(SEES_A)},
        "api:notice-list": {"get": EVERYONE, "list": "unit"},
        "api:notice-detail": {"key": "notice", **detail(SEES_A)},
        "api:notification-list": {"get": EVERYONE, "list": "own"},
        "api:notification-detail": {"key": "notification", **detail({"secretary_a"})},
        "api:notification-acknowledge": {
            "key": "notification",
            "post": {"secretary_a"},
            "post_status": 200,
            "refused": set(),
            "hidden": 404,
        },
    }


def expected(spec: dict, role: str, method: str) -> int:
    if role == "anonymous":
        return 401
    if method == "GET":
        if "get" not in spec:
            return 405
        if role in spec.get("refused_get", ()):
            return 403
        if role in spec["get"]:
            return 200
        return spec.get("hidden_get", 403)
    if "post" not in spec:
        return 405
    if role in spec["post"]:
        return spec["post_status"]
    return 403 if role in spec["refused"] else spec["hidden"]


def leaks_in(body, spec, role, user, scope) -> list[str]:
    """Rows of a 200 that the role may not see."""
    found = []
    visible = scope.get(role)
    if spec.get("list") in ("id", "unit") and visible is not None:
        found += [
            f"{spec['list']}={item[spec['list']]}" for item in body["results"] if item[spec["list"]] not in visible
        ]
    if spec.get("list") == "duty" and visible is not None:
        given = set(Assignment.objects.filter(unit__in=visible).values_list("duty_id", flat=True))
        found += [f"duty {item['id']}" for item in body["results"] if item["id"] not in given]
    if spec.get("list") == "own":
        mine = set(Notification.objects.filter(recipient=user).values_list("pk", flat=True))
        found += [f"notification {item['id']}" for item in body["results"] if item["id"] not in mine]
    if spec.get("rows") and visible is not None:
        found += [f"row unit {row['unit']}" for row in body["rows"] if row["unit"] not in visible]
    if spec.get("summary") and visible is not None:
        codes = set(Unit.objects.filter(pk__in=visible).values_list("code", flat=True))
        found += [f"summary unit {u['code']}" for u in body["units"] if u["code"] not in codes]
    if spec.get("list") and "results" in body:
        found += [f"report text {item['id']}" for item in body["results"] if "content" in item]
    return found


def test_every_api_url_has_an_entry(cast, api_objects):
    named = {spec.get("name", key.split("@")[0]) for key, spec in endpoints(api_objects, cast).items()}
    assert sorted(api_url_names() - named) == []
    assert sorted(named - api_url_names()) == []


def test_api_permission_matrix(cast, api_objects, people, capsys):
    users = {role: people.get(role) or cast.by_role(role) for role in ROLES}
    clients = {role: token_client(user, actor=cast.admin) for role, user in users.items()}
    scope = seen_units(cast)
    cells = leaks = errors = 0
    wrong = []
    for key, spec in sorted(endpoints(api_objects, cast).items()):
        name = spec.get("name", key.split("@")[0])
        kwargs = {"pk": api_objects[spec["key"]]} if "key" in spec else {}
        url = reverse(name, kwargs=kwargs) + spec.get("query", "")
        for role in ROLES:
            for method in ("GET", "POST"):
                cells += 1
                with transaction.atomic():
                    before = fingerprint()
                    client = clients[role]
                    response = client.get(url) if method == "GET" else client.post(url, {}, format="json")
                    changed = fingerprint() != before
                    transaction.set_rollback(True)
                want = expected(spec, role, method)
                code = response.status_code
                errors += code >= 500
                leak = []
                if code == 200 and want != 200:
                    leak.append("answered")
                if code == 200 and method == "GET" and "json" in response.get("Content-Type", ""):
                    leak += leaks_in(response.json(), spec, role, users[role], scope)
                if changed and not (method == "POST" and want == 200):
                    leak.append("changed data")
                if code >= 400 and "problem+json" not in response.get("Content-Type", ""):
                    wrong.append(f"{method} {key} as {role}: {code} is not problem JSON")
                leaks += bool(leak)
                if code != want or leak:
                    wrong.append(f"{method} {key} as {role}: {code}, expected {want} {leak or ''}")
    with capsys.disabled():
        print(f"\nAPI permission matrix: cells checked: {cells}, leaks: {leaks}, 500s: {errors}")
    assert wrong == [], "\n".join(wrong)
    assert leaks == 0 and errors == 0
