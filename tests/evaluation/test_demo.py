"""The demo's evaluations (issue 14): pinggu has tasks in a Luoyang campaign being scored, the
Henan campaign's results are in their public notice today with an objection for ``henan``;
loading twice adds nothing."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from lianmeng.core import clock

pytestmark = pytest.mark.django_db


def test_demo_evaluations(client, monkeypatch, settings, tmp_path):
    from lianmeng.core.models import AuditEntry, User
    from lianmeng.demo import load_demo
    from lianmeng.evaluation import selectors
    from lianmeng.evaluation.demo import load_demo_evaluations
    from lianmeng.evaluation.models import Campaign, Objection

    settings.MEDIA_ROOT = tmp_path
    moment = datetime(2026, 3, 2, 10, 0, tzinfo=clock.BEIJING)
    monkeypatch.setattr(clock, "now", lambda: moment)
    list(load_demo())
    luoyang = Campaign.objects.get(profile="luoyang")
    assert (luoyang.stage, luoyang.year) == ("scoring", 2025)
    pinggu = User.objects.get(username="pinggu")
    open_tasks = selectors.tasks(pinggu).filter(submitted_at__isnull=True)
    assert open_tasks.count() >= 2
    assert luoyang.evaluations.filter(self_filed_at__isnull=False).count() == 1

    henan = Campaign.objects.get(profile="henan")
    assert henan.stage == "notice"
    assert henan.notice_starts_on <= moment.date() <= henan.notice_ends_on
    assert set(henan.evaluations.values_list("grade", flat=True)) >= {"excellent", "fail"}
    department = User.objects.get(username="henan")
    campaign, relation = selectors.campaign_get(viewer=department, pk=henan.pk)
    assert selectors.objections(department, campaign, relation).filter(status="open").count() == 1
    assert AuditEntry.objects.filter(action="lianmeng.evaluation.objection.filed").count() == 1

    # the public notice page and pinggu's inbox have content
    page = client.get(reverse("evaluation:notice", args=[henan.pk])).content.decode()
    assert "提出异议" in page and "不合格" in page
    client.force_login(pinggu)
    page = client.get(reverse("evaluation:tasks")).content.decode()
    assert luoyang.title in page and "待评分" in page
    page = client.get(reverse("web:home")).content.decode()
    assert reverse("evaluation:tasks") in page

    counts = (Campaign.objects.count(), Objection.objects.count())
    assert list(load_demo_evaluations()) == []
    assert (Campaign.objects.count(), Objection.objects.count()) == counts
