"""A 党组's member seats become 党组成员 (``group_member``), apart from a 党委's or a
党支部's 委员 (``member``), which keep their kind. The posts' history rows are left as they
were written."""

from django.db import migrations


def forward(apps, schema_editor):
    Post = apps.get_model("responsibilities", "Post")
    Post.objects.filter(kind="member", unit__kind="leading_group").update(kind="group_member")


def backward(apps, schema_editor):
    Post = apps.get_model("responsibilities", "Post")
    Post.objects.filter(kind="group_member").update(kind="member")


class Migration(migrations.Migration):
    dependencies = [("responsibilities", "0007_unit_kinds_succession_group_member")]
    operations = [migrations.RunPython(forward, backward)]
