import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from responsibilities.models import Assignment, Category, Checklist, Duty, Post, PostKind, Unit, UnitKind
from responsibilities.services import set_liaison, set_post_holder


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            # get_or_create: a transactional test before this one may have flushed the
            # groups the roles migration made.
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class UnitFactory(factory.django.DjangoModelFactory):
    """Units are tree nodes: created with treebeard under ``parent`` (a root when None)."""

    class Meta:
        model = Unit

    kind = UnitKind.BRANCH
    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"第{n}党支部")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, parent=None, liaison=None, **kwargs):
        unit = (
            model_class.objects.add_child(parent, kwargs)
            if parent is not None
            else model_class.objects.add_root(kwargs)
        )
        if liaison is not None:
            set_liaison(unit=unit, post=liaison_post(liaison, unit))
        return unit


def liaison_post(person, unit):
    """The seat through which ``person`` is a unit's liaison: a post they hold in a 党组
    (else any), or a new 党组成员 seat in the root of ``unit``'s tree."""
    held = Post.objects.filter(holder=person, active=True).order_by("-unit__kind", "unit__depth", "pk")
    post = held.filter(unit__kind=UnitKind.LEADING_GROUP).first() or held.first()
    if post is None:
        root = Unit.objects.get(path=unit.path[: Unit.steplen])
        kind = PostKind.GROUP_MEMBER if root.kind == UnitKind.LEADING_GROUP else PostKind.MEMBER
        post = Post.objects.create(unit=root, kind=kind, title=f"联系领导{person.pk}")
        set_post_holder(post=post, person=person)
    return post


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    kind = PostKind.SECRETARY
    title = factory.Sequence(lambda n: f"书记{n}")

    @factory.post_generation
    def held_by(self, create, extracted, **kwargs):
        if extracted is not None:
            set_post_holder(post=self, person=extracted)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"类别{n}")


class ChecklistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Checklist
        django_get_or_create = ("year",)

    year = 2026
    status = Checklist.Status.PUBLISHED


class DutyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Duty

    checklist = factory.SubFactory(ChecklistFactory)
    code = factory.Sequence(lambda n: f"X-{n:02d}")
    category = factory.SubFactory(CategoryFactory)
    title = factory.Sequence(lambda n: f"责任事项{n}")
    subject = "branch"
    responsibility = "direct"
    cadence = "semiannual"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    duty = factory.SubFactory(DutyFactory)
    post = factory.SubFactory(PostFactory)
    unit = factory.LazyAttribute(lambda a: a.post.unit)


class WorkRecordFactory(factory.django.DjangoModelFactory):
    """A recorded piece of work (履责纪实); pass ``duties=[…]`` for what it counts for."""

    class Meta:
        model = "worklog.WorkRecord"
        skip_postgeneration_save = True

    unit = factory.SubFactory(UnitFactory)
    recorded_by = factory.SubFactory(UserFactory)
    kind = "branch_committee"
    held_on = factory.LazyFunction(timezone.localdate)
    topic = factory.Sequence(lambda n: f"会议议题{n}")
    state = "recorded"

    @factory.post_generation
    def duties(self, create, extracted, **kwargs):
        if extracted:
            self.duties.set(extracted)

    @factory.post_generation
    def participants(self, create, extracted, **kwargs):
        if extracted:
            self.participants.set(extracted)
