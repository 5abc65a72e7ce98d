"""Every change to an appraisal round goes through these functions.

A round's life: draft (the admin sets criteria, scale, weights, who is appraised and who
rates) → open (secretaries write their 述职 reports, raters vote) → closed (results are
computed and stored; the admin checks them) → published (secretaries see their own).
Each step locks the round row and checks the state it expects, so two admins pressing
"close" at once compute once; the second is told plainly.
"""

from core.errors import TransitionError

from .counting import empty_ballot_box
from .reports import add_evidence, previous_findings, save_report
from .rounds import (
    DEFAULT_CRITERIA,
    DEFAULT_LEVELS,
    FROZEN,
    add_finding,
    close_round,
    configure_round,
    create_round,
    default_raters,
    open_round,
    problems,
    publish_round,
    secretary_posts,
    set_participants,
    store_results,
)
from .voting import cast_ballots, has_voted

__all__ = [
    "DEFAULT_CRITERIA",
    "DEFAULT_LEVELS",
    "FROZEN",
    "TransitionError",
    "add_evidence",
    "add_finding",
    "cast_ballots",
    "close_round",
    "configure_round",
    "create_round",
    "default_raters",
    "empty_ballot_box",
    "has_voted",
    "open_round",
    "previous_findings",
    "problems",
    "publish_round",
    "save_report",
    "secretary_posts",
    "set_participants",
    "store_results",
]
