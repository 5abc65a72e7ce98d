"""The half-year hearing pack as a document: a 公文 head (the issuing organization, the
document number, the title) and a body of numbered headings, paragraphs and tables.

Both files are drawn from this one document — the PDF (``pdf.py``, WeasyPrint) and the
editable DOCX (``docx.py``, python-docx) — so they hold the same words. The text is in
the language active when it is built (the requester's).

Headings are numbered by level as 公文 number them (GB/T 9704): 一、 （一） 1. （1）;
in English I. 1. (1) (a).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from assessments.models import Period
from core.templatetags.mingze import cn_date, one_decimal
from responsibilities.models import Unit

from .data import PackContent, UnitAccount, abbreviate, pack_content

DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五 (up to 9999)."""
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    text, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and text:
                text += "零"
            text += DIGITS[digit] + unit
            zero = False
        else:
            zero = bool(text)
    return text


def roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L")):
        while n >= value:
            out, n = out + letters, n - value
    for value, letters in ((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def heading_number(level: int, n: int) -> str:
    """The number a heading of ``level`` (1–4) carries, as 公文 write it."""
    if (get_language() or "").startswith("en"):
        return [f"{roman(n)}. ", f"{n}. ", f"({n}) ", f"({chr(96 + (n - 1) % 26 + 1)}) "][level - 1]
    return [f"{chinese_number(n)}、", f"（{chinese_number(n)}）", f"{n}.", f"（{n}）"][level - 1]


@dataclass
class Heading:
    level: int
    number: str
    text: str
    kind: str = "heading"


@dataclass
class Paragraph:
    text: str
    muted: bool = False
    kind: str = "paragraph"


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    kind: str = "table"


@dataclass
class Pack:
    org_name: str
    document_number: str
    title: str
    period: Period
    date: str
    blocks: list = field(default_factory=list)
    content: PackContent | None = None

    def text(self) -> str:
        """All the words of the pack, in order (what a reader of either file sees)."""
        parts = [self.org_name, self.document_number, self.title]
        for block in self.blocks:
            if block.kind == "heading":
                parts.append(block.number + block.text)
            elif block.kind == "paragraph":
                parts.append(block.text)
            else:
                parts += [" ".join(block.header)] + [" ".join(row) for row in block.rows]
        return "\n".join(parts + [self.date])


class Numbering:
    """Counters for the four levels: a heading resets the levels below it."""

    def __init__(self):
        self.counts = [0, 0, 0, 0]

    def next(self, level: int) -> str:
        self.counts[level - 1] += 1
        for below in range(level, 4):
            self.counts[below] = 0
        return heading_number(level, self.counts[level - 1])


def org_name(root: Unit | None) -> str:
    if root is not None and root.depth > 1:
        return root.label
    if settings.MINGZE_ORG_NAME:
        return settings.MINGZE_ORG_NAME
    first = root or Unit.objects.get_root_nodes().first()
    return first.label if first is not None else _("Mingze")


def points(value) -> str:
    return one_decimal(value)


def share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def change_words(change) -> str:
    if change is None:
        return "–"
    if change > 0:
        return _("up %(points)s") % {"points": points(change)}
    if change < 0:
        return _("down %(points)s") % {"points": points(-change)}
    return _("unchanged")


def signed(value) -> str:
    return ("+" if value > 0 else "") + points(value)


def build_pack(period: Period, root: Unit | None) -> Pack:
    content = pack_content(period, root)
    pack = Pack(
        org_name=org_name(root),
        document_number=_("Mingze report [%(year)s] No. %(half)s") % {"year": period.year, "half": period.half},
        title=_("Report on the Party-building responsibility work of %(period)s") % {"period": period.label},
        period=period,
        date=cn_date(timezone.localdate()),
        content=content,
    )
    numbers = Numbering()
    blocks = pack.blocks
    overview(blocks, numbers, content)
    blocks.append(Heading(1, numbers.next(1), _("How each unit carried out its duties")))
    if content.partial:
        blocks.append(
            Paragraph(_("Too many units for one pack: the units of the top two levels are given here."), muted=True)
        )
    for account in content.accounts:
        unit_account(blocks, numbers, account, content)
    decisions(blocks, numbers, content)
    return pack


def overview(blocks: list, numbers: Numbering, content: PackContent) -> None:
    t = content.totals
    blocks.append(Heading(1, numbers.next(1), pgettext("hearing pack", "Overview")))
    blocks.append(
        Paragraph(
            _(
                "This report covers %(units)s Party organizations and %(reports)s reports. %(filed)s were "
                "filed, a completion rate of %(completion)s; %(on_time)s were filed on time, an on-time rate "
                "of %(on_time_rate)s; %(approved)s were approved, %(returned)s returned and %(locked)s locked."
            )
            % {
                "units": t["units"],
                "reports": t["reports"],
                "filed": t["filed"],
                "completion": share(t["filed"], t["reports"]),
                "on_time": t["on_time"],
                "on_time_rate": share(t["on_time"], t["reports"]),
                "approved": t["approved"],
                "returned": t["returned"],
                "locked": t["locked"],
            }
        )
    )
    if t["score"] is None:
        blocks.append(Paragraph(_("Not scored yet: scores are computed when the period closes.")))
    elif content.previous is None or t["change"] is None:
        blocks.append(Paragraph(_("The units scored %(score)s on average.") % {"score": points(t["score"])}))
    else:
        blocks.append(
            Paragraph(
                _(
                    "The units scored %(score)s on average; against the previous period (%(previous)s, "
                    "%(before)s) the units scored in both are %(change)s."
                )
                % {
                    "score": points(t["score"]),
                    "previous": content.previous.label,
                    "before": points(t["previous_score"]),
                    "change": change_words(t["change"]),
                }
            )
        )
    blocks.append(
        Paragraph(
            _("Rectifications not yet closed: %(rectifications)s; supervision notices not yet closed: %(notices)s.")
            % {"rectifications": t["open_rectifications"], "notices": t["open_notices"]}
        )
    )
    blocks.append(
        Table(
            header=[
                _("Unit"),
                _("Reports"),
                _("Filed"),
                _("On time"),
                _("Score"),
                _("Previous score"),
                _("Change"),
            ],
            rows=[
                [
                    a.unit.label,
                    str(len(a.reports)),
                    str(sum(1 for r in a.reports if r.state in ("submitted", "approved"))),
                    str(sum(1 for r in a.reports if r.state in ("submitted", "approved") and not r.late)),
                    points(a.summary.score),
                    points(a.previous_score),
                    signed(a.change) if a.change is not None else "–",
                ]
                for a in content.accounts
            ],
        )
    )


def report_line(report) -> str:
    duty = report.assignment.duty
    text = abbreviate(report.content) or _("Nothing written yet.")
    judged = []
    if report.grade:
        judged.append(_("grade: %(grade)s") % {"grade": report.get_grade_display()})
    if report.review_comment:
        judged.append(_("reviewer's comment: %(comment)s") % {"comment": abbreviate(report.review_comment)})
    if report.state not in ("approved",):
        judged.append(report.get_state_display())
    tail = _("(%(judgement)s)") % {"judgement": _("; ").join(judged)} if judged else ""
    who = _("%(duty)s (%(post)s)") % {"duty": f"{duty.code} {duty.title}", "post": report.assignment.post.title}
    return _("%(duty)s: %(text)s") % {"duty": who, "text": text} + tail


def unit_account(blocks: list, numbers: Numbering, account: UnitAccount, content: PackContent) -> None:
    s = account.summary
    blocks.append(Heading(2, numbers.next(2), account.unit.label))
    numbers_of = {
        "filed": sum(1 for r in account.reports if r.state in ("submitted", "approved")),
        "reports": len(account.reports),
        "score": points(s.score),
        "before": points(account.previous_score),
        "change": change_words(account.change),
    }
    if account.change is None:
        line = _("%(filed)s of %(reports)s reports filed; score %(score)s.") % numbers_of
    else:
        line = (
            _("%(filed)s of %(reports)s reports filed; score %(score)s (previous period %(before)s, %(change)s).")
            % numbers_of
        )
    if s.adjustments:
        line += " " + _("Deductions and bonuses: %(lines)s.") % {
            "lines": _("; ").join(f"{a['label']} {signed(a['points'])}" for a in s.adjustments)
        }
    blocks.append(Paragraph(line))
    if account.honours:
        conferred = [
            f"{c.year} {c.label}" + (f"（{c.person_name}）" if c.person_name else "") + f"，{c.document_number}"
            for c in account.honours
        ]
        blocks.append(Paragraph(_("Honours conferred: %(honours)s.") % {"honours": _("; ").join(conferred)}))

    blocks.append(Heading(3, numbers.next(3), _("The unit's account of its work")))
    if not account.reports:
        blocks.append(Paragraph(_("None."), muted=True))
    for category, reports in account.by_category:
        blocks.append(Heading(4, numbers.next(4), category.label))
        blocks.extend(Paragraph(report_line(r)) for r in reports)

    if account.work_records:
        blocks.append(Heading(3, numbers.next(3), _("Work records")))
        blocks.extend(Paragraph(str(record)) for record in account.work_records)

    blocks.append(Heading(3, numbers.next(3), _("Problems")))
    problems = [
        _("Returned: %(duty)s; reviewer's comment: %(comment)s")
        % {"duty": f"{r.assignment.duty.code} {r.assignment.duty.title}", "comment": r.review_comment or "–"}
        for r in account.returned
    ]
    problems += [
        _("Submitted late: %(duty)s") % {"duty": f"{r.assignment.duty.code} {r.assignment.duty.title}"}
        for r in account.late
    ]
    problems += [
        _("Locked, not filed: %(duty)s") % {"duty": f"{r.assignment.duty.code} {r.assignment.duty.title}"}
        for r in account.locked
    ]
    if problems:
        blocks.extend(Paragraph(p) for p in problems)
    else:
        blocks.append(Paragraph(_("None."), muted=True))

    blocks.append(Heading(3, numbers.next(3), _("Rectifications and supervision notices")))
    ledger(
        blocks,
        content,
        account.rectifications,
        header=[_("Problem"), _("Measure"), pgettext("hearing pack", "Raised on")],
        cells=lambda r: [abbreviate(r.problem, 120), abbreviate(r.measure, 120), cn_date(r.created_at)],
        none=_("No rectification."),
    )
    ledger(
        blocks,
        content,
        account.notices,
        header=[_("Notice"), _("Subject"), pgettext("hearing pack", "Issued on")],
        cells=lambda n: [n.label, n.subject, cn_date(n.issued_at)],
        none=_("No supervision notice."),
    )

    blocks.append(Heading(3, numbers.next(3), _("Plan for the next half year")))
    if account.plan:
        blocks.extend(Paragraph(part) for part in account.plan.splitlines() if part.strip())
    else:
        blocks.append(Paragraph(_("Not written."), muted=True))


def ledger(blocks: list, content: PackContent, items: list, *, header: list, cells, none: str) -> None:
    """A table of 整改 or 督办: what ``cells`` gives for each, then its deadline, its state
    (overdue marked) and the day it was closed; or ``none`` when there is none."""
    if not items:
        blocks.append(Paragraph(none, muted=True))
        return
    blocks.append(
        Table(
            header=[*header, _("Deadline"), _("State"), pgettext("hearing pack", "Closed on")],
            rows=[
                [
                    *cells(item),
                    cn_date(item.deadline),
                    item.get_state_display() + (_(" (overdue)") if item.is_overdue(content.today) else ""),
                    cn_date(item.closed_at) or "–",
                ]
                for item in items
            ],
        )
    )


def proposal_text(proposal) -> str:
    unit, n = proposal.unit.label, proposal.numbers
    if proposal.rule == "supervise":
        reasons = []
        if n["unfiled"]:
            reasons.append(
                ngettext("%(n)s report not filed", "%(n)s reports not filed", n["unfiled"]) % {"n": n["unfiled"]}
                + (_(" (%(n)s locked)") % {"n": n["locked"]} if n["locked"] else "")
            )
        if n["overdue"]:
            reasons.append(
                ngettext(
                    "%(n)s rectification past its deadline", "%(n)s rectifications past their deadline", n["overdue"]
                )
                % {"n": n["overdue"]}
            )
        return _("Issue a supervision notice to %(unit)s: %(reasons)s; to be put right by a set date.") % {
            "unit": unit,
            "reasons": _("; ").join(reasons),
        }
    if proposal.rule == "talk":
        return ngettext(
            "Talk with the secretary of %(unit)s: %(notices)s supervision notice not answered by its deadline.",
            "Talk with the secretary of %(unit)s: %(notices)s supervision notices not answered by their deadline.",
            n["notices"],
        ) % {"unit": unit, **n}
    if proposal.rule == "rectify":
        return _("Order %(unit)s to rectify: it scored %(score)s this period, below %(mark)s.") % {
            "unit": unit,
            "score": points(n["score"]),
            "mark": points(n["mark"]),
        }
    return _(
        "Commend %(unit)s: it scored %(score)s this period and filed every report on time, with nothing "
        "returned, locked or overdue."
    ) % {"unit": unit, "score": points(n["score"])}


def decisions(blocks: list, numbers: Numbering, content: PackContent) -> None:
    blocks.append(Heading(1, numbers.next(1), _("Items proposed for decision")))
    if not content.proposals:
        blocks.append(Paragraph(_("Nothing is proposed for decision this period."), muted=True))
    for proposal in content.proposals:
        blocks.append(Paragraph(numbers.next(3) + proposal_text(proposal)))
