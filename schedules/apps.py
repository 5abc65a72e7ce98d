from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "schedules"
    verbose_name = _("Schedules")

    def ready(self):
        from core import demo
        from scoring.signals import scores_outdated

        from .behind import behind_schedule_items
        from .demo import demo_step
        from .reminders import register_reminder_source

        # A fresh install gets the four periodic tasks with its first `migrate`; later
        # migrations leave an admin's changed times alone (see beat.sync_schedules).
        post_migrate.connect(_sync_after_migrate, sender=self)
        scores_outdated.connect(_recompute, dispatch_uid="schedules-recompute-outdated-scores")
        demo.register("history", demo_step, order=40)
        register_reminder_source(behind_schedule_items)


def _recompute(sender, *, period, actor, **kwargs):
    """Scores went stale (a bonus): recompute them as a job run an admin can follow."""
    from .models import Job
    from .runs import request_run

    request_run(job=Job.RECOMPUTE_SCORES, actor=actor, period=period)


def _sync_after_migrate(sender, using="default", plan=None, **kwargs):
    from django.db import connections
    from django_celery_beat.models import PeriodicTask

    # A partial migrate (one app, or back to zero) may leave beat's tables out.
    if PeriodicTask._meta.db_table not in connections[using].introspection.table_names():
        return
    from .beat import sync_schedules

    sync_schedules(using=using)
