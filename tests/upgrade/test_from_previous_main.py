"""Previous mains with their demo data and a little use, migrated forward by today's code:
5f8f5ba (before the half-year of model changes of issues 12–14) and 28da649 (the main before
the province key and the year-end workbook as an export). No row of any Mingze table is lost,
reports, events, files and scores keep their values, and each data migration did its work on
the rows that were there (read before migrating, so every check can fail)."""

import pytest

from tests.upgrade.conftest import LAST_MAIN_DUMP, LAST_MAIN_SNAPSHOT, MAIN_SNAPSHOT, manage, restore_and_migrate

pytestmark = pytest.mark.postgres

# Tables of a previous main that the upgrade drops on purpose, with the reason.
DROPPED: dict[str, str] = {
    "honours_yearendexport": "its rows became dashboard_export rows of kind year_end (issue 10)",
}


def test_nothing_is_left_unapplied(previous_main):
    assert "Applying" in previous_main.migrate_output
    check = manage(previous_main.url, "migrate", "--check")
    assert check.returncode == 0, check.stdout + check.stderr
    plan = manage(previous_main.url, "showmigrations", "--plan")
    assert plan.returncode == 0, plan.stderr
    assert "[X]" in plan.stdout
    assert "[ ]" not in plan.stdout, [line for line in plan.stdout.splitlines() if "[ ]" in line]


def test_every_row_of_every_table_is_still_there(previous_main):
    before = dict(previous_main.before["tables"])
    assert "assessments_report" in before and "oversight_rectification" in before, "the table list is wrong"
    assert sum(before.values()) > 500, "the previous main's dump holds little data: the fixture is wrong"
    present = {
        name
        for (name,) in previous_main.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
    }
    assert sorted(set(before) - present) == sorted(set(DROPPED) & set(before))
    lost = {}
    for name, count in before.items():
        if name in DROPPED:
            continue
        now = previous_main.scalar(f'SELECT count(*) FROM "{name}"')
        if now < count:
            lost[name] = (count, now)
    assert lost == {}, f"rows lost (before, after): {lost}"


def test_every_report_keeps_its_state_content_and_events(previous_main):
    before = previous_main.before["reports"]
    assert len(before) > 100 and len({row[4] for row in before}) > 2
    after = {row[0]: row for row in previous_main.rows(MAIN_SNAPSHOT["reports"])}
    assert [after.get(row[0]) for row in before] == before
    events = previous_main.before["report_events"]
    assert events
    after_events = {row[0]: row for row in previous_main.rows(MAIN_SNAPSHOT["report_events"])}
    assert [after_events.get(row[0]) for row in events] == events


@pytest.mark.parametrize("name", ["evidence", "unit_scores"])
def test_files_and_scores_keep_their_values(previous_main, name):
    assert previous_main.before[name], f"the previous main's dump holds no {name}: the fixture is wrong"
    assert previous_main.rows(MAIN_SNAPSHOT[name]) == previous_main.before[name]


def test_each_report_is_due_with_its_period(upgraded_main):
    """Reports had no due date of their own: each got its period's (issue 12 item 6)."""
    expected = upgraded_main.before["report_period_due"]
    assert expected and all(due for _, due in expected)
    after = dict(upgraded_main.rows("SELECT id, due_on FROM assessments_report"))
    assert [(pk, after.get(pk)) for pk, _ in expected] == expected
    quarters = dict(upgraded_main.rows("SELECT id, quarter FROM assessments_report"))
    assert {quarters[pk] for pk, _ in expected} == {0}


def test_party_group_members_became_group_members(upgraded_main):
    members = [pk for (pk,) in upgraded_main.before["group_member_posts"]]
    assert members, "the previous main's dump has no 党组 member post: the fixture is wrong"
    kinds = dict(upgraded_main.rows("SELECT id, kind FROM responsibilities_post"))
    assert {kinds[pk] for pk in members} == {"group_member"}
    # Every other post keeps its kind (a 党委's or a 党支部's 委员 stays a member).
    others = [(pk, kind) for pk, kind in upgraded_main.before["post_kinds"] if pk not in members]
    assert [(pk, kinds[pk]) for pk, _ in others] == others
    assert any(kind == "member" for _, kind in others)


