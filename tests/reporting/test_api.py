"""The reports over /api/v1: the lead unit creates, fills in and submits; the department's inbox,
accept and return; the alliance's KPI warnings and the registry's flag; other jurisdictions 404."""

from __future__ import annotations

from datetime import datetime

import pytest

from lianmeng.core import clock
from tests.reporting.conftest import filed_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _january_2020(monkeypatch):
    moment = datetime(2020, 1, 20, 10, 0, tzinfo=clock.BEIJING)
    monkeypatch.setattr(clock, "now", lambda: moment)


def _auth(token_for, user):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}


def test_lead_unit_files_and_department_returns_then_accepts(client, world, token_for):
    filed_plan(world)
    lead = _auth(token_for, world.lead_user)
    dept = _auth(token_for, world.luoyang)
    url = f"/api/v1/alliances/{world.alliance.pk}/reports"
    created = client.post(
        url, {"kind": "self_evaluation", "year": 2019}, content_type="application/json", **lead
    )
    assert created.status_code == 201, created.content
    report = created.json()
    assert report["status"] == "draft" and report["allowed"] == ["submit"]
    content = {
        "plan_completion": "完成",
        "funds_use": "按计划",
        "main_results": "成效",
        "next_year_plan": "计划",
        "kpis": {"core_breakthroughs": 1, "funding": {"lead_unit": 210}, "talent.phd": 10},
    }
    updated = client.put(
        f"/api/v1/reports/{report['id']}",
        {"revision": report["revision"], "content": content},
        content_type="application/json",
        **lead,
    )
    assert updated.status_code == 200, updated.content
    body = updated.json()
    assert [w["indicator"] for w in body["warnings"]] == ["core_breakthroughs"]
    row = next(r for r in body["kpi_table"] if r["indicator"] == "core_breakthroughs")
    assert row == {
        "indicator": "core_breakthroughs",
        "label": "取得核心技术突破（项）",
        "expected": 4.0,
        "actual": 1.0,
        "lagging": True,
    }
    stale = client.put(
        f"/api/v1/reports/{report['id']}",
        {"revision": report["revision"], "content": content},
        content_type="application/json",
        **lead,
    )
    assert stale.status_code == 409
    rid = report["id"]
    assert (
        client.post(
            f"/api/v1/reports/{rid}/submit", {}, content_type="application/json", **lead
        ).status_code
        == 200
    )
    inbox = client.get("/api/v1/reports?mine=true&warning=true", **dept).json()
    assert [r["id"] for r in inbox["items"]] == [rid]
    refused = client.post(
        f"/api/v1/reports/{rid}/return", {}, content_type="application/json", **dept
    )
    assert refused.status_code == 422
    back = client.post(
        f"/api/v1/reports/{rid}/return",
        {"reason": "请说明原因"},
        content_type="application/json",
        **dept,
    )
    assert back.json()["status"] == "returned"
    again = client.post(
        f"/api/v1/reports/{rid}/submit", {}, content_type="application/json", **lead
    )
    assert again.json()["status"] == "submitted"
    done = client.post(f"/api/v1/reports/{rid}/accept", {}, content_type="application/json", **dept)
    assert done.json()["status"] == "accepted"
    warnings = client.get(f"/api/v1/alliances/{world.alliance.pk}/kpi-warnings", **dept).json()
    assert warnings["kpi_warning_count"] == 1 and warnings["report"] == rid
    # the public registry neither shows nor filters by the warning; a department's session does
    public = client.get("/api/v1/registry?kpi_warning=true").json()
    assert all(a["kpi_warning_count"] is None for a in public["items"])
    assert len(public["items"]) >= 1
    client.force_login(world.luoyang)
    registry = client.get("/api/v1/registry?kpi_warning=true").json()
    assert [a["id"] for a in registry["items"]] == [world.alliance.pk]
    assert registry["items"][0]["kpi_warning_count"] == 1


def test_other_jurisdictions_get_404(client, world, token_for):
    filed_plan(world)
    from lianmeng.reporting.models import Report

    rid = Report.objects.get(kind="annual_plan").pk
    for user in (world.baoding, world.outsider_user):
        auth = _auth(token_for, user)
        assert client.get(f"/api/v1/reports/{rid}", **auth).status_code == 404
        assert (
            client.get(f"/api/v1/alliances/{world.alliance.pk}/reports", **auth).status_code == 404
        )
        assert (
            client.get(f"/api/v1/alliances/{world.alliance.pk}/kpi-warnings", **auth).status_code
            == 404
        )
        assert (
            client.post(
                f"/api/v1/reports/{rid}/accept", {}, content_type="application/json", **auth
            ).status_code
            == 404
        )
    assert client.get("/api/v1/reports", **_auth(token_for, world.baoding)).json()["count"] == 0
