"""The demo's announcements: a published Henan notice with its attachment, a Luoyang 公示
running today with one objection open that ``luoyang`` sees on the home page; loading twice
adds nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from lianmeng.core import clock

pytestmark = pytest.mark.django_db


def test_demo_notices(client, monkeypatch, settings, tmp_path):
    from lianmeng.core.models import User
    from lianmeng.demo import load_demo
    from lianmeng.notices.demo import HENAN_TITLE, LUOYANG_TITLE, load_demo_notices
    from lianmeng.notices.models import Announcement, Objection

    settings.MEDIA_ROOT = tmp_path
    moment = datetime(2026, 3, 2, 10, 0, tzinfo=clock.BEIJING)
    monkeypatch.setattr(clock, "now", lambda: moment)
    list(load_demo())
    lines = list(load_demo_notices())  # the lead hooks it into load_demo; here by itself
    henan = Announcement.objects.get(title=HENAN_TITLE)
    assert henan.status == "published" and henan.files.count() == 1
    luoyang = Announcement.objects.get(title=LUOYANG_TITLE)
    assert luoyang.notice_starts_on <= moment.date() <= luoyang.notice_ends_on
    assert luoyang.objections.filter(status="open").count() == 1
    page = client.get(reverse("notices:list")).content.decode()
    assert HENAN_TITLE in page and LUOYANG_TITLE in page
    client.force_login(User.objects.get(username="luoyang"))
    page = client.get(reverse("web:home")).content.decode()
    assert "公示异议待处理" in page
    counts = (Announcement.objects.count(), Objection.objects.count())
    assert list(load_demo_notices()) == [] or not lines
    assert (Announcement.objects.count(), Objection.objects.count()) == counts
