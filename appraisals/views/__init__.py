from .people import evidence_download, evidence_upload, finding_add, my_appraisal, rate, report, result
from .rounds import (
    results,
    results_export,
    round_detail,
    round_edit,
    round_new,
    round_participants,
    round_transition,
    rounds,
)

__all__ = [
    "evidence_download",
    "evidence_upload",
    "finding_add",
    "my_appraisal",
    "rate",
    "report",
    "result",
    "results",
    "results_export",
    "round_detail",
    "round_edit",
    "round_new",
    "round_participants",
    "round_transition",
    "rounds",
]
