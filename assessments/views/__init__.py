"""Pages of the report loop, one module per person's task: the secretary's home, the report
page and its evidence, the review queue, the unit page. Views stay thin: fetch-and-authorize
through ``permissions``, a form, one service call, a redirect that says what happened."""

from .evidence import evidence_add, evidence_download, evidence_remove
from .liaison import my_liaisons
from .meetings import meeting_list, outside_reviews
from .report import report_detail, report_file
from .review import report_reopen, report_review, report_waive, review_queue
from .secretary import my_reports
from .tasking import task, task_file, task_list, task_new, task_reply, task_settle
from .unit import unit_detail

__all__ = [
    "evidence_add",
    "evidence_download",
    "evidence_remove",
    "my_liaisons",
    "my_reports",
    "meeting_list",
    "outside_reviews",
    "report_detail",
    "report_file",
    "report_reopen",
    "report_review",
    "report_waive",
    "review_queue",
    "task",
    "task_file",
    "task_list",
    "task_new",
    "task_reply",
    "task_settle",
    "unit_detail",
]
