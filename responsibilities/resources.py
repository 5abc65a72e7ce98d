"""Excel import/export (django-import-export) for units, post holders and duties.

Units are tree nodes, so a new row is placed with treebeard under its parent's code;
a new holder of a post goes through ``set_post_holder`` so that the tenure history stays.
"""

from django.contrib.auth import get_user_model
from import_export import fields, resources
from import_export.widgets import ForeignKeyWidget

from .models import Category, Checklist, Duty, Post, Unit
from .services import set_liaison, set_post_holder


class UnitResource(resources.ModelResource):
    parent = fields.Field(attribute="parent_code", column_name="parent")
    # The username of who holds the unit's liaison post; on import, a post that person
    # holds becomes the unit's liaison from today (``set_liaison`` keeps the history).
    liaison = fields.Field(attribute="liaison_username", column_name="liaison")

    class Meta:
        model = Unit
        import_id_fields = ("code",)
        fields = ("code", "name", "name_en", "kind", "parent", "liaison", "active")
        export_order = fields
        skip_unchanged = True

    def dehydrate_liaison(self, unit):
        return unit.liaison.username if unit.liaison else ""

    def dehydrate_parent(self, unit):
        parent = Unit.objects.get_parent(unit)
        return parent.code if parent else ""

    def save_instance(self, instance, is_create, row, **kwargs):
        if instance.pk:
            instance.save()
        else:
            parent_code = getattr(instance, "parent_code", "") or ""
            values = {f: getattr(instance, f) for f in ("code", "name", "name_en", "kind", "active")}
            if parent_code:
                parent = Unit.objects.get(code=parent_code)
                created = Unit.objects.add_child(parent, values)
            else:
                created = Unit.objects.add_root(values)
            instance.pk = created.pk
        username = (getattr(instance, "liaison_username", "") or "").strip()
        post = Post.objects.filter(holder__username=username, active=True).order_by("unit__depth", "kind").first()
        if username and post is not None:
            set_liaison(unit=Unit.objects.get(pk=instance.pk), post=post)


class PostResource(resources.ModelResource):
    unit = fields.Field(attribute="unit", column_name="unit", widget=ForeignKeyWidget(Unit, "code"))
    holder = fields.Field(
        attribute="new_holder", column_name="holder", widget=ForeignKeyWidget(get_user_model(), "username")
    )

    class Meta:
        model = Post
        import_id_fields = ("unit", "title")
        fields = ("unit", "title", "kind", "holder", "active")
        export_order = fields

    def dehydrate_holder(self, post):
        return post.holder.username if post.holder else ""

    def after_save_instance(self, instance, row, **kwargs):
        new_holder = getattr(instance, "new_holder", None)
        if new_holder is not None and instance.holder_id != new_holder.pk and not kwargs.get("dry_run"):
            set_post_holder(post=instance, person=new_holder)


class DutyResource(resources.ModelResource):
    checklist = fields.Field(attribute="checklist", column_name="year", widget=ForeignKeyWidget(Checklist, "year"))
    category = fields.Field(attribute="category", column_name="category", widget=ForeignKeyWidget(Category, "code"))

    class Meta:
        model = Duty
        import_id_fields = ("checklist", "code")
        fields = (
            "checklist",
            "code",
            "category",
            "title",
            "description",
            "subject",
            "responsibility",
            "cadence",
            "evidence",
            "weight",
            "source",
            "record_type",
            "required_count",
            "each_member",
            "frequency",
            "frequency_source",
            "active",
        )
        export_order = fields
        skip_unchanged = True
