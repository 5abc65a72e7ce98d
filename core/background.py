"""Queue a Celery task by its registered name, so the code that queues it never imports
the module that defines it.

Tasks call services; services queue tasks. Were a service to import its task module, the
two would import each other (the task imports the service it runs). A name breaks the
cycle: the task is looked up in the Celery app's registry when it is queued, and queued
with ``delay`` — so in tests, where tasks run eagerly, it runs there and then.
"""

from __future__ import annotations

from celery import current_app
from django.db import transaction


def task(name: str):
    """The registered task ``name``. The worker imports every app's ``tasks`` module when
    it starts; a web process does so here, the first time a task is asked for."""
    registry = current_app.tasks
    if name not in registry:
        current_app.loader.import_default_modules()
    return registry[name]


def queue(name: str, /, *args, **kwargs):
    """Queue task ``name`` now (``delay``); the broker's errors reach the caller."""
    return task(name).delay(*args, **kwargs)


def queue_on_commit(name: str, /, *args, **kwargs) -> None:
    """Queue task ``name`` once the current transaction commits (at once outside one), so
    the worker never looks for a row that is not there yet."""
    transaction.on_commit(lambda: queue(name, *args, **kwargs))
