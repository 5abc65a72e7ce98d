"""Notifications distributable by their recipient (issue 16 item 5, docs/scale.md section 5):
the unique key (recipient, id) that the Citus step makes the primary key, and a partial
index of the unsent ones for the e-mail sweep. No data to fill: every row names its
recipient already (NOT NULL since 0001)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0002_unescape_texts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='notification',
            index=models.Index(condition=models.Q(('emailed_at__isnull', True)), fields=['created_at'], name='notification_unsent'),
        ),
        migrations.AddConstraint(
            model_name='notification',
            constraint=models.UniqueConstraint(fields=('recipient', 'id'), name='notification_recipient_id'),
        ),
    ]
