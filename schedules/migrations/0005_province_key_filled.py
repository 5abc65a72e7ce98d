from django.db import migrations
from django.db.models import Case, OuterRef, Subquery, When
from django.db.models.functions import Coalesce

from core.provinces import require_key

# Where each kind of reminded item lives; its province is that row's. A 履责纪实 tally
# ("rec2026h1-behind" and the like, schedules.behind) is named by its assignment, whose
# province is its unit's.
ITEMS = {
    "report": ("assessments", "Report"),
    "report_lock": ("assessments", "Report"),
    "task": ("assessments", "Task"),
    "rectification": ("oversight", "Rectification"),
    "notice": ("oversight", "SupervisionNotice"),
}


def fill(apps, schema_editor):
    """Each reminder row takes its item's province, one UPDATE per table. A row whose item
    is gone (none is deleted today) takes the first root's, so the column can be required."""
    Unit = apps.get_model("responsibilities", "Unit")
    Assignment = apps.get_model("responsibilities", "Assignment")
    first_root = Unit.objects.filter(depth=1).order_by("path").values("pk")[:1]
    tally = Assignment.objects.filter(pk=OuterRef("item_id")).values("unit__province_id")[:1]
    for name in ("SentReminder", "ReminderStage"):
        model = apps.get_model("schedules", name)
        whens = [
            When(
                item_type=item_type,
                then=Subquery(apps.get_model(*where).objects.filter(pk=OuterRef("item_id")).values("province_id")[:1]),
            )
            for item_type, where in ITEMS.items()
        ]
        model.objects.update(
            province=Coalesce(
                Case(*whens, When(item_type__startswith="rec", then=Subquery(tally)), default=None),
                Subquery(first_root),
            )
        )


class Migration(migrations.Migration):
    """Existing reminder rows get their item's province, then the column is required. Not
    atomic as a whole: the UPDATEs commit before the tables are altered."""

    atomic = False

    dependencies = [
        ("assessments", "0017_province_key_filled"),
        ("oversight", "0008_province_key_filled"),
        ("responsibilities", "0012_province_key_filled"),
        ("schedules", "0004_province_key"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, atomic=True),
        *require_key("reminderstage", "sentreminder"),
    ]
