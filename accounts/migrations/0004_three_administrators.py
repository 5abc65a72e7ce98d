"""三员分立: the one admin role becomes three. Existing administrators — members of the
``admin`` group, and superusers who were admins without it — are 系统管理员 (the ``admin``
group keeps its name and members); the 安全管理员 and 审计管理员 groups are new and empty,
for the organization to fill."""

from django.db import migrations


def split(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("accounts", "User")
    system, _ = Group.objects.get_or_create(name="admin")
    for name in ("security_admin", "audit_admin"):
        Group.objects.get_or_create(name=name)
    for user in User.objects.filter(is_superuser=True).exclude(groups=system):
        user.groups.add(system)


def join(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    # Going back: the two new administrators fold into the one admin role they came from.
    system, _ = Group.objects.get_or_create(name="admin")
    for group in Group.objects.filter(name__in=("security_admin", "audit_admin")):
        for user in group.user_set.all():
            user.groups.add(system)
        group.delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_directory")]
    operations = [migrations.RunPython(split, join)]
