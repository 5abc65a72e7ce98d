import datetime

import pytest

from assessments.models import Half, Period, UnitPlan
from schedules.demo import load_demo_history
from scoring.models import UnitScore

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_closed_past_half_year_with_scores(cast, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    today = datetime.date(cast.checklist.year, 11, 26)
    result = load_demo_history(today)
    period = Period.objects.get(year=cast.checklist.year, half=Half.FIRST)
    assert result["period"] == period and period.state == Period.State.CLOSED
    scores = dict(UnitScore.objects.filter(period=period).values_list("unit__code", "score"))
    # Branch A's reports were graded 良好, branch B's 一般: the ranking tells them apart.
    assert scores["ZBA"] > scores["ZBB"] > 0
    # The branches wrote their plans for the next half: the hearing pack prints them.
    plans = dict(UnitPlan.objects.filter(period=period).values_list("unit__code", "text"))
    assert set(plans) == {"ZBA", "ZBB"} and all(plans.values())
    assert load_demo_history(today) is None  # made once
    assert Period.objects.count() == 1
