"""Reports through the services: the lead unit writes and submits, the city's department accepts
or returns — each change with its engine history row and its audit entry (issue 13 item 5)."""

from __future__ import annotations

from datetime import datetime

import pytest

from lianmeng.core import clock
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from tests.reporting.conftest import filed_plan, self_evaluation

pytestmark = pytest.mark.django_db

JAN_2020 = datetime(2020, 1, 20, 10, 0, tzinfo=clock.BEIJING)


@pytest.fixture(autouse=True)
def _january_2020(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: JAN_2020)


def _changes(report):
    from lianmeng.workflow.models import StateChange

    return list(StateChange.objects.of(report).order_by("id").values_list("transition", flat=True))


def _audited(report):
    from lianmeng.core.models import AuditEntry

    return list(
        AuditEntry.objects.filter(object_type="reporting.report", object_id=str(report.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_every_state_change_has_its_history_row_and_audit_entry(world):
    from lianmeng.reporting import services

    report = self_evaluation(world)
    services.report_submit(actor=world.lead_user, report_id=report.pk)
    services.report_return(actor=world.luoyang, report_id=report.pk, reason="请补充经费明细")
    services.report_submit(actor=world.lead_user, report_id=report.pk)
    report = services.report_accept(actor=world.luoyang, report_id=report.pk)
    assert report.status == "accepted"
    assert _changes(report) == ["create", "submit", "return", "submit", "accept"]
    actions = _audited(report)
    for transition in ("submit", "return", "accept"):
        assert f"lianmeng.report.{transition}" in actions
    assert actions.count("lianmeng.report.submit") == 2


def test_a_kpi_behind_the_years_plan_is_flagged_and_counted_on_the_alliance(world):
    from lianmeng.alliances.models import Alliance
    from lianmeng.reporting import services

    filed_plan(world)
    report = self_evaluation(world)
    services.report_submit(actor=world.lead_user, report_id=report.pk)
    report.refresh_from_db()
    lagging = [w for w in report.warnings if w["kind"] == "lagging"]
    # 1 breakthrough of 4 planned (year over: 100 % due, 80 % threshold); 9 PhDs of 10 is fine
    assert [w["indicator"] for w in lagging] == ["core_breakthroughs"]
    assert "取得核心技术突破" in lagging[0]["message"]
    assert Alliance.objects.get(pk=world.alliance.pk).kpi_warning_count == 1


def test_without_a_filed_plan_there_is_nothing_to_compare(world):
    from lianmeng.reporting import kpi, services

    report = self_evaluation(world)
    services.report_submit(actor=world.lead_user, report_id=report.pk)
    report.refresh_from_db()
    assert report.warnings == []
    assert "尚未报备 2019 年度工作计划" in kpi.expected_for(report).missing


def test_return_needs_a_reason_and_only_the_citys_department_decides(world):
    from lianmeng.reporting import services

    report = self_evaluation(world)
    services.report_submit(actor=world.lead_user, report_id=report.pk)
    with pytest.raises(ValidationFailed, match="请填写"):
        services.report_return(actor=world.luoyang, report_id=report.pk, reason=" ")
    # the province sees the report (its area) but the city decides (Luoyang 第八条)
    with pytest.raises(PermissionDenied):
        services.report_accept(actor=world.henan, report_id=report.pk)
    # another jurisdiction is told the report does not exist
    with pytest.raises(NotFound):
        services.report_accept(actor=world.baoding, report_id=report.pk)
    with pytest.raises(NotFound):
        services.report_submit(actor=world.outsider_user, report_id=report.pk)


def test_a_submitted_report_cannot_be_edited_and_a_stale_revision_is_refused(world):
    from lianmeng.reporting import services

    report = self_evaluation(world)
    with pytest.raises(Conflict, match="刷新"):
        services.report_update(actor=world.lead_user, report_id=report.pk, revision=1, content={})
    services.report_submit(actor=world.lead_user, report_id=report.pk)
    with pytest.raises(Conflict):
        services.report_update(
            actor=world.lead_user, report_id=report.pk, revision=report.revision, content={}
        )


def test_submission_needs_every_text_field(world):
    from lianmeng.reporting import services

    report = services.report_create(
        actor=world.lead_user, alliance_id=world.alliance.pk, kind="self_evaluation", year=2019
    )
    with pytest.raises(ValidationFailed, match="资金使用情况"):
        services.report_submit(actor=world.lead_user, report_id=report.pk)


def test_creating_the_same_annual_report_twice_answers_the_first(world):
    from lianmeng.reporting import services

    first = services.report_create(
        actor=world.lead_user, alliance_id=world.alliance.pk, kind="annual_plan", year=2019
    )
    again = services.report_create(
        actor=world.lead_user, alliance_id=world.alliance.pk, kind="annual_plan", year=2019
    )
    assert first.pk == again.pk


def test_departments_and_other_units_do_not_write_reports(world):
    from lianmeng.reporting import services

    with pytest.raises(PermissionDenied):
        services.report_create(
            actor=world.luoyang, alliance_id=world.alliance.pk, kind="annual_plan", year=2019
        )
    with pytest.raises(NotFound):
        services.report_create(
            actor=world.baoding, alliance_id=world.alliance.pk, kind="annual_plan", year=2019
        )
    with pytest.raises(NotFound):
        services.report_create(
            actor=world.outsider_user, alliance_id=world.alliance.pk, kind="annual_plan", year=2019
        )
    with pytest.raises(ValidationFailed):
        services.report_create(
            actor=world.lead_user, alliance_id=world.alliance.pk, kind="work_summary", year=2019
        )


def test_file_event_report_files_and_submits_a_major_event(world):
    from lianmeng.reporting import services
    from lianmeng.reporting.selectors import report_inbox

    report = services.file_event_report(
        world.bd_lead_user,
        world.baoding_alliance,
        "member_change",
        "新增成员单位：河北大学。",
        {"joined": ["河北大学"]},
    )
    assert report.status == "submitted" and report.kind == "major_event"
    assert report.content["data"] == {"joined": ["河北大学"]}
    assert list(report_inbox(world.baoding)) == [report]
    assert list(report_inbox(world.luoyang)) == []
    # Luoyang lists no address change: nothing is filed
    assert (
        services.file_event_report(world.lead_user, world.alliance, "address_change", "迁址")
        is None
    )
    # acknowledged (知悉) by the department
    report = services.report_accept(actor=world.baoding, report_id=report.pk, reason="知悉")
    assert report.status == "accepted"


def test_notices_go_to_the_department_then_to_the_lead_unit(
    world, django_capture_on_commit_callbacks
):
    from lianmeng.reporting import services
    from lianmeng.reviews.models import Notification

    report = self_evaluation(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(actor=world.lead_user, report_id=report.pk)
    assert Notification.objects.filter(recipient=world.luoyang, event="report.submit").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.report_return(actor=world.luoyang, report_id=report.pk, reason="请补充")
    note = Notification.objects.get(recipient=world.lead_user, event="report.return")
    assert "请补充" in note.body


def test_after_the_measures_lapse_reports_go_on_and_the_department_records_its_basis(
    world, monkeypatch
):
    """洛政办〔2018〕54号 lapsed at the end of 2020; the alliances it recognised still report.
    The lead unit submits without a 依据 (the lapse is recorded); the city returns and accepts
    with one (docs/decisions/0012-policy-validity.md, "supervision")."""
    from lianmeng.reporting import services
    from lianmeng.workflow.models import StateChange

    report = self_evaluation(world)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 2, 10, 0, tzinfo=clock.BEIJING))
    services.report_submit(actor=world.lead_user, report_id=report.pk)
    submitted = StateChange.objects.of(report).order_by("-id").first()
    assert submitted.data["policy_lapsed"]["valid_until"] == "2020-12-31"
    with pytest.raises(ValidationFailed, match="洛政办〔2018〕54号"):
        services.report_return(actor=world.luoyang, report_id=report.pk, reason="请补充")
    services.report_return(
        actor=world.luoyang, report_id=report.pk, reason="请补充", basis="洛科〔2026〕3号"
    )
    services.report_submit(actor=world.lead_user, report_id=report.pk)
    report = services.report_accept(
        actor=world.luoyang, report_id=report.pk, basis="洛科〔2026〕3号"
    )
    assert report.status == "accepted"
    assert _changes(report)[-4:] == ["submit", "return", "submit", "accept"]
