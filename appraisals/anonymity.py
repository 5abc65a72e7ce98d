"""The one-way token that stops double voting without naming the voter.

token = HMAC-SHA256(key, "<round id>:<rater user id>"), where the key is derived from the
server's ``SECRET_KEY`` with a salt of its own (``django.utils.crypto.salted_hmac``), so it
is not the key that signs sessions.

- The token table (``BallotToken``) holds the round and the token only; the ballot table
  holds no token and no user. Nothing in the database links a ballot to a token, let
  alone to a person.
- Someone who reads the database but not the server's settings cannot compute the token
  of any person, so cannot even tell who has voted. The server itself can (it needs to:
  "have I voted?" on the rater's page, reminders to those who have not), and still cannot
  tell which ballot is whose.
- Do not rotate ``SECRET_KEY`` while a round is open: the tokens already stored would no
  longer match, and those raters could vote a second time.
"""

from django.utils.crypto import salted_hmac

SALT = "mingze.appraisals.ballot-token"


def ballot_token(*, round_id: int, rater_id: int) -> str:
    return salted_hmac(SALT, f"{int(round_id)}:{int(rater_id)}", algorithm="sha256").hexdigest()
