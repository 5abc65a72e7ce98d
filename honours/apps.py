from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "honours"
    verbose_name = _("Honours (评先评优)")

    def ready(self):
        from core import demo, exports, honours

        from .demo import demo_step
        from .exports import YEAR_END
        from .selectors import honours_for

        # The unit's page and the hearing pack (below this app) read honours through the kernel.
        honours.register(honours_for)
        # The year-end summary is one of the dashboard's exports, written here.
        exports.register(YEAR_END)
        # After the organization, the appraisal round and the closed half-year with its scores.
        demo.register("honours", demo_step, order=70)
