"""The load scenarios of `make load` (LOAD_PROFILE), over the accounts prepare.py made.

``deadline`` — the days before a deadline (issue 15): of every 200 people, 170 secretaries
each in their own branch open their home (我的责任), open a report still to do, write and
save it, upload a 2 MB file and submit, then go back home; 25 leaders work through their
review queue (approve or return) and read the dashboard; 5 admins read the dashboard, the
ranking and their notifications, review from the whole queue and ask for an Excel export,
which they wait for and download.

``mixed`` — a steady day: secretaries browse 我的责任 and their reports and submit; leaders
review; leaders and admins read the dashboards (six to three to one).

Every answer is judged: the expected one is a success; a refusal the person is meant to see
— the action was not taken and the page says why (a report another reviewer already
approved, a file refused) — is counted apart as a refusal, by page and by message; anything
else (5xx, 403, 404, a 400 without a message, a lost session, no answer) is an error, which
locust counts as a failure. The refusals, the errors by kind and the bytes uploaded are
written to LOAD_OUTCOMES when the run stops.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
from collections import Counter

import gevent
from locust import HttpUser, between, events, task

from load.outcomes import classify, message_of

PASSWORD = os.environ.get("LOAD_PASSWORD", "bench")
# Which classes run is chosen on locust's command line by `python -m load` (PROFILES there).
USERS = int(os.environ.get("LOAD_USERS", "200"))
WAIT = tuple(float(x) for x in os.environ.get("LOAD_WAIT", "1-3").split("-"))
# What people do between two requests of the deadline profile that is not reading a page:
# writing the report's text before saving it (LOAD_WRITE) and reading a report before
# approving or returning it (LOAD_READ). `python -m load --write 1-3 --read 1-3` runs the
# profile with no such pause: every person clicks on as fast as the think time allows.
WRITE = tuple(float(x) for x in os.environ.get("LOAD_WRITE", "30-90").split("-"))
READ = tuple(float(x) for x in os.environ.get("LOAD_READ", "10-30").split("-"))
UPLOAD_BYTES = int(os.environ.get("LOAD_UPLOAD_BYTES", str(2 * 1024 * 1024)))
# Several web processes (the rehearsal): each person's requests alternate between them, as
# behind a load balancer without sticky sessions (sessions live in the database).
HOSTS = os.environ.get("LOAD_HOSTS", "").split()
with open(os.environ["LOAD_MARKS"]) as _handle:
    ACCOUNTS = json.load(_handle)["accounts"]

REPORT = re.compile(r"/assessments/reports/(\d+)/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DOWNLOAD = re.compile(r'href="(/dashboard/exports/[0-9a-f-]{36}/)"')
EXPORTS = re.compile(r'(?:data-)?hx-get="(/dashboard/exports/\?[^"]+)"')

OUTCOMES = {"refusals": Counter(), "refusal_messages": Counter(), "errors": Counter(), "uploaded_bytes": 0}
_numbers = {kind: itertools.count() for kind in ("secretary", "leader", "admin")}


def next_account(kind: str) -> str:
    names = ACCOUNTS[kind]
    return names[next(_numbers[kind]) % len(names)]


def split(users: int) -> dict[str, int]:
    """The deadline profile's 170 : 25 : 5 for any number of people (each kind at least one)."""
    leaders = max(1, round(users * 25 / 200))
    admins = max(1, round(users * 5 / 200))
    return {"secretary": max(1, users - leaders - admins), "leader": leaders, "admin": admins}


