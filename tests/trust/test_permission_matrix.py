"""The permission matrix: every URL pattern × every member of the cast × GET and POST,
with objects of unit A. The expected answer of each cell comes from EXPECTED below; a URL
with no row fails the test, so a new page cannot ship without saying who may use it. A
row named ``name@variant`` asks the same URL about another object (a non-leaf unit).

Beside the shared cast (tests/conftest.py) the matrix has three people the scope rules
are about (DESIGN.md, "Who sees what"): the 机关党委's secretary (sees the branches under
it, read-only), a 机关党委委员 who is also the secretary of branch C (the same, and acts
for branch C only), and an admin who holds a post in unit A (acts for unit A as its post
holder, never judges its reports, rectifications or notices).

Each request runs inside a transaction that is rolled back, so every cell starts from the
same data; a refused request must also leave the data as it was.
"""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from api.services import issue_token
from assessments.models import Evidence, Report
from dashboard.models import Export
from honours.models import HonourRound
from responsibilities.models import PostKind, WorkType
from responsibilities.services import set_post_holder
from schedules.models import JobRun
from scoring.models import BonusItem, UnitScore
from tests.assessments.tasks_support import matrix_task_objects
from tests.factories import PostFactory, UnitFactory, UserFactory
from tests.oversight.matrix import matrix_objects
from tests.trust.urlconf import url_names
from worklog.models import RecordFile
from worklog.services import RecordInput, create_record

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "admin",
    "leader",
    "other_leader",
    "secretary_a",
    "secretary_b",
    "supervisor",
    "committee_secretary",
    "committee_member",
    "admin_in_a",
    # 三员分立: the 安全管理员 and the 审计管理员 beside the 系统管理员 ("admin").
    "security_admin",
    "audit_admin",
]

# Shorthands for a row: who gets 200 on GET (the rest of the signed-in cast gets `no`).
EVERYONE = set(ROLES) - {"anonymous"}
# The 安全管理员 and 审计管理员 hold no post and see no unit: the organization's pages refuse
# them (and its objects are not theirs to know of); they have their own pages below.
NOT_ORG = {"security_admin", "audit_admin"}
STAFF = EVERYONE - NOT_ORG
ADMIN = {"admin", "admin_in_a"}
ORG = {"leader", "other_leader", "supervisor"} | ADMIN
HOLDERS_A = {"secretary_a"}  # the secretary of unit A
ACTS_FOR_A = HOLDERS_A | {"admin_in_a"}  # every holder of a post in unit A
FILES_A = HOLDERS_A  # the holder of the post carrying unit A's report; other holders read it
COMMITTEE = {"committee_secretary", "committee_member"}  # post holders of the unit above A
SEES_A = ORG | HOLDERS_A | COMMITTEE  # whose scope covers unit A
JUDGES_A = {"admin", "leader"}  # reviewers of unit A who hold no post in it
MARKED = {"supervisor", "other_leader"}  # the 纪检监察组's holder and the 党组书记


@dataclass
class Row:
    args: str = ""  # which object the URL takes: "", "report", "evidence", "unit", ...
    get: set | None = None  # roles answered 200; None: the URL takes no GET (405)
    post: set | None = None  # roles whose POST is accepted; None: a read-only page
    no: int = 403  # what the other signed-in roles get
    hidden: set = frozenset()  # roles that may not know the object exists: 404
    public: bool = False  # anonymous visitors are answered too (no login redirect)
    signed_in_redirect: bool = False  # the login page sends signed-in people home


# A report, its evidence and its unit belong to unit A: secretary B may not know of them.
OF_A = {"hidden": {"secretary_b"} | NOT_ORG, "no": 403}
# The committee's own objects: the secretaries of the branches under it may not know of them.
OF_COMMITTEE = {"hidden": {"secretary_a", "secretary_b"} | NOT_ORG, "no": 403}
# An appraisal round is not the secretaries' to know of (unless they rate in it).
SECRETARIES_404 = {"hidden": {"secretary_a", "secretary_b"} | COMMITTEE | NOT_ORG, "no": 403}
LEADERS = {"leader", "other_leader"}
SECURITY = {"security_admin"}  # accounts, roles, passwords, lock-outs
AUDITOR = {"audit_admin"}  # reads the security log and the audit trail
RAISE_A = {"admin", "admin_in_a", "leader", "supervisor"}  # may raise a rectification for unit A

