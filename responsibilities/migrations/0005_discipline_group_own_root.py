"""The 纪检监察组 on its own track: a 纪检监察组 that sits under another unit becomes a root
of its own (with whatever is under it), so it is neither reviewed nor ranked with the units
it supervises (speech 一、三: 监督责任). Ids do not change, so its reports, scores and
history stay as they are; only the tree's paths move."""

from django.db import migrations

STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _next_root(paths: list[str]) -> str:
    last = max(paths) if paths else "0000"
    value = 0
    for char in last:
        value = value * len(ALPHABET) + ALPHABET.index(char)
    value += 1
    out = ""
    for _ in range(STEPLEN):
        value, digit = divmod(value, len(ALPHABET))
        out = ALPHABET[digit] + out
    return out


def forward(apps, schema_editor):
    Unit = apps.get_model("responsibilities", "Unit")
    for group in list(Unit.objects.filter(kind="discipline_group", depth__gt=1).order_by("path")):
        group = Unit.objects.get(pk=group.pk)  # paths may have moved with an earlier one
        old = group.path
        parent_path = old[:-STEPLEN]
        new = _next_root(list(Unit.objects.filter(depth=1).values_list("path", flat=True)))
        shift = group.depth - 1
        for unit in Unit.objects.filter(path__startswith=old):
            unit.path = new + unit.path[len(old) :]
            unit.depth -= shift
            unit.save(update_fields=["path", "depth"])
        parent = Unit.objects.get(path=parent_path)
        parent.numchild = Unit.objects.filter(path__startswith=parent_path, depth=parent.depth + 1).count()
        parent.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [("responsibilities", "0004_liaison_table")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
