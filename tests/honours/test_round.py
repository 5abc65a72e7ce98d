"""评先评优 (issue 14, item 5): a round drawn from the ranking's 前三名 branches and the
述职评议 results, changed by the admin with reasons, put on 公示 for everyone in scope,
objected to, and decided — after which the honours show on the unit's page, the person's
page and through ``core.honours.honours_for`` (the hearing pack's reader)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditLink
from core import honours as core_honours
from honours import services
from honours.models import Honour, HonourEvent, HonourKind, HonourRound, Nomination
from notifications.models import Notification

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def new_round(client, year_data, kinds=("advanced_branch", "party_worker")):
    response = client.post(
        reverse("honours:rounds"), {"year": year_data.year, "title": "年度评先评优", "kinds": list(kinds)}
    )
    assert response.status_code == 302
    return HonourRound.objects.get(year=year_data.year)


def act(client, round, action, data):
    return client.post(reverse("honours:round_action", args=[round.pk, action]), data)


def test_the_round_runs_from_nomination_through_public_notice_to_decision(client_as, cast, year_data):
    admin = client_as("admin")
    round = new_round(admin, year_data)
    assert act(admin, round, "draw", {}).status_code == 302
    listed = {(n.kind, n.unit.code, n.person_id, n.source) for n in round.nominations.all()}
    # The branches' 前三名 of the second half (the 机关党委 and the 纪检监察组 are not branches),
    # and the appraisal's ranked secretaries (丙书记 had too few ballots to be ranked).
    assert listed == {
        ("advanced_branch", "ZBA", None, "ranking"),
        ("advanced_branch", "ZBC", None, "ranking"),
        ("advanced_branch", "ZBB", None, "ranking"),
        ("party_worker", "ZBA", cast.secretary_a.pk, "appraisal"),
        ("party_worker", "ZBB", cast.secretary_b.pk, "appraisal"),
    }
    first = round.nominations.get(kind="advanced_branch", unit=cast.unit_a)
    assert first.basis.startswith(f"{year_data.second.label} · 1 · 90.0")

    # The admin adds 丁党支部 with a reason and withdraws 乙党支部 with one.
    assert (
        act(
            admin,
            round,
            "add",
            {"add-kind": "advanced_branch", "add-unit": year_data.unit_d.pk, "add-reason": "抗洪突出"},
        ).status_code
        == 302
    )
    b = round.nominations.get(kind="advanced_branch", unit=cast.unit_b)
    assert act(admin, round, "withdraw", {"wd-nomination": b.pk, "wd-reason": "本年度有问责情况"}).status_code == 302
    b.refresh_from_db()
    assert b.withdrawn and b.withdrawn_reason == "本年度有问责情况"

    start = TODAY() - datetime.timedelta(days=10)
    end = TODAY() - datetime.timedelta(days=3)
    response = act(admin, round, "publicize", {"pub-starts_on": start, "pub-ends_on": end})
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.state == "publicity" and round.notice_ends_on == end
    # Everyone in scope is told where to read the notice.
    told = set(Notification.objects.filter(kind="honours_notice").values_list("recipient_id", flat=True))
    assert {cast.secretary_a.pk, cast.leader.pk, cast.supervisor.pk, year_data.secretary_c.pk} <= told

    # Nothing can be added once the list is public.
    assert (
        act(
            admin, round, "add", {"add-kind": "advanced_branch", "add-unit": cast.unit_b.pk, "add-reason": "再加"}
        ).status_code
        == 400
    )
    c = round.nominations.get(kind="advanced_branch", unit=year_data.unit_c)
    assert (
        act(admin, round, "objection", {"obj-nomination": c.pk, "obj-text": "反映该支部会议记录补写"}).status_code
        == 302
    )
    assert round.objections.get().nomination == c
    act(admin, round, "withdraw", {"wd-nomination": c.pk, "wd-reason": "经核实，异议成立"})

    response = act(admin, round, "decide", {"dec-decided_on": TODAY(), "dec-document_number": "机党发〔2026〕9号"})
    assert response.status_code == 302
    round.refresh_from_db()
    assert round.state == "decided" and round.decided_on == TODAY() and round.document_number == "机党发〔2026〕9号"
    conferred = {(h.kind, h.unit.code, h.person_id) for h in Honour.objects.all()}
    assert conferred == {
        ("advanced_branch", "ZBA", None),
        ("advanced_branch", "ZBD", None),
        ("party_worker", "ZBA", cast.secretary_a.pk),
        ("party_worker", "ZBB", cast.secretary_b.pk),
    }
    assert set(Honour.objects.values_list("document_number", flat=True)) == {"机党发〔2026〕9号"}

    # Every step kept, and chained in the audit trail like every other event.
    actions = list(HonourEvent.objects.filter(round=round).values_list("action", flat=True))
    assert actions == [
        "create", "nominate", "add", "withdraw", "publicize", "objection", "withdraw", "decide"
    ]  # fmt: skip
    chained = AuditLink.objects.filter(content_type__model="honourevent").count()
    assert chained == len(actions)

    # The hearing pack's reader: honours of the year per unit.
    by_unit = core_honours.honours_for([cast.unit_a, cast.unit_b, year_data.unit_c], year_data.year)
    assert sorted(c.label for c in by_unit[cast.unit_a.pk]) == ["优秀党务工作者", "先进党支部"]
    assert [c.person_name for c in by_unit[cast.unit_b.pk]] == ["乙书记"]
    assert year_data.unit_c.pk not in by_unit
    assert core_honours.honours_for([cast.unit_a], year_data.year - 1) == {}


def test_honours_show_on_the_units_page_and_the_persons(client_as, cast, year_data, django_assert_max_num_queries):
    round = HonourRound.objects.create(
        year=year_data.year,
        title="评先",
        kinds=["advanced_branch"],
        state="decided",
        organization=cast.party_group,
        created_by=cast.admin,
    )
    nomination = Nomination.objects.create(round=round, kind="advanced_branch", unit=cast.unit_a, source="ranking")
    Honour.objects.create(
        round=round, nomination=nomination, year=year_data.year, kind="advanced_branch", unit=cast.unit_a,
        conferred_on=TODAY(), document_number="机党发〔2026〕9号",
    )  # fmt: skip
    worker = Nomination.objects.create(
        round=round, kind="party_worker", unit=cast.unit_a, person=cast.secretary_a, source="appraisal"
    )
    Honour.objects.create(
        round=round, nomination=worker, year=year_data.year, kind="party_worker", unit=cast.unit_a,
        person=cast.secretary_a, conferred_on=TODAY(), document_number="机党发〔2026〕9号",
    )  # fmt: skip
    client = client_as("secretary_a")
    html = client.get(reverse("assessments:unit", args=[cast.unit_a.pk])).content.decode()
    assert f"{year_data.year} 先进党支部" in html and "机党发〔2026〕9号" in html
    assert f"{year_data.year} 优秀党务工作者" in html and "甲书记" in html
    other = client_as("secretary_b").get(reverse("assessments:unit", args=[cast.unit_b.pk])).content.decode()
    assert "先进党支部" not in other
    client = client_as("secretary_a")
    with django_assert_max_num_queries(12):
        mine = client.get(reverse("honours:mine"))
    assert mine.status_code == 200
    text = mine.content.decode()
    assert "优秀党务工作者" in text and "先进党支部" not in text


def test_the_public_notice_is_read_by_everyone_in_scope_and_printed(
    client_as, cast, year_data, django_assert_max_num_queries
):
    round = HonourRound.objects.create(
        year=year_data.year,
        title="年度评先评优",
        kinds=["advanced_branch"],
        organization=cast.party_group,
        created_by=cast.admin,
    )
    Nomination.objects.create(round=round, kind="advanced_branch", unit=cast.unit_a, source="ranking", basis="第1名")
    url = reverse("honours:notice", args=[round.pk])
    # While nominating, only the admin (a preview) knows of it.
    assert client_as("secretary_a").get(url).status_code == 404
    assert client_as("leader").get(url).status_code == 404
    assert client_as("admin").get(url).status_code == 200
    services.publicize(round_id=round.pk, actor=cast.admin, starts_on=TODAY(), ends_on=TODAY())
    for role in ("secretary_a", "secretary_b", "leader", "supervisor", "admin"):
        client = client_as(role)
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200, role
        assert "甲党支部" in response.content.decode()
    printed = client_as("secretary_b").get(url, {"print": 1}).content.decode()
    assert "公示" in printed and "甲党支部" in printed and "navbar" not in printed
    assert client_as("anonymous").get(url).status_code == 302
    assert client_as("admin").get(reverse("honours:notice", args=[round.pk + 99])).status_code == 404


@pytest.mark.parametrize("role,code", [("admin", 200), ("leader", 403), ("secretary_a", 403), ("supervisor", 403)])
def test_only_the_admin_runs_a_round(client_as, cast, year_data, role, code, django_assert_max_num_queries):
    round = HonourRound.objects.create(
        year=year_data.year,
        title="评先",
        kinds=["advanced_branch"],
        organization=cast.party_group,
        created_by=cast.admin,
    )
    client = client_as(role)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("honours:rounds")).status_code == code
    with django_assert_max_num_queries(15):
        assert client.get(reverse("honours:round", args=[round.pk])).status_code == code
    response = client.post(reverse("honours:round_action", args=[round.pk, "draw"]))
    assert response.status_code == (302 if role == "admin" else 403)
    assert round.nominations.exists() == (role == "admin")


def test_bad_input_is_refused_with_a_message_and_changes_nothing(client_as, cast, year_data):
    admin = client_as("admin")
    round = new_round(admin, year_data, kinds=("advanced_branch",))
    # A second round of the same year; no honour chosen.
    again = admin.post(reverse("honours:rounds"), {"year": year_data.year, "title": "x", "kinds": ["advanced_branch"]})
    assert again.status_code == 400 and "已有" in again.content.decode()
    none = admin.post(reverse("honours:rounds"), {"year": year_data.year + 1, "title": "x"})
    assert none.status_code == 400 and HonourRound.objects.count() == 1
    # Adding without a reason, an honour the round does not award, a person for a unit's honour.
    for data in (
        {"add-kind": "advanced_branch", "add-unit": cast.unit_b.pk, "add-reason": ""},
        {"add-kind": "party_worker", "add-unit": cast.unit_b.pk, "add-person": cast.secretary_b.pk, "add-reason": "r"},
        {
            "add-kind": "advanced_branch",
            "add-unit": cast.unit_b.pk,
            "add-person": cast.secretary_b.pk,
            "add-reason": "r",
        },
        {"add-kind": "advanced_branch", "add-unit": 999999, "add-reason": "r"},
        {"add-kind": "nonsense", "add-unit": cast.unit_b.pk, "add-reason": "r"},
    ):
        assert act(admin, round, "add", data).status_code == 400, data
    assert not round.nominations.exists()
    # Publishing an empty list; an end before the start.
    assert act(admin, round, "publicize", {"pub-starts_on": TODAY(), "pub-ends_on": TODAY()}).status_code == 400
    act(admin, round, "draw", {})
    assert act(admin, round, "draw", {}).status_code == 302  # nothing new: a message, no second copy
    assert round.nominations.count() == 3
    bad = act(admin, round, "publicize", {"pub-starts_on": TODAY(), "pub-ends_on": TODAY() - datetime.timedelta(1)})
    assert bad.status_code == 400 and "公示" in bad.content.decode()
    # Withdrawing without a reason, or another round's nomination; an unknown step.
    n = round.nominations.first()
    assert act(admin, round, "withdraw", {"wd-nomination": n.pk, "wd-reason": ""}).status_code == 400
    assert act(admin, round, "withdraw", {"wd-nomination": "abc", "wd-reason": "x"}).status_code == 400
    assert act(admin, round, "withdraw", {"wd-nomination": 999999, "wd-reason": "x"}).status_code == 400
    assert act(admin, round, "explode", {}).status_code == 404
    assert not round.nominations.filter(withdrawn=True).exists()
    # Deciding before the 公示 (wrong state), then during it (before its end), without a 文号, in the future.
    assert act(admin, round, "decide", {"dec-decided_on": TODAY(), "dec-document_number": "1号"}).status_code == 400
    services.publicize(round_id=round.pk, actor=cast.admin, starts_on=TODAY(), ends_on=TODAY())
    for data in (
        {"dec-decided_on": TODAY(), "dec-document_number": "1号"},
        {"dec-decided_on": TODAY() + datetime.timedelta(days=1), "dec-document_number": ""},
        {"dec-decided_on": "not a date", "dec-document_number": "1号"},
    ):
        assert act(admin, round, "decide", data).status_code == 400, data
    services_end = TODAY() - datetime.timedelta(days=1)
    HonourRound.objects.filter(pk=round.pk).update(notice_ends_on=services_end)
    future = act(
        admin, round, "decide", {"dec-decided_on": TODAY() + datetime.timedelta(days=1), "dec-document_number": "1号"}
    )
    assert future.status_code == 400
    assert act(admin, round, "objection", {"obj-nomination": 999999, "obj-text": "x"}).status_code == 400
    assert not Honour.objects.exists() and not round.objections.exists()
    round.refresh_from_db()
    assert round.state == "publicity"
    assert admin.post(reverse("honours:round_action", args=[999999, "draw"])).status_code == 404


def test_the_kinds_are_the_fields_words(cast):
    assert HonourKind.ADVANCED_BRANCH.label == "先进党支部"
    assert HonourKind.PARTY_WORKER.label == "优秀党务工作者"
    assert HonourKind.PARTY_MEMBER.label == "优秀共产党员"


def test_the_pages_speak_chinese_first_and_english_on_request(client_as, cast, year_data):
    round = HonourRound.objects.create(
        year=year_data.year, title="评先", kinds=["advanced_branch"], state="publicity", created_by=cast.admin,
        organization=cast.party_group,
        notice_starts_on=TODAY(), notice_ends_on=TODAY(),
    )  # fmt: skip
    Nomination.objects.create(round=round, kind="advanced_branch", unit=cast.unit_a, source="ranking")
    client = client_as("admin")
    chinese = client.get(reverse("honours:round", args=[round.pk])).content.decode()
    assert "推荐对象" in chinese and "先进党支部" in chinese and "记录异议" in chinese
    client.cookies["django_language"] = "en"
    english = client.get(reverse("honours:round", args=[round.pk])).content.decode()
    assert "Nominations" in english and "Advanced Party branch" in english and "Note an objection" in english
    notice = client.get(reverse("honours:notice", args=[round.pk])).content.decode()
    assert "Public notice" in notice and "Branch A" in notice
