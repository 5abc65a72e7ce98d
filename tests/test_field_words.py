"""The Chinese pages speak the words of the field (issue 12, item 10): 承办单位, 办理情况反馈,
含下级平均分, 前三名 (先进 is an honour a Party organization confers, 二、三), 纪检监察组,
撤回审核，退回修改, 准予补报（解除锁定）, 全程留痕 — and never the words they replaced."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from assessments import services as report_services
from tests.assessments.conftest import period, report_a, report_b, submitted_a  # noqa: F401 - fixtures
from tests.dashboard.conftest import data  # noqa: F401 - fixture
from tests.factories import UserFactory
from tests.oversight.conftest import notice  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def page(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


def test_the_ranking_marks_the_top_three_and_confers_no_honour(client_as, data):  # noqa: F811
    html = page(client_as("leader"), reverse("dashboard:ranking"), {"period": data.cur.pk})
    assert "前三名" in html
    assert "先进" not in html


def test_scores_speak_of_the_mean_with_the_units_below(client_as, data):  # noqa: F811
    html = page(client_as("leader"), reverse("dashboard:ranking"), {"period": data.cur.pk})
    scores = page(client_as("admin"), reverse("scoring:scores"), {"period": data.cur.pk})
    overview = page(client_as("leader"), reverse("dashboard:index"))
    for text in (scores, overview):
        assert "含下级平均分" in text
        assert "下辖合计" not in text and "下级汇总" not in text
    assert "下辖合计" not in html


def test_a_notice_names_the_acting_unit_and_asks_for_a_report_on_its_handling(client_as, cast, notice):  # noqa: F811
    url = reverse("oversight:notice", args=[notice.pk])
    issuer = page(client_as("leader"), url)
    assert "承办单位" in issuer and "督办单位" not in issuer
    unit = page(client_as("secretary_a"), url)
    assert "办理情况反馈" in unit and "提交办理情况反馈" in unit
    assert "回复" not in unit


def test_the_supervisor_role_is_the_discipline_inspection_group(client_as):
    html = page(client_as("supervisor"), reverse("oversight:notices"))
    assert 'text-muted">纪检监察组</span>' in html
    assert 'text-muted">纪检</span>' not in html


def test_the_admin_withdraws_a_review_and_grants_a_late_filing(client_as, cast, submitted_a, report_b, period):  # noqa: F811
    report_services.approve_report(report_id=submitted_a.pk, actor=cast.leader, grade="fair")
    approved = page(client_as("admin"), reverse("assessments:report", args=[submitted_a.pk]))
    assert "撤回审核，退回修改" in approved and "重新打开" not in approved
    period.due_on = timezone.localdate() - datetime.timedelta(days=10)
    period.save()
    report_services.lock_report(report_id=report_b.pk)
    locked = page(client_as("admin"), reverse("assessments:report", args=[report_b.pk]))
    assert "准予补报（解除锁定）" in locked and "豁免" not in locked


def test_the_trail_is_kept_all_the_way(client, cast):
    client.force_login(UserFactory(username="shenji", roles=[roles.AUDIT_ADMIN]))
    html = page(client, reverse("audit:trail"))
    assert "全程留痕" in html and "留痕审计" not in html


def test_a_party_groups_member_is_a_group_member_and_a_committees_a_committee_member(client_as, cast):
    """党组成员 and 委员 are different seats (一、一): the 党组's member posts say 党组成员,
    a 党委's or a 党支部's say 委员, on the people-and-posts page and in the post's kind."""
    from responsibilities.models import Post, PostKind
    from tests.factories import PostFactory

    PostFactory(unit=cast.committee, kind=PostKind.MEMBER, title="组织委员")
    assert Post.objects.get(unit=cast.party_group, title="党组成员").get_kind_display() == "党组成员"
    assert Post.objects.get(unit=cast.committee, title="组织委员").get_kind_display() == "委员"
    html = page(client_as("admin"), reverse("responsibilities:units"))
    assert '党组成员：联系领导 <span class="text-muted small">党组成员</span>' in html
    assert '组织委员：<span class="text-danger">空缺</span> <span class="text-muted small">委员</span>' in html


def test_a_leader_finds_my_liaison_units_and_the_ranking_groups_by_kind(client_as, cast, data):  # noqa: F811
    home = page(client_as("leader"), reverse("dashboard:index"))
    assert "我的党建联系点" in home and "联系单位" not in home
    html = page(client_as("leader"), reverse("assessments:my_liaisons"))
    assert "我的党建联系点" in html
    ranking = page(client_as("leader"), reverse("dashboard:ranking"), {"period": data.cur.pk})
    assert "机关党委" in ranking and "党支部" in ranking and "先进" not in ranking