def test_rectification_sources_follow_their_links(upgraded_main):
    before = upgraded_main.before["rectification_links"]
    # The dump holds a hand-entered rectification later tied to a report.
    assert any(source == "manual" and report for _, source, _, _, report, _ in before)
    expected = []
    for pk, source, notice, finding, report, duty in before:
        if notice:
            source = "notice"
        elif finding:
            source = "appraisal"
        elif report:
            source = "report"
        expected.append((pk, source, duty))
    after = {row[0]: row for row in upgraded_main.rows("SELECT id, source, duty_id FROM oversight_rectification")}
    assert [after.get(pk) for pk, *_ in expected] == expected


def test_meeting_decisions_became_decision_rows(upgraded_main):
    meetings = upgraded_main.before["meeting_decisions"]
    assert meetings, "the previous main's dump has no 党组会议: the fixture is wrong"
    rows = upgraded_main.rows('SELECT meeting_id, "order", text FROM assessments_decision ORDER BY meeting_id, id')
    assert rows == [(pk, 1, text.strip()) for pk, text in meetings if text.strip()]
    assert any("\n\n" in text for _, _, text in rows), "a decision's paragraphs are kept"
    columns = {
        name
        for (name,) in upgraded_main.rows(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'assessments_meeting'"
        )
    }
    assert "decision" not in columns


