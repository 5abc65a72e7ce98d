# Rectification sources offices use (民主生活会, 组织生活会, 巡察, 审计) and the duty concerned.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('appraisals', '0003_ballot_box'),
        ('assessments', '0009_outside_reviews'),
        ("oversight", "0004_unit_succession_moves"),
        ('responsibilities', '0005_discipline_group_own_root'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='rectification',
            name='rectification_source_has_its_object',
        ),
        migrations.AddField(
            model_name='rectification',
            name='duty',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='rectifications', to='responsibilities.duty', verbose_name='duty concerned'),
        ),
        migrations.AlterField(
            model_name='rectification',
            name='source',
            field=models.CharField(choices=[('democratic_life', 'Democratic life meeting'), ('org_life', 'Organizational life meeting'), ('inspection', 'Inspection tour'), ('audit', 'Audit'), ('report', 'Report review'), ('appraisal', 'Appraisal finding'), ('notice', 'Supervision notice'), ('manual', 'Other source')], default='manual', max_length=20, verbose_name='source'),
        ),
        migrations.AddConstraint(
            model_name='rectification',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('report__isnull', False), ('source', 'report')), models.Q(('finding__isnull', False), ('source', 'appraisal')), models.Q(('notice__isnull', False), ('source', 'notice')), ('source__in', ['democratic_life', 'org_life', 'inspection', 'audit', 'manual']), _connector='OR'), name='rectification_source_has_its_object'),
        ),
    ]
