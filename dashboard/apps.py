from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        # A link to a dashboard opens when its unit (if any) is within the person's scope.
        from core import links
        from responsibilities import access

        def dashboard_links_open(user, targets):
            units = [{"pk": t["?"].get("unit", "")} for t in targets]
            named = access.unit_links_open(user, [u for u in units if u["pk"]])
            answers = iter(named)
            return [next(answers) if u["pk"] else access.may_see_anything(user) for u in units]

        links.register("dashboard:index", dashboard_links_open)

        # What the dashboard keeps in the cache under the unit tree and the stored scores
        # (selectors._kept_stamps): a stamp each, replaced by every write to their tables.
        from core import pagecache
        from responsibilities.models import Unit
        from scoring.models import ScoreLine, UnitScore

        pagecache.watch_tables("units", Unit._meta.db_table)
        pagecache.watch_tables("scores", UnitScore._meta.db_table, ScoreLine._meta.db_table)
