"""The audit chain becomes a province's (issue 16 item 5, docs/scale.md section 5): links
and heads carry ``province``, each chain is named by (province, organization), and every
unique constraint holds within the province.

Existing chains keep their links and hashes untouched (the province is not hashed): each
takes the province of the root at the first step of its name — the root of the subtree it
was written for, as the tree is now — in one set-based UPDATE per table; the security
log's chain and a chain of no unit take ``NO_PROVINCE`` (0). Reversible while no two
provinces hold a chain of one name (the old unique organization)."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Substr

from core import provinces

UNIT_LESS = ("security", "-")


def fill(apps, schema_editor):
    from responsibilities.models import Unit as Today

    Unit = apps.get_model("responsibilities", "Unit")
    root = Unit.objects.filter(path=Substr(OuterRef("organization"), 1, Today.steplen)).values("pk")[:1]
    for name in ("AuditLink", "ChainHead"):
        rows = apps.get_model("audit", name).objects
        rows.exclude(organization__in=UNIT_LESS).update(province=Coalesce(Subquery(root), Value(0)))
        rows.filter(organization__in=UNIT_LESS).update(province=0)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_keyed_links"),
        ("responsibilities", "0014_province_key_posts_filled"),
    ]

    operations = [
        *provinces.add_key("auditlink", "chainhead"),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        *provinces.require_key("auditlink", "chainhead"),
        migrations.RemoveConstraint(model_name="auditlink", name="auditlink_unique_sequence"),
        migrations.RemoveConstraint(model_name="auditlink", name="auditlink_one_per_event"),
        migrations.AlterField(
            model_name="chainhead",
            name="organization",
            field=models.CharField(max_length=64, verbose_name="organization"),
        ),
        migrations.AddConstraint(
            model_name="chainhead",
            constraint=models.UniqueConstraint(fields=("province", "organization"), name="chainhead_unique_chain"),
        ),
        migrations.AddConstraint(
            model_name="auditlink",
            constraint=models.UniqueConstraint(
                fields=("province", "organization", "sequence"), name="auditlink_unique_sequence"
            ),
        ),
        migrations.AddConstraint(
            model_name="auditlink",
            constraint=models.UniqueConstraint(
                fields=("province", "content_type", "object_id"), name="auditlink_one_per_event"
            ),
        ),
        migrations.AlterModelOptions(
            name="auditlink",
            options={
                "ordering": ["province", "organization", "sequence"],
                "verbose_name": "audit link",
                "verbose_name_plural": "audit links",
            },
        ),
    ]