def test_the_audit_chain_still_verifies(previous_main, tmp_path):
    result = manage(previous_main.url, "verify_audit", MINGZE_AUDIT_ANCHOR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "audit trail intact" in result.stdout
    links = previous_main.before["audit_links"]
    assert links
    after = set(previous_main.rows(MAIN_SNAPSHOT["audit_links"]))
    assert set(links) <= after


def test_each_audit_chain_became_its_provinces(previous_main):
    """The audit chain per province (issue 16 item 5): every link and head of the previous
    main took the province of the root its chain is named after (the security log's
    chain: 0), a chain's links all its head's, and the chain still verifies (above)."""
    links = previous_main.rows(
        "SELECT l.organization, l.province_id, COALESCE(r.id, 0) FROM audit_auditlink l "
        "LEFT JOIN responsibilities_unit r ON r.path = substr(l.organization, 1, 4) "
        "AND l.organization NOT IN ('security', '-')"
    )
    assert len(links) >= len(previous_main.before["audit_links"]) > 0
    assert [row for row in links if row[1] != row[2]] == []
    assert {province for _, province, _ in links} - {0}, "no chain of a unit: the dump is wrong"
    heads = set(previous_main.rows("SELECT organization, province_id FROM audit_chainhead"))
    assert {(organization, province) for organization, province, _ in links} <= heads


def test_every_row_got_the_province_of_its_units_root(previous_main):
    """The province key (issue 16 item 5): each unit's is its root's, and each row hanging
    off a unit has its unit's (or its parent row's) — filled by the data migrations."""
    units = previous_main.rows(
        "SELECT u.province_id, r.id FROM responsibilities_unit u "
        "JOIN responsibilities_unit r ON r.path = substr(u.path, 1, 4)"
    )
    assert len(units) > 5 and all(province == root for province, root in units)
    by_unit = {
        "assessments_report": "unit_id",
        "oversight_rectification": "unit_id",
        "oversight_supervisionnotice": "unit_id",
        "scoring_unitscore": "unit_id",
    }
    by_parent = {
        "assessments_reportevent": ("report_id", "assessments_report"),
        "assessments_evidence": ("report_id", "assessments_report"),
        "scoring_scoreline": ("unit_score_id", "scoring_unitscore"),
        "worklog_recordfile": ("record_id", "worklog_workrecord"),
    }
    tables = dict(previous_main.before["tables"])
    if "worklog_workrecord" in tables:  # 履责纪实 came with issue 13 (28da649)
        by_unit["worklog_workrecord"] = "unit_id"
    for table, column in by_unit.items():
        rows = previous_main.rows(
            f"SELECT t.province_id, u.province_id FROM {table} t JOIN responsibilities_unit u ON u.id = t.{column}"
        )
        assert rows and all(mine == theirs for mine, theirs in rows), table
    for table, (column, parent) in by_parent.items():
        if table not in tables:
            continue
        rows = previous_main.rows(
            f"SELECT t.province_id, p.province_id FROM {table} t JOIN {parent} p ON p.id = t.{column}"
        )
        assert rows and all(mine == theirs for mine, theirs in rows), table
    reminded = previous_main.rows(
        "SELECT s.province_id, r.province_id FROM schedules_sentreminder s "
        "JOIN assessments_report r ON r.id = s.item_id AND s.item_type = 'report'"
    )
    assert all(mine == theirs for mine, theirs in reminded)


def test_year_end_workbooks_became_exports_of_their_kind(upgraded_last_main):
    """The year-end workbook is an Export of kind year_end now (issue 10): each one built on
    the last main keeps its token (its download link), year, unit, requester, language,
    status, progress and file."""
    before = upgraded_last_main.before["year_end_exports"]
    assert before and before[0][5] == "done" and before[0][7], "the last main's dump has no built workbook"
    after = upgraded_last_main.rows(
        "SELECT token::text, year, unit_id, requested_by_id, language, status, progress, file, error "
        "FROM dashboard_export WHERE kind = 'year_end' ORDER BY id"
    )
    assert after == before


def test_work_record_files_keep_their_values(upgraded_last_main):
    before = upgraded_last_main.before["record_files"]
    assert any(name == "签到表.pdf" for *_, name in before), "the last main's dump has no record file"
    assert upgraded_last_main.rows(LAST_MAIN_SNAPSHOT["record_files"]) == before


def test_every_keyed_table_got_the_province_of_what_its_rows_hang_off(previous_main):
    """Every province-keyed table of today (core.provinces.keyed_models — posts, tenures,
    deputies, liaisons, assignments, handovers, appraisal and honours rows included) that
    held rows in the previous main: each row's key is that of the unit or row it hangs off
    (its first source that is set), so no table can be missed by a list kept by hand."""
    from core import provinces

    tables = dict(previous_main.before["tables"])
    checked = []
    for model in provinces.keyed_models():
        table = model._meta.db_table
        if not model.province_from or not tables.get(table):
            continue
        joins, reads = [], []
        for n, name in enumerate(model.province_from):
            field = model._meta.get_field(name)
            joins.append(f'LEFT JOIN "{field.related_model._meta.db_table}" p{n} ON p{n}.id = t."{field.column}"')
            reads.append(f"p{n}.province_id")
        wanted = reads[0] if len(reads) == 1 else f"COALESCE({', '.join(reads)})"
        rows = previous_main.rows(f'SELECT t.province_id, {wanted} FROM "{table}" t {" ".join(joins)}')
        assert len(rows) >= tables[table], table
        wrong = [row for row in rows if row[0] is None or row[0] != row[1]]
        assert wrong == [], table
        checked.append(table)
    new = {"responsibilities_post", "responsibilities_assignment", "responsibilities_tenure"}
    assert new <= set(checked), checked


def test_liaisons_carry_their_posts_province_and_filers_their_provinces(previous_main):
    """``responsibilities`` 0017, ``assessments`` 0024, ``oversight`` 0014: every liaison of
    the previous main carries its post's province, and every person who submitted a report
    or issued a notice has exactly the provinces of those rows in ``FiledIn``."""
    liaisons = previous_main.rows(
        "SELECT l.post_province_id, p.province_id FROM responsibilities_liaison l "
        "JOIN responsibilities_post p ON p.id = l.post_id"
    )
    assert liaisons and all(mine == posts for mine, posts in liaisons)
    filed = set(
        previous_main.rows(
            "SELECT responsible_id, province_id FROM assessments_report "
            "WHERE submitted_at IS NOT NULL AND responsible_id IS NOT NULL "
            "UNION SELECT issued_by_id, province_id FROM oversight_supervisionnotice"
        )
    )
    assert filed and set(previous_main.rows("SELECT person_id, province_id FROM responsibilities_filedin")) == filed


def test_notice_numbers_continue_per_organization(previous_main):
    """督办 numbers per issuing organization (issue 16 item 5): every notice keeps its year
    and number and is in the series of its unit's root; each organization's counter goes on
    after the highest number it issued, so the next notice of each gets the next number of
    its own series, never one it gave before."""
    before = previous_main.before["notices"]
    roots = {root for *_, root in before}
    assert len(roots) == 2, "the fixture adds a notice of a second organization: it is wrong"
    after = {
        row[0]: row
        for row in previous_main.rows(
            "SELECT id, year, number, organization_id, province_id FROM oversight_supervisionnotice"
        )
    }
    assert [after[pk] for pk, *_ in before] == [(pk, year, n, root, root) for pk, year, n, root in before]
    highest = {}
    for _pk, year, number, root in before:
        highest[root, year] = max(number, highest.get((root, year), 0))
    counters = previous_main.rows("SELECT organization_id, province_id, year, last FROM oversight_noticecounter")
    assert sorted(counters) == sorted((root, root, year, last) for (root, year), last in highest.items())
    issue = (
        "from django.db import transaction; from oversight.services import next_notice_number\n"
        f"for root, year in {sorted(highest)!r}:\n"
        "    with transaction.atomic():\n"
        "        print('next', root, year, next_notice_number(root, year)); transaction.set_rollback(True)"
    )
    result = manage(previous_main.url, "shell", "-c", issue)
    assert result.returncode == 0, result.stderr
    nexts = [tuple(map(int, line.split()[1:])) for line in result.stdout.splitlines() if line.startswith("next ")]
    assert nexts == [(root, year, highest[root, year] + 1) for root, year in sorted(highest)]


@pytest.mark.parametrize(
    ("snapshot", "table"), [("appraisal_rounds", "appraisals_appraisalround"), ("honour_rounds", "honours_honourround")]
)
def test_each_round_belongs_to_the_organization_of_its_units(previous_main, snapshot, table):
    """A round names the organization that runs it now: the root most of its appraised
    secretaries (nominations) lie under — all of them in the dumps — or, for a round with
    none, the first root; its province is that organization."""
    before = previous_main.before[snapshot]
    if table == "honours_honourround" and not before:
        assert "honours_honourround" not in dict(previous_main.before["tables"])  # before 评先评优
        return
    assert any(roots for _, roots in before), f"the dump has no {snapshot} with members: the fixture is wrong"
    if table == "appraisals_appraisalround":
        assert any(not roots for _, roots in before), "the fixture adds a round with nobody in it"
    first = previous_main.scalar("SELECT id FROM responsibilities_unit WHERE depth = 1 ORDER BY path LIMIT 1")
    expected = []
    for pk, roots in before:
        roots = roots or []
        assert len(set(roots)) <= 1, "the dumps' rounds are each of one organization"
        owner = roots[0] if roots else first
        expected.append((pk, owner, owner))
    after = previous_main.rows(f"SELECT id, organization_id, province_id FROM {table} ORDER BY id")
    assert after == expected


# A row of each kind of key left in another province than its parent's, as a past bug may
# have left it (table, its key to the parent, the parent's table).
MISPLACED = [
    ("assessments_reportevent", "report_id", "assessments_report"),
    ("assessments_evidence", "report_id", "assessments_report"),
    ("scoring_scoreline", "unit_score_id", "scoring_unitscore"),
    ("responsibilities_tenure", "post_id", "responsibilities_post"),
    ("appraisals_ballotscore", "ballot_id", "appraisals_ballot"),
    ("worklog_recordfile", "record_id", "worklog_workrecord"),
]
ROLLED_BACK = [("responsibilities", "0014"), ("appraisals", "0007"), ("honours", "0007")]


def test_rows_in_another_province_than_their_parents_are_realigned_before_the_keys(django_db_blocker):
    """Issue 16 item 5: the composite keys (province, parent) are declared on an upgraded
    installation; a row whose province is not its parent's — none in the dumps, so one of
    each kind is planted — first takes its parent's, so the upgrade does not stop on it.
    The last main migrated forward, the keys' migrations rolled back (they drop what they
    declared), rows misplaced, then migrated again."""
    from core import province_keys

    with django_db_blocker.unblock():
        db = restore_and_migrate(LAST_MAIN_DUMP, "upgrade_keys", {})
    composite = "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conname LIKE '%%province_fk'"
    try:
        assert db.scalar(composite) == len(province_keys.foreign_keys())
        for app, target in ROLLED_BACK:
            back = manage(db.url, "migrate", app, target)
            assert back.returncode == 0, back.stdout[-2000:] + back.stderr[-2000:]
        assert db.scalar(composite) == 0
        assert db.scalar("SELECT count(*) FROM pg_constraint WHERE conname LIKE '%%province_id_uniq'") == 0
        planted = {}
        for table, column, parent in MISPLACED:
            rows = db.rows(
                f'UPDATE "{table}" t SET province_id = (SELECT u.id FROM responsibilities_unit u WHERE u.depth = 1 '
                "AND u.id <> t.province_id ORDER BY u.id LIMIT 1) "
                f'WHERE t.id = (SELECT id FROM "{table}" ORDER BY id LIMIT 1) RETURNING t.id, t.province_id'
            )
            assert rows, f"the last main's dump has no {table}: the fixture is wrong"
            ((pk, wrong),) = rows
            right = db.scalar(
                f'SELECT p.province_id FROM "{table}" t JOIN "{parent}" p ON p.id = t."{column}" WHERE t.id = %s', [pk]
            )
            assert wrong != right
            planted[table] = (pk, right)
        forward = manage(db.url, "migrate", "--noinput")
        assert forward.returncode == 0, forward.stdout[-3000:] + forward.stderr[-3000:]
        assert db.scalar(composite) == len(province_keys.foreign_keys())
        after = {
            table: (pk, db.scalar(f'SELECT province_id FROM "{table}" WHERE id = %s', [pk]))
            for table, (pk, _right) in planted.items()
        }
        assert after == planted
    finally:
        db.connection.close()
        drop(db.url)


def drop(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect(url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def test_the_report_tally_counts_the_reports_that_were_there(previous_main):
    """assessments 0022 fills the per-period tally (docs/scale.md 4) from the reports an
    installed deployment already has: under each root, per period, category, state and due
    date, the number of reports; and under every prefix of every unit the same totals."""
    reports = previous_main.rows(
        "SELECT r.period_id, SUBSTRING(u.path, 1, 4), r.category_id, r.state, r.due_on, COUNT(*) "
        "FROM assessments_report r JOIN responsibilities_unit u ON u.id = r.unit_id GROUP BY 1, 2, 3, 4, 5"
    )
    assert sum(row[-1] for row in reports) > 50, "no reports to count: the fixture is wrong"
    tallied = previous_main.rows(
        "SELECT period_id, prefix, category_id, state, due_on, n FROM assessments_reporttally "
        "WHERE above = '' AND n <> 0"
    )
    assert sorted(map(tuple, tallied)) == sorted(map(tuple, reports))
    per_unit = previous_main.scalar(
        "SELECT COUNT(*) FROM responsibilities_unit u WHERE (SELECT COUNT(*) FROM assessments_report r "
        "JOIN responsibilities_unit w ON w.id = r.unit_id WHERE w.path LIKE u.path || '%%') "
        "<> (SELECT COALESCE(SUM(n), 0) FROM assessments_reporttally t WHERE t.prefix = u.path)"
    )
    assert per_unit == 0