def pdf(size: int) -> bytes:
    """A file of ``size`` bytes that is a PDF by its content (the upload check reads it)."""
    head, tail = b"%PDF-1.4\n% load test evidence\n", b"\n%%EOF\n"
    filler = bytes(random.getrandbits(8) for _ in range(4096))
    body = (filler * (size // len(filler) + 1))[: max(0, size - len(head) - len(tail))]
    return head + body + tail


FILE = pdf(UPLOAD_BYTES)


class Person(HttpUser):
    abstract = True
    wait_time = between(*WAIT)
    kind = ""

    def on_start(self):
        self.username = next_account(self.kind)
        first = random.randrange(len(HOSTS)) if HOSTS else 0
        self.hosts = itertools.cycle(HOSTS[first:] + HOSTS[:first]) if HOSTS else None
        self.next_host()
        page = self.client.get("/login/", name="sign-in page")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/login/",
            data={"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code != 302:
                answer.failure(f"{self.username} could not sign in: {answer.status_code}")
                OUTCOMES["errors"]["sign in"] += 1
                self.stop()

    # -- judging answers ---------------------------------------------------------------

    def judge(self, response, name: str, *, expect=(200,)) -> str:
        """ "ok", "refused" (a message the person is meant to read) or "error"
        (load/outcomes.py); a refusal is a success for locust, counted apart."""
        outcome, why = classify(
            response.status_code, response.text, expect=expect, location=response.headers.get("Location", "")
        )
        if outcome == "error":
            if not response.status_code:
                why = f"no answer ({response.error})"
            response.failure(why)
            OUTCOMES["errors"][f"{name}: {why}"] += 1
        else:
            response.success()
        if outcome == "refused":
            OUTCOMES["refusals"][name] += 1
            OUTCOMES["refusal_messages"][why] += 1
        return outcome

    def pause(self, seconds: tuple[float, float]) -> None:
        """Work that takes a person ``seconds`` (a range) before their next request."""
        gevent.sleep(random.uniform(*seconds))

    def next_host(self) -> None:
        if self.hosts is not None:
            self.client.base_url = next(self.hosts)

    def get(self, url: str, name: str, **kwargs):
        self.next_host()
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False, **kwargs) as response:
            outcome = self.judge(response, name)
        return response if outcome == "ok" else None

    def post(self, url: str, page_text: str, data: dict, name: str, *, expect=(302,), **kwargs):
        """A form post as the browser sends it; returns (outcome, response)."""
        self.next_host()
        token = CSRF.search(page_text)
        if token is None:
            OUTCOMES["errors"][f"{name}: no form on the page"] += 1
            return "error", None
        with self.client.post(
            url,
            data={**data, "csrfmiddlewaretoken": token.group(1)},
            name=name,
            allow_redirects=False,
            headers={"Referer": self.host + url, **kwargs.pop("headers", {})},
            catch_response=True,
            **kwargs,
        ) as response:
            return self.judge(response, name, expect=expect), response


# ---------------------------------------------------------------------------------------
# The deadline profile


class DeadlineSecretary(Person):
    kind = "secretary"
    fixed_count = split(USERS)["secretary"]

    def on_start(self):
        super().on_start()
        landing = self.client.get("/", name="landing", allow_redirects=False)
        self.home = landing.headers.get("Location", "/assessments/mine/")
        self.todo: list[str] = []

    @task
    def file_a_report(self):
        if not self.todo:
            page = self.get(self.home, "secretary home")
            if page is None:
                return
            self.todo = list(dict.fromkeys(REPORT.findall(page.text)))
            random.shuffle(self.todo)
            return
        pk = self.todo.pop()
        url = f"/assessments/reports/{pk}/"
        page = self.get(url, "report page")
        if page is None or f"{url}file/" not in page.text:
            return  # handed in already: on to the next
        self.pause(WRITE)  # writes the report's text
        content = "按照责任清单要求召开支部委员会会议专题研究部署，形成会议记录，相关材料已归档。"
        outcome, _r = self.post(
            f"{url}file/", page.text, {"content": content, "self_assessment": "good", "action": "save"}, "save report"
        )
        if outcome != "ok":
            return
        page = self.get(url, "report page")
        if page is None:
            return
        self.wait()
        outcome, answer = self.post(
            f"{url}evidence/",
            page.text,
            {"description": "支部委员会会议记录", "work_date": "2026-03-15"},
            "upload 2 MB file",
            expect=(200,),
            files={"file": ("会议记录.pdf", FILE, "application/pdf")},
            headers={"HX-Request": "true", "HX-Current-URL": self.host + url},
        )
        if outcome == "ok":
            OUTCOMES["uploaded_bytes"] += len(FILE)
        self.wait()
        outcome, _r = self.post(
            f"{url}file/", page.text, {"content": content, "self_assessment": "good", "action": "submit"}, "submit"
        )
        if outcome == "ok":
            self.get(url, "report page")


def review_one(person: Person, queue: str = "/assessments/review/") -> None:
    """Open the review queue, take one of the oldest reports, approve it (four in five) or
    return it; a refusal (someone else acted first) is sent back to the same report."""
    page = person.get(queue, "review queue")
    waiting = REPORT.findall(page.text) if page is not None else []
    if not waiting:
        return
    url = f"/assessments/reports/{random.choice(waiting[:5])}/"
    page = person.get(url, "report page (reviewer)")
    if page is None or f"{url}review/" not in page.text:
        return
    person.pause(READ)  # reads the report and its evidence
    if random.random() < 0.8:
        data = {"action": "approve", "approve-grade": "good", "approve-comment": ""}
    else:
        data = {"action": "return", "return-comment": "请补充会议签到表。"}
    outcome, answer = person.post(f"{url}review/", page.text, data, "review (approve/return)")
    if outcome != "ok":
        return
    following = answer.headers.get("Location", "")
    if following.split("?")[0] == url:
        # Sent back to the same report: someone else acted first, and the page says so.
        page = person.client.get(following, name="report page (reviewer)")
        OUTCOMES["refusals"]["review (approve/return)"] += 1
        OUTCOMES["refusal_messages"][message_of(page.text) or "(back to the same report)"] += 1
    elif following:
        person.get(following, "report page (reviewer)" if "/reports/" in following else "review queue")


class DeadlineLeader(Person):
    kind = "leader"
    fixed_count = split(USERS)["leader"]

    @task(3)
    def review(self):
        review_one(self)

    @task(1)
    def dashboard(self):
        self.get("/dashboard/", "dashboard")


class Overseer(Person):
    """Reads the dashboards (the mixed profile's admin; the deadline's admin reads them too)."""

    kind = "admin"
    weight = 1

    @task(2)
    def dashboard(self):
        self.get("/dashboard/", "dashboard")

    @task(1)
    def ranking(self):
        self.get("/dashboard/ranking/", "ranking")


class DeadlineAdmin(Overseer):
    fixed_count = split(USERS)["admin"]

    def on_start(self):
        super().on_start()
        self.exported = False

    @task(1)
    def review(self):
        review_one(self)

    @task(1)
    def notifications(self):
        self.get("/notifications/", "notifications")

    @task(1)
    def export(self):
        """Ask for the period's workbook once, wait for it in the panel, download it."""
        if self.exported:
            return
        page = self.get("/dashboard/", "dashboard")
        found = EXPORTS.search(page.text) if page is not None else None
        if found is None:
            OUTCOMES["errors"]["dashboard: no exports panel"] += 1
            return
        panel_url = html.unescape(found.group(1))
        panel = self.get(panel_url, "exports panel")
        if panel is None:
            return
        period = re.search(r'name="period" value="(\d+)"', panel.text)
        data = {"kind": "excel", "period": period.group(1) if period else ""}
        outcome, _answer = self.post("/dashboard/exports/new/", panel.text, data, "ask for an export")
        if outcome != "ok":
            return
        self.exported = True
        for _ in range(90):
            self.wait()
            answer = self.get(panel_url, "exports panel")
            link = DOWNLOAD.search(answer.text) if answer is not None else None
            if link:
                self.get(link.group(1), "export download")
                return
        OUTCOMES["errors"]["export: not ready in time"] += 1


# ---------------------------------------------------------------------------------------
# The mixed profile


class Secretary(Person):
    kind = "secretary"
    weight = 6

    @task(3)
    def my_reports(self):
        page = self.get("/assessments/mine/", "secretary home")
        self.reports = sorted(set(REPORT.findall(page.text))) if page is not None else []

    @task(3)
    def report_and_submit(self):
        if not getattr(self, "reports", None):
            return self.my_reports()
        url = f"/assessments/reports/{random.choice(self.reports)}/"
        page = self.get(url, "report page")
        if page is not None and f"{url}file/" in page.text:
            content = "按要求落实，已召开专题会议并形成记录。"
            data = {"content": content, "self_assessment": "good", "action": "submit"}
            self.post(f"{url}file/", page.text, data, "submit")


class Leader(DeadlineLeader):
    fixed_count = 0  # by weight, as the mixed profile's classes are
    weight = 3


@events.test_stop.add_listener
def write_outcomes(**_kwargs):
    path = os.environ.get("LOAD_OUTCOMES")
    if path:
        with open(path, "w") as handle:
            json.dump(OUTCOMES, handle)
