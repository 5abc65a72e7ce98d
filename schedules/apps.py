from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SchedulesConfig(AppConfig):
    name = "schedules"
    verbose_name = _("Schedules")

    def ready(self):
        # A fresh install gets the four periodic tasks with its first `migrate`; later
        # migrations leave an admin's changed times alone (see beat.sync_schedules).
        post_migrate.connect(_sync_after_migrate, sender=self)


def _sync_after_migrate(sender, using="default", plan=None, **kwargs):
    from django.db import connections
    from django_celery_beat.models import PeriodicTask

    # A partial migrate (one app, or back to zero) may leave beat's tables out.
    if PeriodicTask._meta.db_table not in connections[using].introspection.table_names():
        return
    from .beat import sync_schedules

    sync_schedules(using=using)
