"""How a ballot stays anonymous, even to someone who reads the database — and where that ends.

Speech 一、三 asks for 述职评议 whose ratings are honest; they are honest only while no one
can tell who gave which. Four pieces keep a ballot away from its rater:

1. **The token** stops double voting without naming the voter:
   token = HMAC-SHA256(key, "<round id>:<rater user id>"), the key derived from the server's
   ``SECRET_KEY`` with a salt of its own (``django.utils.crypto.salted_hmac``), so it is not
   the key that signs sessions. ``BallotToken`` holds the round and the token only. Someone
   who reads the database but not the settings cannot compute anyone's token, so cannot
   even tell who has voted. The server can ("have I voted?" on the rater's page) and still
   cannot tell which ballot is whose. Do not rotate ``SECRET_KEY`` while a round is open:
   stored tokens would no longer match (raters could vote twice) and sealed sheets waiting
   in the box could no longer be opened.

2. **The ballot box** (``BallotBox``) parts the vote from the voter's transaction. Every
   row PostgreSQL writes carries the id of the transaction that wrote it (``xmin``); were
   the token, the ballots and their scores written together, one ``xmin`` would group a
   voter's whole sheet and pair it with their token. So the voter's transaction writes the
   token (in a savepoint, so its ``xmin`` is a subtransaction's id, which PostgreSQL maps
   to its parent) and ONE box row: the sheet (role, and per secretary the marks and the comment)
   sealed with AES-GCM under a key derived from ``SECRET_KEY`` (``seal``/``unseal``), with
   a random id and no voter, no time, no count of ballots in the clear.

3. **Emptying the box** (``appraisals.services.counting.empty_ballot_box``: the Celery task
   ``appraisals.empty_ballot_boxes`` every few minutes from beat, and the close of the
   round) opens the sheets in batches of at least ``BATCH_FLOOR`` (3) voters, shuffles the
   ballots of the whole batch, writes them and their scores and deletes the box rows — in
   one transaction of its own. So no ballot or score row shares an ``xmin`` with a token,
   and the rows of one ``xmin`` belong to at least three voters. Fewer than three waiting
   stay in the box. At the close, whatever remains is counted in the close's transaction;
   when that is one or two sheets, the close also rewrites the round's earlier ballots and
   scores (a no-op update gives them the close's ``xmin``), so that group too is larger
   than the remainder. Only a round in which fewer than three people voted at all has a
   group below three — and then no secretary reaches the anonymity floor below, so no
   result is shown.

4. **The anonymity floor** (``ANONYMITY_FLOOR`` = 3) is counted per secretary and rater
   role on *valid* ballots: a role from which a secretary has one or two valid ballots is
   left out of that secretary's score (a mean of one or two ballots gives them away), and
   a secretary without enough valid ballots in the roles that count gets no score, grade
   or rank. Raters and criteria are frozen once a round opens, so the roles cannot be
   re-cut to isolate a voter after the fact.

What this does NOT hide, said plainly:

- **A database superuser with the write-ahead log (or a replica's stream, or a backup
  taken mid-round)** sees each voter's transaction as it happened: the token insert and the
  box insert, in one transaction, at a time. The box row is sealed, so without
  ``SECRET_KEY`` the marks stay unreadable; WITH the server's secret (a superuser who is
  also the server's operator), the sealed sheet can be opened and paired with the token,
  and the token with a person. Against someone who holds both the database and the
  server's settings, this design offers no anonymity while the sheet is in the box — nor
  afterwards, if they kept the WAL. It raises the bar for a database reader; it is not a
  cryptographic voting protocol.
- **Dead row versions** of box rows stay in the table files until ``VACUUM`` reclaims them
  (with the voter's ``xmin``), and so do the old versions of ballots rewritten at close.
- **Timing**: the batch a ballot came in is known (its ``xmin``); someone who knows who
  voted between two emptyings (say, watching the office) narrows each ballot down to that
  batch — at least three voters, not one.
- **Size**: the sealed sheet's length grows with the comments written.
- The rater's role is kept on each ballot (the result weighs roles).
"""

from __future__ import annotations

import base64
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.crypto import salted_hmac

SALT = "mingze.appraisals.ballot-token"
SEAL_SALT = "mingze.appraisals.ballot-box"
NONCE_BYTES = 12


class BrokenSeal(ValueError):
    """A sealed sheet that cannot be opened (``SECRET_KEY`` changed, or the row was edited)."""


def ballot_token(*, round_id: int, rater_id: int) -> str:
    return salted_hmac(SALT, f"{int(round_id)}:{int(rater_id)}", algorithm="sha256").hexdigest()


def _box_key() -> bytes:
    return salted_hmac(SEAL_SALT, "ballot box key", algorithm="sha256").digest()


def seal(*, round_id: int, sheet: dict) -> str:
    """The sheet encrypted and authenticated (AES-256-GCM, random nonce, the round as
    associated data so a sheet cannot be moved to another round), as text."""
    nonce = os.urandom(NONCE_BYTES)
    data = json.dumps(sheet, separators=(",", ":"), sort_keys=True).encode()
    sealed = AESGCM(_box_key()).encrypt(nonce, data, str(int(round_id)).encode())
    return base64.b64encode(nonce + sealed).decode("ascii")


def unseal(*, round_id: int, sealed: str) -> dict:
    raw = base64.b64decode(sealed)
    try:
        data = AESGCM(_box_key()).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], str(int(round_id)).encode())
    except InvalidTag:
        raise BrokenSeal("a sealed ballot sheet could not be opened") from None
    return json.loads(data)
