"""The report loop as a browser does it, over HTTP against a running Mingze (gunicorn):
file a report with a piece of evidence, submit it, approve it."""

import datetime

from django.urls import reverse

from assessments.demo import tiny_png


def post(browser, base, name, args, **kwargs):
    answer = browser.post(base + reverse(name, args=args), allow_redirects=False, timeout=30, **kwargs)
    assert answer.status_code == 302, (name, answer.status_code, answer.text[:800])
    return answer


def attach(browser, base, report_pk, *, name="支部会议照片.png"):
    return post(
        browser,
        base,
        "assessments:evidence_add",
        [report_pk],
        data={"description": "会议照片", "work_date": datetime.date.today().isoformat()},
        files={"file": (name, tiny_png(), "image/png")},
    )


def submit(browser, base, report_pk, content="召开专题会议 2 次，学习党章"):
    return post(
        browser,
        base,
        "assessments:report_file",
        [report_pk],
        data={"content": content, "self_assessment": "", "action": "submit"},
    )


def approve(browser, base, report_pk, grade="good"):
    return post(
        browser, base, "assessments:report_review", [report_pk], data={"action": "approve", "approve-grade": grade}
    )
