from django.db import migrations
from django.db.models import OuterRef, Subquery

import core.provinces


def fill(apps, schema_editor):
    """Each liaison's ``post_province``: its post's province, one set-based UPDATE."""
    Liaison = apps.get_model("responsibilities", "Liaison")
    Post = apps.get_model("responsibilities", "Post")
    posts = Post.objects.filter(pk=OuterRef("post_id")).values("province_id")[:1]
    Liaison.objects.update(post_province=Subquery(posts))


class Migration(migrations.Migration):
    atomic = False  # the UPDATE commits before the table is altered, as core.provinces.filler's

    dependencies = [("responsibilities", "0016_liaison_post_province_filedin")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop, atomic=True),
        migrations.AlterField(
            model_name="liaison",
            name="post_province",
            field=core.provinces.province_field(verbose_name="leader post's province"),
        ),
    ]
