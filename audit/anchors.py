"""Anchors of the audit trail, kept outside the database (issue 11, item 8).

A link keyed with AUDIT_KEY cannot be forged, but a database writer can still cut the
newest links off a chain and put its head back on an older link: what is left verifies.
So each day (the beat's "mingze: anchor the audit trail") and at each close of a period,
the head of every chain — its sequence and hash — is appended as one JSON line to
``anchors.jsonl`` in ``settings.MINGZE_AUDIT_ANCHOR_DIR`` (written with O_APPEND and
fsync'd; the folder belongs on storage the database's writers cannot reach, e.g. another
host's mount or an append-only volume) and e-mailed to the supervisors (纪检监察组), who
hold a copy no one at the installation can take back. ``verify_audit`` checks that every
chain still holds the newest anchor's head, unchanged.

Each line is sealed with an HMAC under AUDIT_KEY, so a line appended by someone without
the key is refused by ``verify_audit`` rather than believed.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import roles
from accounts.models import User

from .keys import audit_key
from .models import ChainHead, chain_name, province_of_chain

FILE_NAME = "anchors.jsonl"


def anchor_file() -> Path:
    return Path(settings.MINGZE_AUDIT_ANCHOR_DIR) / FILE_NAME


def _seal(anchor: dict) -> str:
    body = json.dumps({k: anchor[k] for k in ("at", "reason", "chains")}, sort_keys=True, ensure_ascii=False)
    return hmac.new(audit_key(), body.encode("utf-8"), hashlib.sha256).hexdigest()


def sealed(anchor: dict) -> bool:
    try:
        return hmac.compare_digest(anchor.get("seal", ""), _seal(anchor))
    except (KeyError, TypeError):
        return False


def current_heads() -> dict:
    """The head of every chain now: {"province:organization": {"sequence": n, "hash": h}}."""
    heads = ChainHead.objects.order_by("province", "organization")
    return {
        chain_name(province, organization): {"sequence": sequence, "hash": digest}
        for province, organization, sequence, digest in heads.values_list(
            "province", "organization", "sequence", "hash"
        )
    }


def chains_of(anchor: dict, heads: dict) -> dict:
    """The anchor's chains by (province, organization). An anchor written before chains
    were a province's (issue 16 item 5) names a chain by its organization alone: it is the
    oldest chain of that name (``heads``, in the order they were made), whose province the
    upgrade gave it from the name; no chain of that name, the province the name gives."""
    found = {}
    for key, head in anchor.get("chains", {}).items():
        province, colon, organization = key.partition(":")
        if colon and province.isdigit():
            found[(int(province), organization)] = head
            continue
        named = [chain for chain in heads if chain[1] == key]
        found[named[0] if named else (province_of_chain(key), key)] = head
    return found


def append_line(anchor: dict) -> None:
    """Append one line to the anchor file and make it durable before returning."""
    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(anchor, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    created = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # one writer at a time: lines never interleave
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:  # the new file's name must survive a crash too
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def write_anchor(*, reason: str) -> dict:
    """Anchor the head of every chain: append it to the file, then e-mail it to the
    supervisors. Returns the anchor written."""
    anchor = {"at": timezone.now().isoformat(timespec="seconds"), "reason": reason, "chains": current_heads()}
    anchor["seal"] = _seal(anchor)
    append_line(anchor)
    mail_anchor(anchor)
    return anchor


def read_anchors(path: Path | None = None) -> list[dict]:
    """Every anchor of the file, oldest first; a line that is not JSON reads as an unsealed
    anchor, so ``verify_audit`` names it."""
    path = path or anchor_file()
    if not path.exists():
        return []
    anchors = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            anchors.append(json.loads(line))
        except ValueError:
            anchors.append({"at": "?", "reason": "unreadable line", "chains": {}, "seal": ""})
    return anchors


def newest_anchor(path: Path | None = None) -> dict | None:
    anchors = read_anchors(path)
    return anchors[-1] if anchors else None


def supervisors() -> list[User]:
    return list(
        User.objects.filter(groups__name=roles.SUPERVISOR, is_active=True).exclude(email="").order_by("pk").distinct()
    )


def reason_label(reason: str) -> str:
    """What an anchor's ``reason`` ("daily", "close:<period id>") means, in the active
    language."""
    from assessments.models import Period

    kind, _sep, period_id = reason.partition(":")
    if kind == "close" and period_id.isdigit():
        period = Period.objects.filter(pk=int(period_id)).first()
        return _("the close of %(period)s") % {"period": period if period is not None else period_id}
    if kind == "daily":
        return _("the daily anchor")
    return reason


def mail_anchor(anchor: dict) -> int:
    """One e-mail per supervisor, in their language, with the anchor's line attached as it
    stands in the file; returns the e-mails sent."""
    line = json.dumps(anchor, sort_keys=True, ensure_ascii=False) + "\n"
    sent = 0
    for person in supervisors():
        with translation.override(person.language or settings.LANGUAGE_CODE):
            subject = _("Mingze audit trail anchor, %(at)s") % {"at": anchor["at"]}
            heads = "\n".join(f"  {org}  #{head['sequence']}  {head['hash']}" for org, head in anchor["chains"].items())
            body = "\n\n".join(
                [
                    _(
                        "The head of every chain of the audit trail as of %(at)s (%(reason)s). Keep this e-mail: "
                        "verify_audit --anchor with the attached line shows whether the trail still holds these heads."
                    )
                    % {"at": anchor["at"], "reason": reason_label(anchor["reason"])},
                    heads or _("(no chain yet)"),
                ]
            )
        message = EmailMessage(subject, body, to=[person.email])
        message.attach(f"anchor-{anchor['at'][:10]}.jsonl", line, "application/json")
        sent += message.send()
    return sent
