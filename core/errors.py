"""The domain's errors: raised by services, caught by views and shown to the person who
acted, in their words. Neither is a programming error; both leave the data as it was."""


class TransitionError(Exception):
    """A step that cannot happen now (the state moved on, a required reason is missing, a
    date is out of range); the message is for the person who tried."""


class EvidenceError(ValueError):
    """An upload that cannot be accepted; the message says why and what to do."""


class PeriodClosedError(TransitionError):
    """The step touches a closed period, which is frozen until an admin reopens it."""


# What PostgreSQL answers when it refuses a transaction because of another one at the same
# moment: a serialization failure, a deadlock (one of the two is refused), a lock not
# granted within ``lock_timeout``. The refused transaction wrote nothing; tried again, it
# may well pass.
REFUSED_BY_ANOTHER = frozenset({"40001", "40P01", "55P03"})


def refused_by_another(error: BaseException) -> bool:
    """Whether a database error (Django's, raised from the driver's) is PostgreSQL refusing
    the transaction for another one at the same moment: a page tells the person to try
    again instead of failing with a 500."""
    return database_code(error) in REFUSED_BY_ANOTHER


def database_code(error: BaseException) -> str | None:
    """PostgreSQL's SQLSTATE of a database error (Django's, raised from the driver's), if any."""
    cause = error.__cause__
    return getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
