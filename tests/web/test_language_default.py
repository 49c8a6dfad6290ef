"""Chinese by default, whatever the browser asks for; English only when chosen."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_browser_set_to_english_still_gets_chinese(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "政策档案" in page
    assert 'lang="zh-CN"' in page


def test_english_when_chosen_with_the_switcher(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Policy profiles" in page
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "政策档案" in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
