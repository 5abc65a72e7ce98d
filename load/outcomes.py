"""How the load test judges an answer (load/locustfile.py): the expected status is a
success; a refusal the person is meant to see — the action was not taken and the page says
why in an alert or beside a field (a report already submitted, another reviewer was first, a
file refused) — is a refusal, counted apart; anything else is an error."""

from __future__ import annotations

import html
import re

# An alert or a field's error; not a note shown in red that refuses nothing (a returned
# report's 退回意见, role="note"), which stands above whatever refused the step.
ALERT = re.compile(
    r'class="[^"]*(?:alert-danger|invalid-feedback)[^"]*"(?![^>]*role="note")[^>]*>(.*?)</(?:div|span|p)>', re.S
)
TAGS = re.compile(r"<[^>]+>")
REFUSING = (400, 409, 422)


def message_of(text: str) -> str:
    """The first error message a page shows a person (an alert or a field's error), as text."""
    found = ALERT.search(text or "")
    return " ".join(html.unescape(TAGS.sub("", found.group(1))).split())[:80] if found else ""


def classify(status: int, text: str, *, expect=(200,), location: str = "") -> tuple[str, str]:
    """("ok" | "refused" | "error", the refusal's message or the error's reason)."""
    if status in expect:
        return "ok", ""
    if status in REFUSING:
        message = message_of(text)
        if message:
            return "refused", message
    if status == 302 and "/login/" in location:
        return "error", "session lost"
    return "error", str(status) if status else "no answer"
