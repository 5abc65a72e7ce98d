"""The semiannual hearing pack as an editable Word document (python-docx), with the same
words as the PDF (``pack.build_pack``): offices finish such papers in Word or WPS before
the meeting, so the file uses real styles — headings are Heading 1–4, the body Normal,
tables real tables — and sets the East-Asian font of every style and run (``w:eastAsia``)
to the fonts a 公文 is set in on an office's machine: 仿宋 for the body, 黑体 and 楷体 for
the first two heading levels, 小标宋 for the title and the red issuing organization.

The page follows GB/T 9704 like the PDF: A4, margins 37 / 35 mm and 28 mm on the binding
side (mirrored on even pages), "— N —" page numbers in 4号 on the outer side.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from assessments.models import Period
from responsibilities.models import Unit

from .pack import Pack, build_pack

BODY_FONT = "仿宋"  # 3号仿宋: the body of a 公文
TITLE_FONT = "方正小标宋简体"  # 2号小标宋: the title and the issuing organization
HEADING_FONTS = {1: "黑体", 2: "楷体", 3: "仿宋", 4: "仿宋"}
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xE6, 0x00, 0x12)
BLACK = RGBColor(0, 0, 0)
LINE = Pt(28.9)  # 22 lines in the 225 mm text block
INDENT = Pt(32)  # two characters of 3号


def east_asian(element, font: str) -> None:
    """Set the East-Asian (and Latin) font of a run's or style's properties."""
    r_pr = element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)


def add_run(paragraph, text: str, font: str = BODY_FONT, *, size=None, bold=None, color=None):
    run = paragraph.add_run(text)
    east_asian(run._element, font)
    if size is not None:
        run.font.size = size
    if bold is not None:
        run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


def set_styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.size = Pt(16)
    normal.font.name = LATIN_FONT
    east_asian(normal.element, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.first_line_indent = INDENT
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for level in range(1, 5):
        style = document.styles[f"Heading {level}"]
        style.font.size = Pt(16)
        style.font.bold = level in (3,)
        style.font.italic = False
        style.font.color.rgb = BLACK
        style.font.name = LATIN_FONT
        east_asian(style.element, HEADING_FONTS[level])
        fmt = style.paragraph_format
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE
        fmt.first_line_indent = INDENT
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.keep_with_next = True
    title = document.styles["Title"]
    title.font.size = Pt(22)
    title.font.bold = False
    title.font.color.rgb = BLACK
    east_asian(title.element, TITLE_FONT)
    fmt = title.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(33)
    fmt.space_before, fmt.space_after = LINE * 2, LINE
    # The title style draws a blue border under itself in the default template: no rule.
    p_pr = title.element.get_or_add_pPr()
    for border in p_pr.findall(qn("w:pBdr")):
        p_pr.remove(border)
    if "Table Text" not in [s.name for s in document.styles]:
        cell = document.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        cell.base_style = normal
        cell.font.size = Pt(12)
        cell.paragraph_format.first_line_indent = Pt(0)
        cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        cell.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT


def set_page(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    # Mirrored margins (the binding side) and odd/even footers: page numbers outside.
    settings = document.settings.element
    if settings.find(qn("w:mirrorMargins")) is None:
        settings.insert(0, OxmlElement("w:mirrorMargins"))
    document.settings.odd_and_even_pages_header_footer = True
    page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def page_number(paragraph, alignment) -> None:
    """ "— N —" in 4号, one character in from the outer edge."""
    paragraph.alignment = alignment
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = Pt(14)
    else:
        fmt.left_indent = Pt(14)
    add_run(paragraph, "— ", "宋体", size=Pt(14))
    run = add_run(paragraph, "", "宋体", size=Pt(14))
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        elif text == "1":
            shown = OxmlElement("w:t")
            shown.text = text
            run._element.append(shown)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
    add_run(paragraph, " —", "宋体", size=Pt(14))


def red_rule(paragraph) -> None:
    """The red separator line under the document number, as the paragraph's bottom border."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", "12"), ("space", "8"), ("color", "E60012")):
        bottom.set(qn(f"w:{name}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def centered(document, text: str, font: str, size, *, color=None, bold=None):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    add_run(paragraph, text, font, size=size, color=color, bold=bold)
    return paragraph


def add_table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.style = "Table Text"
        add_run(paragraph, text, "黑体", size=Pt(12))
    # Repeat the header row on each page the table runs over.
    header_props = table.rows[0]._tr.get_or_add_trPr()
    header_props.append(OxmlElement("w:tblHeader"))
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.style = "Table Text"
            add_run(paragraph, text, size=Pt(12))


def render_docx(pack: Pack, path: Path) -> None:
    document = Document()
    set_styles(document)
    set_page(document)
    core = document.core_properties
    core.title, core.author, core.comments = pack.title, pack.org_name, pack.document_number
    size = Pt(26) if len(pack.org_name) > 10 else Pt(36)
    centered(document, pack.org_name, TITLE_FONT, size, color=RED, bold=True).paragraph_format.space_after = Pt(24)
    red_rule(centered(document, pack.document_number, BODY_FONT, Pt(16)))
    title = document.add_paragraph(style="Title")
    add_run(title, pack.title, TITLE_FONT)
    for block in pack.blocks:
        if block.kind == "heading":
            paragraph = document.add_paragraph(style=f"Heading {block.level}")
            add_run(paragraph, block.number + block.text, HEADING_FONTS[block.level])
        elif block.kind == "paragraph":
            paragraph = document.add_paragraph()
            add_run(paragraph, block.text)
        else:
            add_table(document, block.header, block.rows)
    for line in (pack.org_name, pack.date):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.right_indent = Pt(64)
        paragraph.paragraph_format.first_line_indent = Pt(0)
        add_run(paragraph, line)
    document.save(str(path))


def write_hearing_pack_docx(
    *, period: Period, root: Unit | None, path: Path, progress: Callable[[int], None] | None = None
) -> None:
    progress = progress or (lambda percent: None)
    pack = build_pack(period, root)
    progress(50)
    render_docx(pack, path)
