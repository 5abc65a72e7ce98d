"""Each recorded 党组会议's one ``decision`` text becomes its first ``Decision`` row (a
meeting may now take several); the text itself is kept whole, paragraphs included."""

from django.db import migrations


def decisions_from_text(apps, schema_editor):
    Meeting = apps.get_model("assessments", "Meeting")
    Decision = apps.get_model("assessments", "Decision")
    rows = [
        Decision(meeting_id=pk, order=1, text=text.strip())
        for pk, text in Meeting.objects.order_by("pk").values_list("pk", "decision")
        if (text or "").strip()
    ]
    Decision.objects.bulk_create(rows, batch_size=1000)


def text_from_decisions(apps, schema_editor):
    Meeting = apps.get_model("assessments", "Meeting")
    Decision = apps.get_model("assessments", "Decision")
    for meeting in Meeting.objects.all():
        texts = Decision.objects.filter(meeting=meeting).order_by("order", "pk").values_list("text", flat=True)
        meeting.decision = "\n\n".join(texts)
        meeting.save(update_fields=["decision"])


class Migration(migrations.Migration):
    dependencies = [("assessments", "0013_meeting_decisions_and_tasks")]

    operations = [migrations.RunPython(decisions_from_text, text_from_decisions)]
