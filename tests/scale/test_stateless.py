"""Stateless web: any web process serves any request. Two gunicorn processes on two ports,
configured as a deployment of several machines would be — sessions in the database, the
cache in Redis (REDIS_URL), uploads and exports in an S3-compatible bucket
(AWS_STORAGE_BUCKET_NAME, through django-storages) — serve one secretary in turn: signed in
on the first, every page is the same on both, the evidence uploaded and the report submitted
on the second are seen, with their messages, on the first. Nothing lands on a local disk.

The bucket is served by moto's S3-compatible server on a free loopback port (the edge of
the world: a real object store is a service of its own)."""

import re

import pytest
import redis
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from assessments.demo import tiny_png
from assessments.models import Evidence, Report
from tests.services import need, need_postgres
from tests.trust.processes import RedisServer, free_port, gunicorn

from .loop import attach, submit

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
BUCKET = "mingze-media"


@pytest.fixture
def bucket():
    """An S3-compatible object store with an empty bucket; yields (environment, client)."""
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError:
        need("moto's S3 server", False, "pip install -r requirements-test.txt")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": "mingze-test",
        "AWS_SECRET_ACCESS_KEY": "mingze-test-secret",
    }
    client = boto3.client(
        "s3",
        endpoint_url=env["AWS_S3_ENDPOINT_URL"],
        region_name=env["AWS_S3_REGION_NAME"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=BUCKET)
    yield env, client
    server.stop()


def same(page: str) -> str:
    """A page without what differs by design between two answers: the per-answer mask of
    the CSRF token (64 letters and digits)."""
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "…", page)


def sign_in(browser, base, user, password="pw-for-tests"):
    # The web runs the production hashers, not the tests' fast one.
    user.password = PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt())
    user.save(update_fields=["password"])
    form = browser.get(base + reverse("login"), timeout=60)  # the first answer: workers boot
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = browser.post(
        base + reverse("login"),
        data={"username": user.username, "password": password, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.text[:800]
    # Signing in gives a new CSRF token; a page's scripts send it in a header.
    browser.headers["X-CSRFToken"] = browser.cookies["csrftoken"]


def test_two_web_processes_serve_one_session_in_turn(cast, period, report_a, bucket, tmp_path):
    need_postgres()
    store, s3 = bucket
    cache = RedisServer()
    cache.start()
    media = tmp_path / "media"
    env = {**store, "REDIS_URL": cache.url, "MEDIA_ROOT": str(media)}
    try:
        with gunicorn(**env) as (first, first_proc), gunicorn(**env) as (second, second_proc):
            assert first_proc.pid != second_proc.pid
            browser = requests.Session()
            sign_in(browser, first, cast.secretary_a)

            pages = [
                reverse("assessments:my_reports"),
                reverse("assessments:report", args=[report_a.pk]),
                reverse("responsibilities:my_duties"),
                reverse("dashboard:index") + f"?period={period.pk}",
                reverse("notifications:list"),
            ]
            for url in pages:
                on_second = browser.get(second + url, allow_redirects=False, timeout=60)
                on_first = browser.get(first + url, allow_redirects=False, timeout=30)
                assert on_second.status_code == on_first.status_code == 200, (url, on_second.status_code)
                assert same(on_second.text) == same(on_first.text), url
            # The pages and the data stamp they were made under were kept by one process, for
            # both, in Redis (the dashboard's counts come from the report tally on PostgreSQL).
            kept = redis.Redis.from_url(cache.url)
            assert kept.keys("mingze:*:page:*") and kept.keys("mingze:*:pagecache:stamp")

            # Evidence uploaded and the report submitted on the second process...
            attach(browser, second, report_a.pk)
            page = browser.get(first + reverse("assessments:report", args=[report_a.pk]), timeout=30)
            assert "已上传“支部会议照片.png”" in page.text  # the message, shown by the first
            submit(browser, second, report_a.pk)
            page = browser.get(first + reverse("assessments:report", args=[report_a.pk]), timeout=30)
            assert "已提交" in page.text
            report_a.refresh_from_db()
            assert report_a.state == Report.State.SUBMITTED

            # ...the file downloaded from the first, out of the bucket.
            evidence = Evidence.objects.get(report=report_a)
            download = browser.get(first + reverse("assessments:evidence_download", args=[evidence.pk]), timeout=30)
            assert download.status_code == 200 and download.content == tiny_png()
    finally:
        cache.stop()
    stored = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert stored == [evidence.file.name]
    assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))  # no local disk