EXPECTED = {
    "healthz": Row(get=EVERYONE, public=True),
    "favicon": Row(get=EVERYONE, public=True),
    "home": Row(get=EVERYONE),
    "login": Row(get=set(), post=set(), public=True, signed_in_redirect=True),
    "logout": Row(post=EVERYONE, public=True),
    "password_change": Row(get=EVERYONE, post=EVERYONE),
    "password_change_done": Row(get=EVERYONE),
    "two_factor": Row(get=EVERYONE, post=EVERYONE),
    "two_factor_verify": Row(get=EVERYONE, post=EVERYONE),
    # 三员分立: each administrator's pages are theirs alone, the 系统管理员's included.
    "accounts:people": Row(get=SECURITY),
    "accounts:person": Row(args="account", get=SECURITY, post=SECURITY),
    "accounts:person_password": Row(args="account", post=SECURITY),
    "accounts:person_unlock": Row(args="account", post=SECURITY),
    "audit:security_log": Row(get=AUDITOR),
    "audit:security_log_export": Row(get=AUDITOR),
    "audit:trail": Row(get=AUDITOR),
    "responsibilities:checklist": Row(get=ORG),
    "responsibilities:matrix": Row(get=ORG),
    "responsibilities:assignments": Row(get=ORG),
    "responsibilities:bulk_assign": Row(get=ADMIN, post=ADMIN),
    "responsibilities:units": Row(get=ORG),
    "responsibilities:my_duties": Row(get=STAFF - {"admin"}),  # every post holder
    "assessments:my_reports": Row(get=STAFF - {"admin"}),
    "assessments:review_queue": Row(get={"admin", "admin_in_a", "leader", "other_leader"}),
    "assessments:report": Row(args="report", get=SEES_A, **OF_A),
    "assessments:report_file": Row(args="report", post=FILES_A, **OF_A),
    "assessments:evidence_add": Row(args="report", post=FILES_A, **OF_A),
    # No one judges a report of a unit in which they hold a post, admins included.
    "assessments:report_review": Row(args="report", post=JUDGES_A, **OF_A),
    "assessments:report_reopen": Row(args="report", post={"admin"}, **OF_A),
    "assessments:report_waive": Row(args="report", post={"admin"}, **OF_A),
    "assessments:evidence_download": Row(args="evidence", get=SEES_A, **OF_A),
    # 内部/涉密 files of the 纪检监察组: its holder (the supervisor) and the 党组书记 only;
    # to everyone else, admins and the other leaders included, they do not exist.
    "assessments:evidence_download@marked": Row(args="evidence_marked", get=MARKED, hidden=EVERYONE - MARKED, no=404),
    "assessments:meetings": Row(get=ADMIN, post=ADMIN),
    "assessments:outside_reviews": Row(get=ADMIN, post=ADMIN),
    "responsibilities:liaisons": Row(get=ADMIN, post=ADMIN),
    "oversight:handovers": Row(get=ADMIN, post=ADMIN),
    # 撤并与分设: admins only (a refused POST changes nothing).
    "oversight:reorganize": Row(get=ADMIN, post=ADMIN),
    # 我的党建联系点: whoever holds a unit's liaison post now (the two leaders of the cast).
    "assessments:my_liaisons": Row(get=LEADERS),
    "assessments:evidence_remove": Row(args="evidence", post=FILES_A, **OF_A),
    "assessments:unit": Row(args="unit", get=SEES_A, **OF_A),
    "assessments:unit@committee": Row(args="unit_committee", get=ORG | COMMITTEE, **OF_COMMITTEE),
    "notifications:list": Row(get=EVERYONE),
    "notifications:mark_all_read": Row(post=EVERYONE),
    "schedules:periods": Row(get=ADMIN, post=ADMIN),
    "schedules:period_edit": Row(args="period", get=ADMIN, post=ADMIN),
    "schedules:period_action": Row(args="period", post=ADMIN),
    "schedules:job_run": Row(args="job_run", get=ADMIN),
    "scoring:scores": Row(get=STAFF),
    # A score page answers 403, not 404, to the administrators who see no unit.
    "scoring:unit_score": Row(args="unit_score", get=SEES_A, hidden={"secretary_b"}),
    "scoring:unit_score@committee": Row(
        args="unit_score_committee", get=ORG | COMMITTEE, hidden={"secretary_a", "secretary_b"}
    ),
    "scoring:rules": Row(get=ADMIN, post=ADMIN),
    "scoring:bonuses": Row(get=ADMIN, post=ADMIN),
    "scoring:bonus_revoke": Row(args="bonus", post=ADMIN),
    # The API's endpoints answer 401 (not a sign-in page) and are in their own matrix,
    # tests/api/test_matrix.py; the page of API tokens is the admin's.
    "api_tokens:tokens": Row(get=ADMIN, post=ADMIN),
    "api_tokens:revoke": Row(args="api_token", post=ADMIN),
    "dashboard:index": Row(get=STAFF),
    "dashboard:ranking": Row(get=ORG),
    "dashboard:reports": Row(get=STAFF),
    "dashboard:exports": Row(get=STAFF),
    "dashboard:export_create": Row(post=STAFF),
    # An export is handed out to whoever's scope covers its units; to anyone else it is a 404.
    "dashboard:export_download": Row(args="export", get=SEES_A, hidden=EVERYONE - SEES_A),
    "dashboard:export_download@committee": Row(
        args="export_committee", get=ORG | COMMITTEE, hidden=EVERYONE - ORG - COMMITTEE
    ),
    "dashboard:export_download@everything": Row(args="export_everything", get=ORG, hidden=EVERYONE - ORG),
    # The hearing pack as a Word document: the same download, the same scope.
    "dashboard:export_download@word": Row(args="export_word", get=SEES_A, hidden=EVERYONE - SEES_A),
    # 整改 and 督办 behind the dashboard (issue 14): the panels, their lists, the 整改台账 of unit A.
    "dashboard:follow_up": Row(get=STAFF),
    "dashboard:rectifications": Row(get=STAFF),
    "dashboard:notices": Row(get=STAFF),
    "dashboard:export_download@ledger": Row(args="export_ledger", get=SEES_A, hidden=EVERYONE - SEES_A),
    # 履责纪实 against the rules: the compliance panel, in the dashboard's scope.
    "dashboard:compliance": Row(get=STAFF),
    # 述职评议: an open round (A appraised, the two leaders rate) and last year's, published.
    # 评先评优: the admin runs a round; its 公示 is read by everyone who sees a unit; the
    # year-end summary follows the dashboard's scope and its file is a 404 outside it.
    "honours:rounds": Row(get=ADMIN, post=ADMIN),
    "honours:round": Row(args="honour_round", get=ADMIN),
    "honours:round_action": Row(args="honour_round_action", post=ADMIN),
    "honours:notice": Row(args="honour_round", get=STAFF),
    "honours:year_end": Row(get=STAFF, post=STAFF),
    "honours:year_end_download": Row(args="year_end", get=SEES_A, hidden=EVERYONE - SEES_A),
    "honours:year_end_download@everything": Row(args="year_end_everything", get=ORG, hidden=EVERYONE - ORG),
    "honours:mine": Row(get=EVERYONE),
    "appraisals:my_appraisal": Row(get=EVERYONE),
    "appraisals:rounds": Row(get=ORG),
    "appraisals:round_new": Row(get=ADMIN, post=ADMIN),
    "appraisals:round": Row(args="round", get=ORG, **SECRETARIES_404),
    "appraisals:round_edit": Row(args="round", get=ADMIN, post=ADMIN, **SECRETARIES_404),
    "appraisals:participants": Row(args="round", get=ADMIN, post=ADMIN, **SECRETARIES_404),
    "appraisals:open": Row(args="round", post=ADMIN, **SECRETARIES_404),
    "appraisals:close": Row(args="round", post=ADMIN, **SECRETARIES_404),
    "appraisals:publish": Row(args="round", post=ADMIN, **SECRETARIES_404),
    "appraisals:rate": Row(args="round", get=LEADERS, post=LEADERS, **SECRETARIES_404),
    "appraisals:results": Row(args="round_done", get=ORG, **SECRETARIES_404),
    "appraisals:results_export": Row(args="round_done", get=ORG, **SECRETARIES_404),
    "appraisals:report": Row(args="appraisee", get=SEES_A, post=HOLDERS_A, **OF_A),
    "appraisals:evidence_upload": Row(args="appraisee", post=HOLDERS_A, **OF_A),
    "appraisals:evidence": Row(args="appraisal_evidence", get=SEES_A, **OF_A),
    "appraisals:result": Row(args="appraisee_done", get=ORG | HOLDERS_A, **OF_A),
    "appraisals:finding_add": Row(args="appraisee_done", post=ADMIN | LEADERS, **OF_A),
    # 整改 and 督办 of unit A, raised and issued by its liaison leader.
    "oversight:rectifications": Row(get=STAFF),
    "oversight:notices": Row(get=STAFF),
    "oversight:rectification_new": Row(get=ORG, post=ORG),
    "oversight:notice_new": Row(get=ORG, post=ORG),
    "oversight:raise_from_report": Row(args="rectification_report", get=RAISE_A, post=RAISE_A, **OF_A),
    "oversight:raise_from_finding": Row(args="finding", get=RAISE_A, post=RAISE_A, **OF_A),
    "oversight:raise_from_notice": Row(args="notice_source", get=RAISE_A, post=RAISE_A, **OF_A),
    "oversight:rectification": Row(args="rectification", get=SEES_A, **OF_A),
    "oversight:report_done": Row(args="rectification", post=ACTS_FOR_A, **OF_A),
    "oversight:verify": Row(args="rectification", post=JUDGES_A, **OF_A),
    "oversight:notice": Row(args="notice", get=SEES_A, **OF_A),
    "oversight:reply": Row(args="notice", post=ACTS_FOR_A, **OF_A),
    "oversight:settle": Row(args="notice", post=JUDGES_A, **OF_A),
    "oversight:attachment": Row(args="attachment", get=SEES_A, **OF_A),
    # 交办: a task of unit A, replied to by its secretary. Admins issue and close (not the
    # one holding a post in A); A's post holders reply; the rest of the scope reads.
    "assessments:tasks": Row(get=STAFF),
    "assessments:task_new": Row(get=ADMIN, post=ADMIN),
    "assessments:task": Row(args="task", get=SEES_A, **OF_A),
    "assessments:task_reply": Row(args="task", post=ACTS_FOR_A, **OF_A),
    "assessments:task_settle": Row(args="task", post={"admin"}, **OF_A),
    "assessments:task_file": Row(args="task_file", get=SEES_A, **OF_A),
    # 履责纪实: every post holder records for their own units (a deputy too); whoever sees
    # unit A reads its recorded work; a draft is still the branch's own: to the rest it
    # does not exist. The importer's pages are the recorders'.
    "worklog:records": Row(get=STAFF),
    "worklog:record_new": Row(get=STAFF - {"admin"}, post=STAFF - {"admin"}),
    "worklog:record": Row(args="work_record", get=SEES_A, **OF_A),
    "worklog:record@draft": Row(args="work_record_draft", get=ACTS_FOR_A, hidden=EVERYONE - ACTS_FOR_A, no=404),
    "worklog:record_edit": Row(
        args="work_record_draft", get=ACTS_FOR_A, post=ACTS_FOR_A, hidden=EVERYONE - ACTS_FOR_A, no=404
    ),
    "worklog:record_files": Row(args="work_record", post=ACTS_FOR_A, **OF_A),
    "worklog:record_file": Row(args="record_file", get=SEES_A, **OF_A),
    "worklog:import": Row(get=STAFF - {"admin"}, post=STAFF - {"admin"}),
    "worklog:import_confirm": Row(post=STAFF - {"admin"}),
    "worklog:import_template": Row(get=STAFF - {"admin"}),
}

