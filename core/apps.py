from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# The table of the database cache (config/settings/base.py: the cache when neither CACHE_URL
# nor REDIS_URL is set). Made on every database, whatever this process's settings say, so
# that any process pointed at the database may use it.
CACHE_TABLE = "mingze_cache"


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from core.pagecache import after_migrate, watch_writes

        sessions = self.apps.get_app_config("sessions")
        # After the sessions' tables (core has no models of its own, so no signal of its own).
        post_migrate.connect(_cache_table, sender=sessions)
        # Every write replaces the stamp the cached hot pages are keyed on, and so does a
        # deploy's `migrate` (core/pagecache.py).
        connection_created.connect(watch_writes, dispatch_uid="core.pagecache.watch_writes")
        post_migrate.connect(after_migrate, sender=sessions, dispatch_uid="core.pagecache.after_migrate")


def _cache_table(sender, using="default", **kwargs):
    """Make the database cache's table if it is missing, as ``createcachetable`` does."""
    from django.core.management.commands.createcachetable import Command

    if using != "default":
        return  # a replica copies the primary's tables
    command = Command()
    command.verbosity = 0
    command.create_table(using, CACHE_TABLE, dry_run=False)
