"""The half-year hearing pack with substance (一、三 "每半年听取一次党建工作汇报"): built as a
PDF and a Word document for a closed period, read back (pypdf, python-docx) and checked
against the database — each unit's account, its problems, its 整改 and 督办, its plan for
the next half, and the items proposed for decision.

Data: the fixed data set of conftest, the period closed, plus the report texts, a plan,
rectifications and notices set here.
"""

import datetime
import io
import re

import docx
import pypdf
import pytest
from django.urls import reverse
from django.utils import timezone
from docx.oxml.ns import qn

from assessments.models import Period, UnitPlan
from dashboard.exports.data import abbreviate, pack_content
from dashboard.models import Export
from dashboard.services import build_export
from oversight.models import Rectification, SupervisionNotice
from tests.factories import WorkRecordFactory

pytestmark = pytest.mark.django_db

LONG = "本半年召开支部委员会六次，党员大会两次，专题学习党章党规。" * 20  # > 300 characters
PLAN = "下半年重点抓好“三会一课”质量提升，\n开展一次专题组织生活会。"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def closed(data, cast):
    """The conftest period closed, with texts, grades, a plan, 整改 and 督办."""
    today = timezone.localdate()
    r = data.reports
    r["a_approved"].content = LONG
    r["a_approved"].review_comment = "材料齐全，落实到位。"
    r["a_approved"].save()
    r["a_submitted"].content = "开展谈心谈话十二人次。"
    r["a_submitted"].late = True
    r["a_submitted"].save()
    r["b_approved"].content = "乙支部组织主题党日两次。"
    r["b_approved"].save()
    data.cur.state = Period.State.CLOSED
    data.cur.save()
    UnitPlan.objects.create(period=data.cur, unit=cast.unit_a, text=PLAN, written_by=cast.secretary_a)
    overdue = Rectification.objects.create(
        problem="佐证材料归档不及时",
        measure="建立台账，每月归档",
        unit=cast.unit_a,
        deadline=today - datetime.timedelta(days=3),
        raised_by=cast.leader,
    )
    done = Rectification.objects.create(
        problem="组织生活会程序不规范",
        measure="按规定程序重新召开",
        unit=cast.unit_b,
        deadline=today - datetime.timedelta(days=10),
        raised_by=cast.leader,
        state=Rectification.State.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=2),
    )
    old = Rectification.objects.create(  # closed before the period began: not in the pack
        problem="很久以前的问题",
        measure="已整改",
        unit=cast.unit_b,
        deadline=data.cur.opens_on - datetime.timedelta(days=40),
        raised_by=cast.leader,
        state=Rectification.State.CLOSED,
        closed_at=timezone.now() - datetime.timedelta(days=100),
    )
    notice = SupervisionNotice.objects.create(
        year=today.year,
        number=7,
        unit=cast.unit_b,
        subject="关于补报锁定报告的督办",
        body="限期补报",
        deadline=today - datetime.timedelta(days=1),
        issued_by=cast.leader,
    )
    data.extra = {"overdue": overdue, "done": done, "old": old, "notice": notice}
    return data


def build(period, kind, unit=None, language="zh-hans") -> Export:
    export = Export.objects.create(kind=kind, period=period, unit=unit, language=language)
    export = build_export(export_id=export.pk)
    assert export.status == Export.Status.DONE, export.error
    assert export.progress == 100
    return export


def pdf_text(export) -> tuple[str, list[str]]:
    pages = [page.extract_text() for page in pypdf.PdfReader(export.file.path).pages]
    # the running text, without the page numbers that break it at the foot of each page
    return re.sub(r"—\d+—", "", re.sub(r"\s+", "", "".join(pages))), pages


def docx_text(export) -> str:
    document = docx.Document(export.file.path)
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return re.sub(r"\s+", "", "".join(parts))


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def expected_words(data, cast) -> list[str]:
    """What the database says the pack must hold."""
    r, x = data.reports, data.extra
    return [
        # the opening summary
        "一、总体情况",
        "落实情况报告9项",
        # each unit's account, abbreviated where long, with grade and comment
        "二、各单位落实情况",
        "（一）党组",
        "甲党支部",
        abbreviate(LONG),
        "评定等次：良好",
        "材料齐全，落实到位。",
        r["a_submitted"].content,
        r["b_approved"].content,
        # problems: returned with its comment, late, locked
        "存在的问题",
        f"退回：{r['a_returned'].assignment.duty.code}",
        "佐证材料不全",
        f"逾期报送：{r['a_submitted'].assignment.duty.code}",
        f"锁定未报：{r['b_locked'].assignment.duty.code}",
        # 整改 and 督办 with their dates
        x["overdue"].problem,
        x["overdue"].measure,
        f"{x['overdue'].deadline.year}年{x['overdue'].deadline.month}月{x['overdue'].deadline.day}日",
        x["done"].problem,
        "已销号",
        x["notice"].subject,
        f"督办〔{x['notice'].year}〕7号",
        # the plan for the next half
        "下半年工作打算",
        *[flat(line) for line in PLAN.splitlines()],
        # the proposals, by their rules
        "三、提请研究决定的事项",
        "对甲党支部发出督办",
        "对乙党支部发出督办",
        "约谈乙党支部书记",
    ]


