"""The semiannual hearing pack as a PDF (一、三 "每半年听取一次党建工作汇报"), laid out as a
公文 per GB/T 9704: the issuing organization in red over the document number and a red
rule, the title, then the body in 3号 serif with headings by level and "— N —" page
numbers on the outer side. WeasyPrint with Debian's Noto CJK (fonts-noto-cjk); the words
come from ``pack.build_pack``, the same as the DOCX's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from assessments.models import Period
from responsibilities.models import Unit

from .pack import Pack, build_pack

# WeasyPrint tells every step at INFO; a worker's log needs only its warnings.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

# An issuing organization's name longer than this is set smaller, to stay on one line.
LONG_ISSUER = 10


def render_html(pack: Pack) -> str:
    return render_to_string(
        "dashboard/pdf/hearing_pack.html", {"pack": pack, "long_issuer": len(pack.org_name) > LONG_ISSUER}
    )


def write_hearing_pack(
    *, period: Period, root: Unit | None, path: Path, progress: Callable[[int], None] | None = None
) -> None:
    from weasyprint import HTML

    progress = progress or (lambda percent: None)
    pack = build_pack(period, root)
    progress(30)
    document = HTML(string=render_html(pack), base_url=str(settings.BASE_DIR)).render()
    progress(80)
    document.write_pdf(target=str(path))
