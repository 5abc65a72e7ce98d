"""The load scenario (`make load`): secretaries browse 我的责任 and their reports and
submit; leaders work through their review queue and approve or return; leaders and the
admin read the dashboards. Accounts come from load/prepare.py (password: the demo's)."""

import itertools
import os
import random
import re

from locust import HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "mingze2026")
BRANCHES = int(os.environ.get("LOAD_BRANCHES", "30"))
REPORT = re.compile(r"/assessments/reports/(\d+)/")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_numbers = {kind: itertools.count(1) for kind in ("sec", "lead")}


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def sign_in(self, username: str) -> None:
        page = self.client.get("/login/", name="login page")
        token = CSRF.search(page.text).group(1)
        answer = self.client.post(
            "/login/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign in",
            allow_redirects=False,
        )
        if answer.status_code != 302:
            raise RuntimeError(f"{username} could not sign in: {answer.status_code}")

    def post_form(self, url: str, page_text: str, data: dict, name: str):
        token = CSRF.search(page_text).group(1)
        return self.client.post(
            url, data={**data, "csrfmiddlewaretoken": token}, name=name, allow_redirects=False, headers={"Referer": url}
        )


class Secretary(Person):
    weight = 6

    def on_start(self):
        self.sign_in(f"load_sec_{(next(_numbers['sec']) - 1) % BRANCHES + 1:02d}")

    @task(3)
    def my_reports(self):
        page = self.client.get("/assessments/mine/", name="我的责任 my reports")
        self.reports = sorted(set(REPORT.findall(page.text)))

    @task(3)
    def report_and_submit(self):
        if not getattr(self, "reports", None):
            return self.my_reports()
        pk = random.choice(self.reports)
        url = f"/assessments/reports/{pk}/"
        page = self.client.get(url, name="report page")
        if f"/assessments/reports/{pk}/file/" in page.text:  # still draft or returned: file it
            self.post_form(
                f"{url}file/",
                page.text,
                {"content": "按要求落实，已召开专题会议并形成记录。", "self_assessment": "good", "action": "submit"},
                "submit report",
            )


class Leader(Person):
    weight = 3

    def on_start(self):
        self.sign_in(f"load_lead_{(next(_numbers['lead']) - 1) % max(BRANCHES // 3, 1) + 1:02d}")

    @task(3)
    def review(self):
        queue = self.client.get("/assessments/review/", name="review queue")
        waiting = REPORT.findall(queue.text)
        if not waiting:
            return
        url = f"/assessments/reports/{random.choice(waiting)}/"
        page = self.client.get(url, name="report page (reviewer)")
        if f"{url}review/" not in page.text:
            return
        if random.random() < 0.8:
            data = {"action": "approve", "approve-grade": "good", "approve-comment": ""}
        else:
            data = {"action": "return", "return-comment": "请补充佐证材料。"}
        self.post_form(f"{url}review/", page.text, data, "review (approve/return)")

    @task(1)
    def dashboard(self):
        self.client.get("/dashboard/", name="dashboard")


class Overseer(Person):
    weight = 1

    def on_start(self):
        self.sign_in("admin")

    @task(2)
    def dashboard(self):
        self.client.get("/dashboard/", name="dashboard")

    @task(1)
    def ranking(self):
        self.client.get("/dashboard/ranking/", name="ranking")
