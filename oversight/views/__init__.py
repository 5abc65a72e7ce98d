from .handovers import handover_list
from .notices import notice, notice_new, notices, reply, settle
from .rectifications import (
    attachment,
    raise_from_finding,
    raise_from_notice,
    raise_from_report,
    rectification,
    rectification_new,
    rectifications,
    report_done,
    verify,
)
from .reorganize import reorganize

__all__ = [
    "attachment",
    "handover_list",
    "notice",
    "notice_new",
    "notices",
    "raise_from_finding",
    "raise_from_notice",
    "raise_from_report",
    "rectification",
    "rectification_new",
    "rectifications",
    "reorganize",
    "reply",
    "report_done",
    "settle",
    "verify",
]
