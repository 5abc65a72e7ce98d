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


def test_default_checklist_has_its_duties_in_seven_categories():
    call_command("load_checklist", "--year", "2026")
    checklist = Checklist.objects.get(year=2026)
    # the 30 of the reference checklist, 9 leaders' annual duties (four of them counted in
    # records) and the 8 branch duties counted in records
    assert checklist.duties.count() == 47
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


def test_default_checklist_carries_the_required_frequencies_with_their_source():
    """三会一课 and the rest as data (issue 13 item 2), each citing the rule it comes from."""
    call_command("load_checklist", "--year", "2026")
    duties = {d.code: d for d in Duty.objects.filter(checklist__year=2026).exclude(record_type="")}
    expected = {
        "B-01": ("branch_committee", 1, "month"),
        "B-02": ("members_meeting", 1, "quarter"),
        "B-03": ("group_meeting", 1, "month"),
        "B-04": ("party_lecture", 1, "quarter"),
        "B-05": ("theme_day", 1, "month"),
        "B-06": ("organizational_life", 1, "year"),
        "B-07": ("member_review", 1, "year"),
        "B-08": ("talk", None, "year"),
        "I-L1": ("leader_lecture", 1, "year"),
        "O-L3": ("dual_life", 1, "quarter"),
        "D-L2": ("integrity_talk", 1, "year"),
        "D-L3": ("integrity_talk", 1, "year"),
        "I-L2": ("study_group", 1, "quarter"),
    }
    assert {code: (d.record_type, d.required_count, d.frequency) for code, d in duties.items()} == expected
    assert duties["B-08"].each_member and not duties["B-01"].each_member
    assert all("《" in d.frequency_source for d in duties.values())
    assert "支部工作条例" in duties["B-01"].frequency_source
    assert duties["I-L1"].subject == "leading_group_all" and duties["B-01"].subject == "branch"


def test_frequency_edits_in_the_file_update_the_duty_and_keep_history(tmp_path):
    rule = "  records: theme_day, required: 1, frequency: month, frequency_source: 《条例》}\n"
    text = GOOD.replace("cadence: annual}", "cadence: annual,\n" + rule)
    call_command("load_checklist", write(tmp_path, text), "--year", "2027")
    duty = Duty.objects.get(code="C-01")
    assert (duty.record_type, duty.required_count, duty.frequency) == ("theme_day", 1, "month")
    call_command("load_checklist", write(tmp_path, text.replace("required: 1", "required: 2")), "--year", "2027")
    duty.refresh_from_db()
    assert duty.required_count == 2
    assert [h.required_count for h in duty.history.order_by("history_date")] == [1, 2]


@pytest.mark.parametrize(
    "rule",
    [
        "records: dinner, required: 1, frequency: month",
        "records: theme_day, required: 1, frequency: weekly",
        "records: theme_day, frequency: month",
        "records: theme_day, required: 1, each_member: true, frequency: month",
        "records: theme_day, required: 0, frequency: month",
        "records: theme_day, required: many, frequency: month",
    ],
    ids=["bad-type", "bad-frequency", "no-count", "count-and-each-member", "zero", "not-a-number"],
)
def test_bad_frequency_names_the_duty_and_loads_nothing(tmp_path, rule):
    text = GOOD.replace("cadence: annual}", "cadence: annual,\n  " + rule + "}")
    with pytest.raises(CommandError, match="C-01"):
        call_command("load_checklist", write(tmp_path, text), "--year", "2028")
    assert not Duty.objects.exists()
