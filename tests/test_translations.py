import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_every_string_has_its_chinese_translation():
    """Chinese is the first language: no user-facing string may fall back to English."""
    if shutil.which("msgattrib") is None:
        pytest.fail("gettext (msgattrib) is needed: apt-get install gettext")
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(PO)], capture_output=True, text=True, check=True
    ).stdout
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", str(PO)], capture_output=True, text=True, check=True).stdout
    assert untranslated.strip() == "", untranslated[:2000]
    assert fuzzy.strip() == "", fuzzy[:2000]
