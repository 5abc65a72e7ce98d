"""What the work-record tests share: branch duties that count records (支委会 monthly,
主题党日 monthly, 党员大会 quarterly) carried by unit A's secretary post, files in a
temporary media folder, and a 谈心谈话 of unit A."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from responsibilities.models import Duty, Frequency, Post, PostKind, WorkType
from tests.assessments.files import png
from tests.factories import AssignmentFactory, DutyFactory, PostFactory, UserFactory
from worklog import services


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def photo(name="IMG_0001.png"):
    return SimpleUploadedFile(name, png(8, 6), content_type="image/png")


@pytest.fixture
def secretary_post_a(cast):
    return Post.objects.get(unit=cast.unit_a, holder=cast.secretary_a)


@pytest.fixture
def duties(cast, secretary_post_a):
    """Unit A's counted duties; unit B carries the same 支委会 duty under its own post."""

    def duty(code, kind, count, frequency):
        return DutyFactory(
            checklist=cast.checklist,
            code=code,
            title=f"{code} 按要求召开",
            record_type=kind,
            required_count=count,
            frequency=frequency,
            frequency_source="《中国共产党支部工作条例（试行）》",
        )

    # Only these count here: the default checklist's own counted duties (B-…, L-…) are
    # set aside, so each test names exactly the duties a record should count for.
    Duty.objects.filter(checklist=cast.checklist).exclude(record_type="").update(record_type="")
    committee = duty("ZB-01", WorkType.BRANCH_COMMITTEE, 1, Frequency.MONTH)
    theme = duty("ZB-02", WorkType.THEME_DAY, 1, Frequency.MONTH)
    members = duty("ZB-03", WorkType.MEMBERS_MEETING, 1, Frequency.QUARTER)
    for each in (committee, theme, members):
        AssignmentFactory(duty=each, post=secretary_post_a)
    AssignmentFactory(duty=committee, post=Post.objects.get(unit=cast.unit_b, holder=cast.secretary_b))
    return {"committee": committee, "theme": theme, "members": members}


def make_record(unit, actor, *, kind=WorkType.BRANCH_COMMITTEE, topic="研究发展党员工作", days_ago=3, **extra):
    record_now = extra.pop("record_now", True)
    data = services.RecordInput(
        kind=kind,
        held_on=timezone.localdate() - datetime.timedelta(days=days_ago),
        topic=topic,
        present=extra.pop("present", 7),
        expected=extra.pop("expected", 8),
        **extra,
    )
    return services.create_record(unit=unit, actor=actor, data=data, record_now=record_now)


@pytest.fixture
def deputy_a(cast, secretary_post_a):
    """A 党务干事 the secretary of A named to record for the branch."""
    from responsibilities.models import Deputy

    person = UserFactory(username="dwgs_a", full_name="党务干事")
    Deputy.objects.create(post=secretary_post_a, person=person, named_by=cast.secretary_a, note="党务干事")
    return person


@pytest.fixture
def member_a(cast):
    """The 组织委员 of unit A: holds a post there, so reads the branch's records."""
    person = UserFactory(username="zzwy_a", full_name="组织委员")
    PostFactory(unit=cast.unit_a, kind=PostKind.MEMBER, title="组织委员", held_by=person)
    return person


@pytest.fixture
def talk(cast, duties):
    """A 谈心谈话 of unit A between its secretary and the leader (the 党组成员 above)."""
    return make_record(
        cast.unit_a,
        cast.secretary_a,
        kind=WorkType.TALK,
        topic="年度谈心谈话",
        present=None,
        expected=None,
        participants=[cast.leader],
        notes="谈到家中老人住院，工作压力较大。",
    )


# The open period of the cast (tests/assessments), for the pages that show it.
from tests.assessments.conftest import period  # noqa: E402, F401
