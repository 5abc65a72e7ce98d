from django.db import migrations
from django.db.models import F, Max

from core.provinces import require_organization


def forward(apps, schema_editor):
    """Each notice is in the series of its province (the root of its unit's tree, already
    its ``province``); each organization's counter of a year continues after the highest
    number it issued that year, so no number it gave is given again. (The numbers ran for
    the whole installation until now: an organization's series may have gaps, never a
    repeat.)"""
    Notice = apps.get_model("oversight", "SupervisionNotice")
    Counter = apps.get_model("oversight", "NoticeCounter")
    Notice.objects.filter(organization__isnull=True).update(organization=F("province"))
    highest = Notice.objects.values("organization", "year").annotate(last=Max("number")).order_by()
    Counter.objects.bulk_create(
        Counter(
            province_id=row["organization"], organization_id=row["organization"], year=row["year"], last=row["last"]
        )
        for row in highest
    )


class Migration(migrations.Migration):
    atomic = False  # the UPDATE commits before the table is altered

    dependencies = [("oversight", "0011_notice_numbers_per_organization")]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop, atomic=True),
        *require_organization(
            "supervisionnotice", "issuing organization", unique=("year", "number"), name="notice_unique_number_per_year"
        ),
    ]