# Answers that count as "let in": a page, a redirect after success, or a 400 for the
# empty form the matrix sends (the person may act; their input was refused).
LET_IN = {200, 201, 204, 302, 303, 400}


def work_record(cast, topic, *, record_now):
    data = RecordInput(kind=WorkType.BRANCH_COMMITTEE, held_on=timezone.localdate(), topic=topic)
    return create_record(unit=cast.unit_a, actor=cast.secretary_a, data=data, record_now=record_now)


def stored_evidence(report, name, description, by, marking=""):
    evidence = Evidence(
        report=report,
        original_name=name,
        extension=".pdf",
        content_type="application/pdf",
        description=description,
        work_date=timezone.localdate(),
        size=9,
        sha256=("b" if marking else "a") * 64,
        uploaded_by=by,
        marking=marking,
    )
    evidence.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    evidence.save()
    return evidence


@pytest.fixture
def objects(cast, period, report_a, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    evidence = stored_evidence(report_a, "纪要.pdf", "会议纪要", cast.secretary_a)
    # A 纪检监察组 file marked 内部 (问题线索处置台账): its group and the 党组书记 only.
    discipline_report = Report.objects.filter(period=period, unit=cast.discipline).first()
    marked = stored_evidence(discipline_report, "问题线索处置台账.pdf", "问题线索处置台账", cast.supervisor, "internal")
    exports = {}
    for name, unit, kind in (
        ("export", cast.unit_a, Export.Kind.EXCEL),
        ("export_committee", cast.committee, Export.Kind.EXCEL),
        ("export_everything", None, Export.Kind.EXCEL),
        ("export_word", cast.unit_a, Export.Kind.DOCX),
    ):
        export = Export.objects.create(kind=kind, period=period, unit=unit, status=Export.Status.DONE)
        export.file.save(f"{name}{export.extension}", ContentFile(b"PK"), save=True)
        exports[name] = {"token": export.token}
    for name, unit in (("year_end", cast.unit_a), ("year_end_everything", None)):
        summary = Export.objects.create(
            kind=Export.Kind.YEAR_END, year=period.year, unit=unit, requested_by=cast.admin, status=Export.Status.DONE
        )
        summary.file.save(f"{name}.xlsx", ContentFile(b"PK"), save=True)
        exports[name] = {"token": summary.token}
    honour_round = HonourRound.objects.create(
        year=period.year,
        title="评先评优",
        kinds=["advanced_branch"],
        state="publicity",
        organization=cast.party_group,
        created_by=cast.admin,
    )
    ledger = Export.objects.create(kind=Export.Kind.LEDGER, period=period, unit=cast.unit_a, status=Export.Status.DONE)
    ledger.file.save("ledger.xlsx", ContentFile(b"PK"), save=True)
    exports["export_ledger"] = {"token": ledger.token}
    UnitScore.objects.create(period=period, unit=cast.unit_a, score=85, subtree_score=85, reports=1, on_time=1)
    UnitScore.objects.create(period=period, unit=cast.committee, score=80, subtree_score=82, reports=1, on_time=1)
    recorded = work_record(cast, "支委会", record_now=True)
    stored = RecordFile(
        record=recorded,
        original_name="签到表.pdf",
        extension=".pdf",
        content_type="application/pdf",
        size=9,
        sha256="c" * 64,
        uploaded_by=cast.secretary_a,
    )
    stored.file.save("x.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    stored.save()
    return {
        "work_record": {"pk": recorded.pk},
        "work_record_draft": {"pk": work_record(cast, "待补充", record_now=False).pk},
        "record_file": {"pk": stored.pk},
        "report": {"pk": report_a.pk},
        "evidence": {"pk": evidence.pk},
        "evidence_marked": {"pk": marked.pk},
        "unit": {"pk": cast.unit_a.pk},
        "unit_committee": {"pk": cast.committee.pk},
        "period": {"pk": period.pk},
        "account": {"pk": cast.secretary_b.pk},
        "job_run": {"pk": JobRun.objects.create(job="open_periods", period=period, requested_by=cast.admin).pk},
        "unit_score": {"period_pk": period.pk, "unit_code": cast.unit_a.code},
        "unit_score_committee": {"period_pk": period.pk, "unit_code": cast.committee.code},
        "bonus": {
            "pk": BonusItem.objects.create(
                period=period, unit=cast.unit_a, points=2, reason="先进典型", granted_by=cast.admin
            ).pk
        },
        "api_token": {"pk": issue_token(user=cast.secretary_a, name="app", days=30, actor=cast.admin).token.pk},
        **exports,
        "honour_round": {"pk": honour_round.pk},
        "honour_round_action": {"pk": honour_round.pk, "action": "withdraw"},
        **matrix_objects(cast, report_a),
        **matrix_task_objects(cast),
    }


@pytest.fixture
def people(cast, objects) -> dict:
    """The matrix's own three (made after the objects, so they rate in no round)."""
    committee_secretary = UserFactory(username="jgdw_sec", full_name="机关党委书记", roles=[roles.SECRETARY])
    set_post_holder(post=cast.committee.posts.get(title="机关党委书记"), person=committee_secretary)
    committee_member = UserFactory(username="jgdw_member", full_name="机关党委委员", roles=[roles.SECRETARY])
    PostFactory(unit=cast.committee, kind=PostKind.MEMBER, title="机关党委委员", held_by=committee_member)
    branch_c = UnitFactory(code="ZBC", name="丙党支部", parent=cast.committee)
    PostFactory(unit=branch_c, title="支部书记", held_by=committee_member)
    admin_in_a = UserFactory(username="admin_in_a", full_name="兼任委员的管理员", roles=[roles.ADMIN])
    PostFactory(unit=cast.unit_a, kind=PostKind.MEMBER, title="组织委员", held_by=admin_in_a)
    return {
        "committee_secretary": committee_secretary,
        "committee_member": committee_member,
        "admin_in_a": admin_in_a,
        "security_admin": UserFactory(username="anquan", full_name="安全管理员", roles=[roles.SECURITY_ADMIN]),
        "audit_admin": UserFactory(username="shenji", full_name="审计管理员", roles=[roles.AUDIT_ADMIN]),
    }


def fingerprint():
    """A cheap picture of everything a request could change."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM assessments_reportevent), (SELECT count(*) FROM assessments_evidence"
            " WHERE removed_at IS NULL), (SELECT string_agg(state, ',' ORDER BY id) FROM assessments_report),"
            " (SELECT count(*) FROM responsibilities_assignment), (SELECT count(*) FROM scoring_bonusitem"
            " WHERE revoked_at IS NULL), (SELECT count(*) FROM assessments_period),"
            " (SELECT count(*) FROM notifications_notification WHERE read_at IS NULL),"
            " (SELECT count(*) FROM worklog_workrecord), (SELECT count(*) FROM worklog_recordfile),"
            " (SELECT string_agg(state || topic, ',' ORDER BY id) FROM worklog_workrecord)"
        )
        return cursor.fetchone()


def ask(client, method, url):
    with transaction.atomic():
        before = fingerprint()
        response = client.get(url) if method == "GET" else client.post(url, {})
        after = fingerprint()
        transaction.set_rollback(True)
    return response, before == after


def judge(row: Row, role: str, method: str, response) -> tuple[bool, bool]:
    """(answer as expected, a leak) for one cell."""
    code = response.status_code
    to_login = code == 302 and "/login/" in response.get("Location", "")
    allowed = row.get if method == "GET" else row.post
    if allowed is None:
        if method == "GET":
            return code == 405 or (role == "anonymous" and to_login), code < 300
        # A read-only page answering POST must answer exactly as it answers GET, or 405.
        allowed = row.get
        if code == 405:
            return True, False
    if role == "anonymous":
        if row.public:
            return code < 500, False
        return to_login or code == 405, code < 300 and not to_login
    if row.signed_in_redirect:
        return code == 302, False
    if role in allowed:
        return code in LET_IN, False
    want = 404 if role in row.hidden else row.no
    return code == want, code in (200, 302)


def url_name(key: str) -> str:
    return key.split("@")[0]


def test_every_url_has_a_row():
    named = {url_name(key) for key in EXPECTED}
    missing = sorted(set(url_names()) - named)
    stale = sorted(named - set(url_names()))
    assert missing == [], f"URLs without a row in the permission matrix: {missing}"
    assert stale == [], f"rows for URLs that no longer exist: {stale}"


def test_permission_matrix(client, cast, objects, people, capsys):
    cells = leaks = errors = 0
    wrong = []
    for name, row in sorted(EXPECTED.items()):
        url = reverse(url_name(name), kwargs=objects[row.args]) if row.args else reverse(url_name(name))
        for role in ROLES:
            client.logout()
            if role != "anonymous":
                client.force_login(people.get(role) or cast.by_role(role))
            for method in ("GET", "POST"):
                cells += 1
                response, unchanged = ask(client, method, url)
                good, leak = judge(row, role, method, response)
                refused = not good or response.status_code >= 400
                leak = leak or (refused and not unchanged and role not in (row.post or ()))
                errors += response.status_code >= 500
                leaks += leak
                if not good:
                    wrong.append(f"{method} {name} as {role}: {response.status_code}")
    with capsys.disabled():
        print(f"\npermission matrix: cells checked: {cells}, leaks: {leaks}, 500s: {errors}")
    assert wrong == [], "\n".join(wrong)
    assert leaks == 0 and errors == 0
