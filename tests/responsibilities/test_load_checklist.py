import pytest
from django.core.management import CommandError, call_command

from responsibilities.models import Category, Checklist, Duty

pytestmark = pytest.mark.django_db

GOOD = """
categories:
  - {code: political, name: 政治建设, key: true}
  - {code: conduct, name: 作风建设}
duties:
  - {code: P-01, category: political, title: 把方向, subject: leading_group, responsibility: primary,
     cadence: semiannual, evidence: 纪要, source: 一、一}
  - {code: C-01, category: conduct, title: 办实事, subject: branch, responsibility: direct, cadence: annual}
"""


def write(tmp_path, text):
    path = tmp_path / "checklist.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_default_checklist_has_thirty_nine_duties_in_seven_categories():
    call_command("load_checklist", "--year", "2026")
    checklist = Checklist.objects.get(year=2026)
    assert checklist.duties.count() == 39  # 30 from the speech's text, 9 leaders' annual duties
    assert Category.objects.count() == 7
    assert Category.objects.get(code="political").key
    # 政治建设 is the key category (一、二): it weighs more through its category weight
    # alone, so its duties carry the same duty weight as any other (counted once).
    assert checklist.duties.get(code="P-01").weight == checklist.duties.get(code="C-01").weight == 1


def test_loading_again_updates_and_never_duplicates(tmp_path, capsys):
    path = write(tmp_path, GOOD)
    call_command("load_checklist", path, "--year", "2027")
    call_command("load_checklist", path, "--year", "2027")
    assert "0 updated, 2 unchanged" in capsys.readouterr().out
    call_command("load_checklist", write(tmp_path, GOOD.replace("办实事", "办好实事")), "--year", "2027")
    assert Duty.objects.filter(checklist__year=2027).count() == 2
    assert Duty.objects.get(code="C-01").title == "办好实事"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (GOOD.replace("category: conduct", "category: economy"), "C-01"),
        (GOOD.replace("code: C-01", "code: P-01"), "P-01"),
        (GOOD.replace("subject: branch, ", ""), "C-01"),
        (GOOD.replace("cadence: annual", "cadence: weekly"), "C-01"),
        (
            GOOD + "  - {code: Z-01, category: political, title: x, subject: branch, responsibility: direct, "
            "cadence: annual, weight: heavy}\n",
            "Z-01",
        ),
        ("categories: [ {code: political, name: 政治建设\nduties: [", "YAML"),
        ("just a string", "categories"),
    ],
    ids=["unknown-category", "duplicate-code", "missing-field", "bad-cadence", "bad-weight", "bad-yaml", "not-a-map"],
)
def test_bad_file_names_the_problem_and_loads_nothing(tmp_path, text, named):
    with pytest.raises(CommandError) as error:
        call_command("load_checklist", write(tmp_path, text), "--year", "2028")
    assert named in str(error.value)
    assert not Checklist.objects.filter(year=2028).exists()
    assert not Duty.objects.exists()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="nope.yaml"):
        call_command("load_checklist", str(tmp_path / "nope.yaml"), "--year", "2028")
