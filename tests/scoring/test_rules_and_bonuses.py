"""评分规则 and 加分: admins edit the rules (history kept) and grant bonuses with a reason."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as reports
from assessments.models import Report
from responsibilities.models import Category
from schedules.models import JobRun
from scoring.models import BonusItem, ScoringRule, UnitScore
from scoring.services import category_weights, compute_scores, current_rule

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "admin", "leader", "other_leader", "secretary_a", "secretary_b", "supervisor"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["scoring:rules", "scoring:bonuses"])
def test_only_admins_edit_rules_and_bonuses(client_as, role, name):
    response = client_as(role).get(reverse(name))
    if role == "anonymous":
        assert response.status_code == 302
    else:
        assert response.status_code == (200 if role == "admin" else 403)
    if role not in ("anonymous", "admin"):
        assert client_as(role).post(reverse(name), {"points_excellent": "1"}).status_code == 403


def rule_form(**changes):
    data = {
        "points_excellent": "100",
        "points_good": "85",
        "points_fair": "70",
        "points_poor": "50",
        "points_ungraded": "70",
        "key_category_weight": "1.5",
        "late_deduction": "1",
        "missing_deduction": "2",
        "task_late_deduction": "1",
        "task_missing_deduction": "2",
        "bonus_cap": "10",
    }
    data.update(changes)
    return data


def test_defaults_weigh_political_development_heavier(cast):
    weights = category_weights(current_rule())
    political = Category.objects.get(code="political")
    ideological = Category.objects.get(code="ideological")
    assert weights[political.pk] == Decimal("1.5") > weights[ideological.pk] == Decimal("1")


def test_admin_edits_rules_and_weights_with_history(client_as, cast, django_assert_max_num_queries):
    client = client_as("admin")
    with django_assert_max_num_queries(12):
        assert "评分规则" in client.get(reverse("scoring:rules")).content.decode()
    ideological = Category.objects.get(code="ideological")
    data = rule_form(points_good="88", **{f"weight_{ideological.pk}": "1.2"})
    assert client.post(reverse("scoring:rules"), data).status_code == 302
    rule = ScoringRule.objects.get()
    assert rule.points_good == Decimal("88")
    assert category_weights(rule)[ideological.pk] == Decimal("1.2")
    assert rule.history.count() == 2 and rule.history.first().history_user == cast.admin
    cleared = client.post(reverse("scoring:rules"), rule_form(points_good="88"))
    assert cleared.status_code == 302 and category_weights(rule)[ideological.pk] == Decimal("1")


def test_bad_rule_values_are_refused_and_change_nothing(client_as, cast):
    client = client_as("admin")
    response = client.post(reverse("scoring:rules"), rule_form(points_good="-5", points_fair="abc"))
    assert response.status_code == 200 and "请修改下方标出的字段" in response.content.decode()
    assert current_rule().points_good == Decimal("85")


def test_granting_a_bonus_to_a_scored_period_rescores_it(client_as, cast, scored, django_capture_on_commit_callbacks):
    client = client_as("admin")
    # Unit B files what it still may, so its score is above the floor of 0 the bonus adds to.
    for pk in Report.objects.filter(
        period=scored, unit=cast.unit_b, state="draft", due_on__gte=timezone.localdate()
    ).values_list("pk", flat=True):
        reports.submit_report(report_id=pk, actor=cast.secretary_b, content="已落实")
    compute_scores(period=scored)
    before = UnitScore.objects.get(period=scored, unit=cast.unit_b).score
    assert before > 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("scoring:bonuses"),
            {"period": scored.pk, "unit": cast.unit_b.pk, "points": "2.5", "reason": "典型经验交流"},
        )
    assert response.status_code == 302
    assert UnitScore.objects.get(period=scored, unit=cast.unit_b).score == before + Decimal("2.5")
    assert JobRun.objects.get().job == "recompute_scores"
    bonus = BonusItem.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("scoring:bonus_revoke", args=[bonus.pk]))
    assert UnitScore.objects.get(period=scored, unit=cast.unit_b).score == before
    bonus.refresh_from_db()
    assert bonus.revoked_by == cast.admin  # revoked, kept


def test_a_bonus_needs_a_reason_and_positive_points(client_as, cast, scored):
    client = client_as("admin")
    for points, reason in (("0", "理由"), ("-3", "理由"), ("2", "   "), ("x", "理由")):
        response = client.post(
            reverse("scoring:bonuses"),
            {"period": scored.pk, "unit": cast.unit_a.pk, "points": points, "reason": reason},
        )
        assert response.status_code == 200
    assert not BonusItem.objects.exists()
    assert client.post(reverse("scoring:bonus_revoke", args=[424242])).status_code == 404


def test_bonuses_page_query_count_does_not_grow(client_as, cast, scored, django_assert_max_num_queries):
    for n in range(15):
        BonusItem.objects.create(
            period=scored, unit=cast.unit_a, points=Decimal("1"), reason=f"理由{n}", granted_by=cast.admin
        )
    client = client_as("admin")
    with django_assert_max_num_queries(10):
        page = client.get(reverse("scoring:bonuses")).content.decode()
    assert "理由14" in page and "授予加分" in page
