"""The domain's errors: raised by services, caught by views and shown to the person who
acted, in their words. Neither is a programming error; both leave the data as it was."""


class TransitionError(Exception):
    """A step that cannot happen now (the state moved on, a required reason is missing, a
    date is out of range); the message is for the person who tried."""


class EvidenceError(ValueError):
    """An upload that cannot be accepted; the message says why and what to do."""


class PeriodClosedError(TransitionError):
    """The step touches a closed period, which is frozen until an admin reopens it."""
