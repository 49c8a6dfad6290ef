"""The demo's reports (issue 13 item 7): accepted ones for past years, one with a KPI warning and
one major event waiting in the departments' inboxes; loading twice adds nothing."""

from __future__ import annotations

from datetime import datetime

import pytest

from lianmeng.core import clock

pytestmark = pytest.mark.django_db


def test_demo_reports(monkeypatch, settings, tmp_path):
    from lianmeng.alliances.models import Alliance
    from lianmeng.core.models import User
    from lianmeng.demo import DEMO_PASSWORD, load_demo
    from lianmeng.reporting.demo import load_demo_reports
    from lianmeng.reporting.models import Report
    from lianmeng.reporting.selectors import report_inbox

    settings.MEDIA_ROOT = tmp_path
    moment = datetime(2026, 3, 2, 10, 0, tzinfo=clock.BEIJING)
    monkeypatch.setattr(clock, "now", lambda: moment)
    list(load_demo())
    luoyang = User.objects.get(username="luoyang")
    waiting = list(report_inbox(luoyang, mine=True))
    assert [r.kind for r in waiting] == ["self_evaluation"]
    assert waiting[0].warning_count == 2 and waiting[0].year == 2025
    assert Alliance.objects.get(pk=waiting[0].alliance_id).kpi_warning_count == 2
    assert Report.objects.filter(profile="luoyang", status="accepted").count() == 5
    baoding = User.objects.get(username="baoding")
    assert [r.kind for r in report_inbox(baoding, mine=True)] == ["major_event"]
    count = Report.objects.count()
    assert list(load_demo_reports(DEMO_PASSWORD)) == []
    assert Report.objects.count() == count