def test_the_pdf_is_a_gongwen_with_each_units_account_and_the_proposals(closed, cast):
    export = build(closed.cur, Export.Kind.PDF)
    text, pages = pdf_text(export)
    for words in expected_words(closed, cast):
        assert flat(words) in text, words
    assert LONG not in text  # abbreviated, not printed whole
    assert closed.extra["old"].problem not in text  # closed before the period began
    reader = pypdf.PdfReader(export.file.path)
    assert reader.pages[0].mediabox.width == pytest.approx(595.3, abs=1)  # A4
    assert reader.pages[0].mediabox.height == pytest.approx(841.9, abs=1)
    first = flat(pages[0])
    assert first.startswith(flat("党组")) and "明责报〔" in first  # 发文机关标志, 发文字号
    assert "关于" in first and "党建工作责任制落实情况的报告" in first
    for number, page in enumerate(pages, start=1):
        assert f"—{number}—" in flat(page)  # "— 1 —" at the foot


def test_the_word_document_holds_the_same_content_in_real_styles(closed, cast):
    pdf, _pages = pdf_text(build(closed.cur, Export.Kind.PDF))
    export = build(closed.cur, Export.Kind.DOCX)
    assert export.file.name.endswith(".docx")
    text = docx_text(export)
    for words in expected_words(closed, cast):
        assert flat(words) in text, words
    document = docx.Document(export.file.path)
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    levels = {p.style.name for p in headings}
    assert {"Heading 1", "Heading 2", "Heading 3", "Heading 4"} <= levels
    assert [p.text for p in headings if p.style.name == "Heading 1"] == [
        "一、总体情况",
        "二、各单位落实情况",
        "三、提请研究决定的事项",
    ]
    # every heading of the Word file is in the PDF too, in the same words
    assert all(flat(p.text) in pdf for p in headings)
    # tables are tables: the rectification table of 甲党支部 has its problem in a cell
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert closed.extra["overdue"].problem in cells
    # the East-Asian font is set on the runs, not left to the Latin one
    run = document.paragraphs[-1].runs[0]
    assert run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.top_margin.mm) == 37


def test_english_is_available_in_the_requesters_language(closed, cast):
    text = docx_text(build(closed.cur, Export.Kind.DOCX, language="en"))
    for words in ("I.Overview", "II.Howeachunitcarriedoutitsduties", "III.Itemsproposedfordecision"):
        assert words in text
    assert "IssueasupervisionnoticetoBranchA:2reportsnotfiled;1rectificationpastitsdeadline" in flat(text)
    assert "一、总体情况" not in text


def test_a_unit_proposed_for_commendation_and_one_for_rectification(closed, cast):
    from scoring.models import UnitScore

    UnitScore.objects.filter(period=closed.cur, unit=cast.committee).update(score=95)
    UnitScore.objects.filter(period=closed.cur, unit=cast.discipline).update(score=50)
    text = docx_text(build(closed.cur, Export.Kind.DOCX))
    assert "通报表扬机关党委" in text
    assert "责令纪检监察组整改" in text
    assert "通报表扬甲党支部" not in text  # 90 but with problems


def test_the_committee_secretarys_pack_holds_exactly_their_dashboards_units(closed, cast, client):
    from responsibilities.models import Unit
    from responsibilities.services import set_post_holder
    from tests.factories import UserFactory

    person = UserFactory(username="chen_p", full_name="机关党委书记乙", roles=["secretary"])
    set_post_holder(post=cast.committee.posts.get(title="机关党委书记"), person=person)
    client.force_login(person)
    for kind in (Export.Kind.PDF, Export.Kind.DOCX):
        response = client.post(reverse("dashboard:export_create"), {"period": closed.cur.pk, "kind": kind})
        assert response.status_code == 302
    for export in Export.objects.all():
        build_export(export_id=export.pk)
        export.refresh_from_db()
        assert export.unit == cast.committee and export.status == Export.Status.DONE
        text = pdf_text(export)[0] if export.kind == "pdf" else docx_text(export)
        named = {u.code for u in Unit.objects.all() if u.name in text}
        assert named == {"JGDW", "ZBA", "ZBB"}, export.kind
        assert flat(closed.reports["b_approved"].content) in text and closed.extra["notice"].subject in text
        response = client.get(reverse("dashboard:export_download", args=[export.token]))
        assert response.status_code == 200
        client.force_login(cast.secretary_a)
        assert client.get(reverse("dashboard:export_download", args=[export.token])).status_code == 404
        client.force_login(person)


