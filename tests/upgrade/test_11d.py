"""Notifications of the release were stored HTML-escaped (``&quot;四风&quot;``); after the
upgrade they hold plain text, every other row untouched."""

import html

import pytest

pytestmark = pytest.mark.postgres

ENTITIES = ("&amp;", "&lt;", "&gt;", "&quot;", "&#x27;", "&#39;")


def test_escaped_notification_texts_become_plain_text(upgraded):
    before = upgraded.before["notification_texts"]
    escaped = [row for row in before if any(e in row[1] + row[2] for e in ENTITIES)]
    assert escaped, "the release dump holds no escaped notification: the fixture is wrong"
    after = upgraded.rows("SELECT id, title, body FROM notifications_notification ORDER BY id")
    assert after == [(pk, html.unescape(title), html.unescape(body)) for pk, title, body in before]
    assert not [row for row in after if any(e in row[1] + row[2] for e in ENTITIES)]
    assert any('"不忘初心、牢记使命"' in body for _pk, _title, body in after)
