from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("assessments", "0014_meeting_decision_rows")]

    operations = [
        # Reversible: the column comes back empty and 0011's reverse fills it again.
        migrations.AlterField(model_name="meeting", name="decision", field=models.TextField(default="", verbose_name="decision")),
        migrations.RemoveField(model_name="meeting", name="decision"),
    ]
