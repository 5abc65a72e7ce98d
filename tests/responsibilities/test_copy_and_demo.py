import pytest
from django.core.management import CommandError, call_command

from responsibilities.models import Assignment, Checklist, Duty, Post, Tenure, Unit, UnitKind

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        Unit.objects.count(),
        Post.objects.count(),
        Tenure.objects.count(),
        Assignment.objects.count(),
        sorted(Post.objects.values_list("title", "holder__username")),
        sorted(Assignment.objects.values_list("duty__code", "unit__code", "post__title")),
    )


def test_demo_builds_the_organization_and_a_second_run_changes_nothing(settings, capsys):
    settings.DEBUG = True
    call_command("load_checklist", "--year", "2026")
    call_command("load_demo", "--year", "2026")
    assert Unit.objects.filter(kind=UnitKind.BRANCH).count() == 8
    assert Unit.objects.filter(kind=UnitKind.DISCIPLINE_GROUP).count() == 1
    out = capsys.readouterr().out
    assert "shuji1" in out and "mingze2026" in out
    # Branch duties go to every 党支部, carried by its secretary's post.
    assert Assignment.objects.filter(duty__code="I-01", unit__kind=UnitKind.BRANCH).count() == 8
    assert set(Assignment.objects.filter(duty__code="I-01").values_list("post__title", flat=True)) == {
        "支部书记",
        "总支书记",
    }
    # A 党总支 with two of the branches under it (issue 12, item 7).
    general = Unit.objects.get(kind=UnitKind.GENERAL_BRANCH)
    assert sorted(u.code for u in Unit.objects.filter(path__startswith=general.path, depth=general.depth + 1)) == [
        "ZB07",
        "ZB08",
    ]
    assert Assignment.objects.get(duty__code="P-01").unit.kind == UnitKind.LEADING_GROUP
    assert Assignment.objects.get(duty__code="A-01").unit.kind == UnitKind.DISCIPLINE_GROUP
    before = snapshot()
    call_command("load_checklist", "--year", "2026")
    call_command("load_demo", "--year", "2026")
    assert snapshot() == before


def test_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")


def test_copy_checklist_makes_a_draft_with_the_assignments(cast, capsys):
    year = cast.checklist.year
    call_command("copy_checklist", str(year), str(year + 1))
    new = Checklist.objects.get(year=year + 1)
    assert new.status == Checklist.Status.DRAFT
    assert new.duties.count() == 47
    # the required frequencies come along (issue 13)
    copied = new.duties.get(code="B-01")
    assert (copied.record_type, copied.required_count, copied.frequency) == ("branch_committee", 1, "month")
    assert copied.frequency_source and new.duties.get(code="B-08").each_member
    assert (
        Assignment.objects.filter(duty__checklist=new).count()
        == Assignment.objects.filter(duty__checklist=cast.checklist).count()
    )
    call_command("copy_checklist", str(year), str(year + 1))  # twice: nothing doubles
    assert Duty.objects.filter(checklist=new).count() == 47


def test_copy_from_a_missing_year_is_a_clear_error(db):
    with pytest.raises(CommandError, match="1999"):
        call_command("copy_checklist", "1999", "2000")
