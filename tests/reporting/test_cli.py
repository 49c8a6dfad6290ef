"""``lianmeng alliance reports ID`` and ``lianmeng alliance report show|submit|accept|return``."""

from __future__ import annotations

from datetime import datetime

import pytest

from lianmeng.core import clock
from tests.reporting.conftest import filed_plan, self_evaluation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _january_2020(monkeypatch):
    moment = datetime(2020, 1, 20, 10, 0, tzinfo=clock.BEIJING)
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_reports_show_submit_return_accept(world, capsys):
    from lianmeng.reporting.cli import run

    filed_plan(world)
    report = self_evaluation(world)
    lead, dept = world.lead_user.username, world.luoyang.username
    assert run(["report", "submit", str(report.pk), "--as", lead]) == 0
    assert run(["report", "return", str(report.pk), "--as", dept]) == 1
    assert "请填写" in capsys.readouterr().err
    assert run(["report", "return", str(report.pk), "--as", dept, "--reason", "补充"]) == 0
    assert run(["report", "submit", str(report.pk), "--as", lead]) == 0
    assert run(["report", "accept", str(report.pk), "--as", dept]) == 0
    capsys.readouterr()
    assert run(["reports", str(world.alliance.pk)]) == 0
    out = capsys.readouterr().out
    assert "2019 年度自评价报告：已接受" in out and "绩效预警 1 项" in out
    assert run(["report", "show", str(report.pk)]) == 0
    out = capsys.readouterr().out
    assert "取得核心技术突破（项）：计划 4 实际 1  ← 滞后" in out and "退回" in out
    assert run(["report", "frobnicate", "1"]) == 2
