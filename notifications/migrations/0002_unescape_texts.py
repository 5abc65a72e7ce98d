"""Notifications made before this release hold their text HTML-escaped (``&amp;``,
``&lt;``, ``&quot;``…): the templates were rendered with autoescaping. Today's store plain
text and escape it once, where HTML is made; this turns the old rows into plain text."""

import html

from django.db import migrations
from django.db.models import Q


def unescape_texts(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    rows = Notification.objects.filter(Q(title__contains="&") | Q(body__contains="&")).only("pk", "title", "body")
    changed = []
    for note in rows.iterator(chunk_size=2000):
        title, body = html.unescape(note.title), html.unescape(note.body)
        if (title, body) != (note.title, note.body):
            note.title, note.body = title[:200], body
            changed.append(note)
    Notification.objects.bulk_update(changed, ["title", "body"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(unescape_texts, migrations.RunPython.noop, elidable=True)]
