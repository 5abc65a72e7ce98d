"""Opening a period at ten times province scale (issue 15 item 3, docs/scale.md 4): the report
drops its single-column indexes on period, unit and province (composite indexes lead with
each) and Django's single-column key on the assignment (the composite key of 0019 checks
it). Schema only: no row changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0020_queue_index_covers_the_review_rules'),
        ('responsibilities', '0015_province_foreign_keys'),
    ]

    operations = [
        migrations.AlterField(
            model_name='report',
            name='assignment',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='responsibilities.assignment', verbose_name='assignment'),
        ),
        migrations.AlterField(
            model_name='report',
            name='period',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='assessments.period', verbose_name='period'),
        ),
        migrations.AlterField(
            model_name='report',
            name='province',
            field=models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='responsibilities.unit', verbose_name='province'),
        ),
        migrations.AlterField(
            model_name='report',
            name='unit',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='reports', to='responsibilities.unit', verbose_name='unit'),
        ),
    ]
