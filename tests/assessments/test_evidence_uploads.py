import hashlib

import pytest
from django.urls import reverse

from assessments.models import Evidence, ReportEvent
from tests.assessments import files

pytestmark = pytest.mark.django_db


def post_file(client, report, name, content, *, description="支部会议纪要", work_date=None, htmx=False):
    """Post a multipart body by hand, so the file name reaches the server exactly as given
    (Django's test client would strip a path from it before sending)."""
    boundary = "mingze-boundary"
    work_date = work_date or report.period.opens_on.isoformat()
    parts = []
    for field, value in (("description", description), ("work_date", work_date)):
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        reverse("assessments:evidence_add", args=[report.pk]),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


REFUSED = [
    # (file name, content, what the message says)
    ("会议纪要.pdf", files.png(), "文件内容与扩展名（.pdf）不符"),
    ("会议纪要.docx", b"just some text, not a Word file" * 10, "文件内容与扩展名（.docx）不符"),
    ("台账.docx", files.xlsx(), "文件内容与扩展名（.docx）不符"),  # a zip, but a spreadsheet
    ("照片.jpg", b"MZ\x90\x00" + b"\x00" * 200, "文件内容与扩展名（.jpg）不符"),
    ("脚本.exe", b"MZ\x90\x00" + b"\x00" * 200, "不能上传此类文件"),
    ("照片\u202egnp.exe", files.png(), "不能上传此类文件"),  # right-to-left trick: really .exe
    ("../../../etc/cron.d/evil.pdf", b"* * * * * root rm -rf /", "文件内容与扩展名（.pdf）不符"),
    ("空文件.pdf", b"", "文件为空。"),
]


@pytest.mark.parametrize(("name", "content", "says"), REFUSED)
def test_a_refused_file_says_why_and_stores_nothing(client_as, report_a, _media_in_tmp, name, content, says):
    events = ReportEvent.objects.count()
    response = post_file(client_as("secretary_a"), report_a, name, content)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert Evidence.objects.count() == 0 and ReportEvent.objects.count() == events
    assert stored_files(_media_in_tmp) == []


def test_an_oversize_file_is_refused_with_the_limit(client_as, report_a, settings, _media_in_tmp):
    settings.MINGZE_EVIDENCE_MAX_BYTES = 1024 * 1024
    response = post_file(client_as("secretary_a"), report_a, "扫描件.pdf", files.pdf() + b"0" * (1536 * 1024))
    assert response.status_code == 400
    assert "文件大小为 1.5 MB，超过 1 MB 的上限" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files(_media_in_tmp) == []


MADE = {
    "纪要.docx": files.docx,
    "台账.xlsx": files.xlsx,
    "通知.pdf": files.pdf,
    "照片.png": files.png,
    "现场.jpeg": files.jpeg,
}


@pytest.mark.parametrize("name", sorted(MADE))
def test_real_documents_and_images_are_accepted(client_as, report_a, _media_in_tmp, name):
    content = MADE[name]()
    response = post_file(client_as("secretary_a"), report_a, name, content)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == name and evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    (stored,) = stored_files(_media_in_tmp)
    assert stored.read_bytes() == content and stored.is_relative_to(_media_in_tmp / "evidence")
    assert ReportEvent.objects.get(report=report_a).action == "evidence_added"


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../../../tmp/evil.png", "evil.png"),
        ("C:\\Users\\书记\\Desktop\\照片.png", "照片.png"),
        ("照片\x00\x07\x1b.png", "照片.png"),
        ("长" * 296 + ".png", "长" * 110 + ".png"),
    ],
)
def test_odd_names_are_cleaned_and_the_file_stays_in_its_folder(client_as, report_a, _media_in_tmp, sent, kept):
    response = post_file(client_as("secretary_a"), report_a, sent, files.png())
    assert response.status_code == 302
    assert Evidence.objects.get().original_name == kept
    (stored,) = stored_files(_media_in_tmp)
    assert stored.is_relative_to(_media_in_tmp / "evidence") and stored.suffix == ".png"
    assert "evil" not in stored.name and "长" not in stored.name  # stored under our own name


def test_description_and_a_past_work_date_are_required(client_as, report_a):
    client = client_as("secretary_a")
    no_words = post_file(client, report_a, "a.png", files.png(), description="")
    assert no_words.status_code == 400 and "请说明文件内容。" in no_words.content.decode()
    future = post_file(client, report_a, "a.png", files.png(), work_date="2999-01-01")
    assert future.status_code == 400 and "工作日期不能晚于今天。" in future.content.decode()
    nonsense = post_file(client, report_a, "a.png", files.png(), work_date="昨天")
    assert nonsense.status_code == 400 and "2026-06-30" in nonsense.content.decode()
    assert Evidence.objects.count() == 0


def test_htmx_upload_swaps_the_list_and_the_history(client_as, report_a):
    client = client_as("secretary_a")
    done = post_file(client, report_a, "照片.png", files.png(), htmx=True)
    page = done.content.decode()
    assert done.status_code == 200 and "已上传“照片.png”。" in page
    assert 'id="evidence-body"' in page and 'hx-swap-oob="true"' in page and "上传佐证材料" in page
    refused = post_file(client, report_a, "照片.pdf", files.png(), htmx=True)
    assert refused.status_code == 422 and "不符" in refused.content.decode()
    assert Evidence.objects.count() == 1