def test_the_word_download_is_named_and_typed_for_word(closed, client_as):
    export = build(closed.cur, Export.Kind.DOCX)
    response = client_as("leader").get(reverse("dashboard:export_download", args=[export.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "hearing" not in response["Content-Disposition"]  # the Chinese name
    assert docx.Document(io.BytesIO(b"".join(response.streaming_content))).paragraphs


def test_each_units_work_records_are_counted_against_the_rule_in_the_pack(closed, cast):
    """Issue 14 item 1: a unit's records of work against the required counts (the default
    checklist's branch duties, 支部委员会 monthly among them), where it has counted duties."""
    from dashboard.exports.data import work_records_for_pack
    from responsibilities.models import Duty

    duty = Duty.objects.get(checklist=cast.checklist, code="B-01")  # 支部委员会, at least monthly
    half_start = datetime.date(closed.cur.year, 1 if closed.cur.half == 1 else 7, 1)
    for day in (3, 40, 70):  # three months of the half with their 支委会
        WorkRecordFactory(unit=cast.unit_a, held_on=half_start + datetime.timedelta(days=day), duties=[duty])
    WorkRecordFactory(unit=cast.unit_a, held_on=half_start, duties=[duty], state="draft")  # counts for nothing

    lines = work_records_for_pack(closed.cur, [cast.unit_a, cast.unit_b, cast.discipline])
    assert "支部委员会 3/6 · 期末未完成 · 缺 3 次" in lines[cast.unit_a.pk]
    assert "支部委员会 0/6 · 期末未完成 · 缺 6 次" in lines[cast.unit_b.pk]
    assert cast.discipline.pk not in lines  # no counted duty: no empty section
    text = flat(docx_text(build(closed.cur, Export.Kind.DOCX)))
    assert "履责纪实支部委员会3/6·期末未完成·缺3次" in text


def test_the_honours_a_unit_was_conferred_show_in_the_next_pack(closed, cast):
    """Issue 14 item 5: 先进党支部 conferred by a decision shows under the unit in the pack."""
    from honours.models import Honour, HonourRound, Nomination

    year = closed.cur.year
    round = HonourRound.objects.create(
        year=year,
        title="评先",
        kinds=["advanced_branch"],
        state="decided",
        organization=cast.party_group,
        created_by=cast.admin,
    )
    nomination = Nomination.objects.create(round=round, kind="advanced_branch", unit=cast.unit_b, source="ranking")
    Honour.objects.create(
        round=round, nomination=nomination, year=year, kind="advanced_branch", unit=cast.unit_b,
        conferred_on=timezone.localdate(), document_number="机党发〔2026〕9号",
    )  # fmt: skip
    text = flat(docx_text(build(closed.cur, Export.Kind.DOCX)))
    assert f"所获荣誉：{year}先进党支部，机党发〔2026〕9号。" in text
    assert text.count("先进党支部") == 1  # unit B only


def test_a_pack_over_too_many_units_gives_the_accounts_of_the_top_two_levels(closed, cast):
    every = pack_content(closed.cur, None)
    assert not every.partial
    assert [a.unit.code for a in every.accounts] == ["DZ", "JGDW", "ZBA", "ZBB", "JJZ"]
    top = pack_content(closed.cur, None, max_units=4)
    assert top.partial
    assert [a.unit.code for a in top.accounts] == ["DZ", "JGDW", "JJZ"]
    # Each the same account as in the whole pack: its counts, score and deductions.
    whole = {a.unit.code: a for a in every.accounts}
    for account in top.accounts:
        assert account.summary.counts == whole[account.unit.code].summary.counts
        assert account.summary.score == whole[account.unit.code].summary.score
    # The 机关党委's own pack: its top two levels are the committee and its branches.
    committee = pack_content(closed.cur, cast.committee, max_units=2)
    assert committee.partial and [a.unit.code for a in committee.accounts] == ["JGDW", "ZBA", "ZBB"]
