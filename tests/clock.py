"""The process clock stopped for a test that reads today's date more than once: the
checklist loaded for this year, then the demo (which reads the date again), then the
test's own "today". Run across midnight, these saw two days — on 31 December a checklist
of one year and a demo of the next (no assignments, nothing to show), on the 5th of a
month a 支委会 the test did not expect. PostgreSQL keeps its own clock (its ``now()``
moves on); the process's date is the one these tests compare."""

import contextlib

import time_machine
from django.utils import timezone


@contextlib.contextmanager
def one_day():
    with time_machine.travel(timezone.now(), tick=False):
        yield
