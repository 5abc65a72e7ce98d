from django.db import migrations

from core.provinces import add_key


class Migration(migrations.Migration):
    """The province key on handovers (core.provinces; docs/scale.md section 5), nullable
    until filled."""

    dependencies = [
        ("oversight", "0008_province_key_filled"),
        ("responsibilities", "0013_province_key_posts"),
    ]

    operations = [*add_key("handover")]
