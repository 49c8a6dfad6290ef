"""An alliance's life on the lifecycle engine (issue 13 item 1): its states come from the
profile's ``[alliance_lifecycle]``; every change goes through one function, has its history
row and its audit entry; the registry, the API and the CLI read the state from there."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianmeng.alliances import services
from lianmeng.alliances.lifecycle import (
    acceptance_decide,
    alliance_transition,
)
from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.experts import services as review
from lianmeng.policy.loader import get_profile, load_profiles
from lianmeng.workflow.models import Deadline, StateChange
from tests.conftest import make_uscc

USCC = make_uscc("410105", 990001)


def _publish(staff, proposal, kind, **extra):
    decision = services.decision_stage(
        actor=staff, proposal_id=proposal.pk, kind=kind, reason="专家评审通过", **extra
    )
    services.decisions_publish(actor=staff, ids=[decision.pk])
    return Alliance.objects.get(proposal=proposal)


def _reviewed(staff, proposal, profile):
    round_ = review.round_create(actor=staff, profile=profile, call_year=2020)
    review.round_add_proposals(actor=staff, round_id=round_.pk, proposal_ids=[proposal.pk])
    review.round_close(actor=staff, round_id=round_.pk)
    proposal.refresh_from_db()


@pytest.fixture
def henan_at(monkeypatch):
    moment = {"now": datetime(2020, 11, 16, 10, 0, tzinfo=clock.BEIJING)}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def henan_alliance(henan_staff, make_review_proposal, henan_at):
    proposal = make_review_proposal(name="河南省轴承产业技术创新战略联盟")
    _reviewed(henan_staff, proposal, "henan")
    return _publish(henan_staff, proposal, "approve_to_build")


@pytest.fixture
def lead_of(make_user):
    def make(alliance):
        return make_user(["applicant"], unit=alliance.lead_unit)

    return make


def _history(alliance):
    return list(StateChange.objects.of(alliance).order_by("at", "id"))


def _audits(alliance):
    return list(
        AuditEntry.objects.filter(
            action__startswith="lianmeng.alliance.",
            object_type="alliances.alliance",
            object_id=str(alliance.pk),
        ).order_by("id")
    )


# -- the profile's tables ---------------------------------------------------------------------


def test_every_profile_has_an_alliance_table_with_citations():
    for profile in load_profiles().values():
        table = profile.alliance_lifecycle
        assert table is not None, profile.id
        assert table.state("dissolved") is not None and table.state("dissolved").terminal
        dissolve = table.transition("dissolve")
        assert (dissolve.role, dissolve.level, dissolve.reason_required) == (
            "applicant",
            "lead_unit",
            True,
        )
        assert profile.cite(dissolve.citation)
    henan = get_profile("henan").alliance_lifecycle
    assert henan.starts == {"approve_to_build": "building"}
    assert henan.transition("acceptance_fail").to == "building"
    assert henan.transition("acceptance_fail").starts_deadline == "construction_period_months"
    assert get_profile("luoyang").alliance_lifecycle.starts == {"recognise": "recognised"}
    assert get_profile("baoding").alliance_lifecycle.starts == {"file": "filed"}
    assert get_profile("heilongjiang").alliance_lifecycle.starts == {"pilot": "pilot"}


def test_the_loader_refuses_a_table_whose_start_state_is_unknown():
    from lianmeng.policy.loader import ProfileError, _default_directory, parse_profile

    text = (_default_directory() / "luoyang.toml").read_text(encoding="utf-8")
    broken = text.replace('starts = { recognise = "recognised" }', 'starts = { recognise = "x" }')
    with pytest.raises(ProfileError) as excinfo:
        parse_profile(broken, "luoyang.toml")
    assert "alliance_lifecycle" in str(excinfo.value)


# -- the initial state from the decision -------------------------------------------------------


def test_henan_approval_starts_building_with_its_construction_deadline(henan_alliance, henan_staff):
    alliance = henan_alliance
    assert alliance.status == "building"
    [first] = _history(alliance)
    assert (first.from_state, first.to_state, first.transition, first.label) == (
        "",
        "building",
        "approve_to_build",
        "批准筹建",
    )
    assert first.actor == henan_staff
    deadline = Deadline.objects.of(alliance).get(kind="construction_period")
    assert deadline.state_change == first
    assert deadline.due_at.astimezone(clock.BEIJING).date() == date(2021, 11, 16)
    assert alliance.construction_deadline == date(2021, 11, 16)


def test_luoyang_baoding_heilongjiang_start_in_their_own_state(
    luoyang_staff, baoding_staff, make_user, make_review_proposal, policies_in_force
):
    luoyang = make_review_proposal(profile="luoyang", region="410305", name="洛阳轴承产业联盟")
    _reviewed(luoyang_staff, luoyang, "luoyang")
    baoding = make_review_proposal(
        profile="baoding", status="recommended", region="130602", name="保定市电力装备创新联盟"
    )
    group = make_user(["coordination"], jurisdiction="230000")
    hlj = make_review_proposal(profile="heilongjiang", status="submitted", region="230102")
    made = [
        _publish(luoyang_staff, luoyang, "recognise"),
        _publish(baoding_staff, baoding, "file", category=2),
        _publish(group, hlj, "pilot"),
    ]
    assert [(a.status, a.category) for a in made] == [
        ("recognised", None),
        ("filed", 2),
        ("pilot", None),
    ]
    for alliance in made:
        [first] = _history(alliance)
        assert first.from_state == "" and first.to_state == alliance.status
        assert not Deadline.objects.of(alliance).exists()


# -- Henan: 筹建 → 验收 → 认定, or a failed 验收 with a new deadline ----------------------------


def test_henan_building_to_recognised(henan_alliance, henan_staff, lead_of, henan_at):
    lead = lead_of(henan_alliance)
    alliance_transition(
        actor=lead, pk=henan_alliance.pk, transition="apply_acceptance", reason="筹建任务已完成"
    )
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "awaiting_acceptance"
    # the conclusion is the acceptance review's: the generic path is refused, naming the page
    with pytest.raises(Conflict) as excinfo:
        alliance_transition(actor=henan_staff, pk=henan_alliance.pk, transition="acceptance_pass")
    assert "验收" in excinfo.value.message
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "awaiting_acceptance"

    henan_at["now"] = datetime(2021, 10, 1, 9, 0, tzinfo=clock.BEIJING)
    acceptance_decide(henan_staff, henan_alliance, True, "达到构建要求")
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "recognised"
    steps = [(c.transition, c.from_state, c.to_state) for c in _history(henan_alliance)]
    assert steps == [
        ("approve_to_build", "", "building"),
        ("apply_acceptance", "building", "awaiting_acceptance"),
        ("acceptance_pass", "awaiting_acceptance", "recognised"),
    ]
    actions = [a.action for a in _audits(henan_alliance)]
    assert actions == ["lianmeng.alliance.apply_acceptance", "lianmeng.alliance.acceptance_pass"]


def test_henan_failed_acceptance_goes_back_with_a_new_deadline(
    henan_alliance, henan_staff, lead_of, henan_at
):
    lead = lead_of(henan_alliance)
    alliance_transition(actor=lead, pk=henan_alliance.pk, transition="apply_acceptance")
    with pytest.raises(ValidationFailed):  # the reasons are required
        acceptance_decide(henan_staff, henan_alliance, False, "")
    with pytest.raises(ValidationFailed):  # a deadline in the past is refused
        acceptance_decide(henan_staff, henan_alliance, False, "协议未签订", date(2020, 1, 1))
    acceptance_decide(henan_staff, henan_alliance, False, "联盟协议尚未签订", date(2021, 5, 31))
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "building"
    assert henan_alliance.construction_deadline == date(2021, 5, 31)
    last = _history(henan_alliance)[-1]
    assert (last.transition, last.reason) == ("acceptance_fail", "联盟协议尚未签订")
    assert last.data["deadline"]["due_date"] == "2021年5月31日"
    deadlines = list(Deadline.objects.of(henan_alliance).order_by("id"))
    assert len(deadlines) == 2 and deadlines[-1].state_change == last
    assert deadlines[-1].due_at.astimezone(clock.BEIJING).date() == date(2021, 5, 31)
    # the registry reads the newest deadline
    from lianmeng.alliances.selectors import alliance_get

    shown = alliance_get(pk=henan_alliance.pk)
    assert shown.construction_due_at.astimezone(clock.BEIJING).date() == date(2021, 5, 31)
    assert not shown.construction_overdue
    henan_at["now"] = datetime(2021, 6, 2, 9, 0, tzinfo=clock.BEIJING)
    assert alliance_get(pk=henan_alliance.pk).construction_overdue


def test_revocation_by_the_department_needs_its_reason(henan_alliance, henan_staff):
    with pytest.raises(ValidationFailed):
        alliance_transition(actor=henan_staff, pk=henan_alliance.pk, transition="revoke")
    alliance_transition(
        actor=henan_staff, pk=henan_alliance.pk, transition="revoke", reason="整改不达标"
    )
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "revoked"
    assert _audits(henan_alliance)[-1].action == "lianmeng.alliance.revoke"


def test_dissolution_by_the_lead_unit_is_terminal(henan_alliance, henan_staff, lead_of):
    lead = lead_of(henan_alliance)
    alliance_transition(
        actor=lead, pk=henan_alliance.pk, transition="dissolve", reason="成员一致决定解散"
    )
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "dissolved"
    with pytest.raises(Conflict):
        alliance_transition(
            actor=henan_staff, pk=henan_alliance.pk, transition="revoke", reason="x"
        )


def test_wrong_role_or_other_jurisdiction_is_refused_and_changes_nothing(
    henan_alliance, henan_staff, luoyang_staff, lead_of, make_user, make_unit
):
    stranger = make_user(["applicant"], unit=make_unit("410305"))
    lead = lead_of(henan_alliance)
    before = (len(_history(henan_alliance)), AuditEntry.objects.count())
    with pytest.raises(NotFound):  # another unit: as if not there
        alliance_transition(actor=stranger, pk=henan_alliance.pk, transition="dissolve", reason="x")
    with pytest.raises(NotFound):  # another jurisdiction's department
        alliance_transition(
            actor=luoyang_staff, pk=henan_alliance.pk, transition="revoke", reason="x"
        )
    with pytest.raises(PermissionDenied):  # the department may not dissolve the alliance
        alliance_transition(
            actor=henan_staff, pk=henan_alliance.pk, transition="dissolve", reason="x"
        )
    with pytest.raises(PermissionDenied):  # the lead unit may not revoke itself
        alliance_transition(actor=lead, pk=henan_alliance.pk, transition="revoke", reason="x")
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "building"
    assert (len(_history(henan_alliance)), AuditEntry.objects.count()) == before


def test_every_state_change_has_its_history_row_and_audit_entry(
    henan_alliance, henan_staff, lead_of
):
    lead = lead_of(henan_alliance)
    alliance_transition(actor=lead, pk=henan_alliance.pk, transition="apply_acceptance")
    acceptance_decide(henan_staff, henan_alliance, False, "规划未编制")
    alliance_transition(actor=lead, pk=henan_alliance.pk, transition="apply_acceptance")
    acceptance_decide(henan_staff, henan_alliance, True, "通过")
    alliance_transition(actor=lead, pk=henan_alliance.pk, transition="dissolve", reason="解散")
    changes = _history(henan_alliance)[1:]  # after the first (audited as the decision)
    audits = [
        a for a in _audits(henan_alliance) if a.action != "lianmeng.alliance.construction_deadline"
    ]
    assert [c.transition for c in changes] == [a.action.rsplit(".", 1)[1] for a in audits]
    for change, audit in zip(changes, audits, strict=True):
        assert audit.summary["before"] == {"status": change.from_state}
        assert audit.summary["after"]["status"] == change.to_state
    # the alliance's state is always its last history row's
    henan_alliance.refresh_from_db()
    assert _history(henan_alliance)[-1].to_state == henan_alliance.status


def test_no_alliance_status_is_written_outside_the_lifecycle():
    """Only the lifecycle module, the registry's creation and the legacy import name an
    alliance's status when writing; no ``.status =`` assignment on an alliance elsewhere."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "src" / "lianmeng"
    offenders = []
    pattern = re.compile(r"alliance\w*\.status\s*=[^=]|Alliance\.objects\.[\w().]*update\(.*status")
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []


# -- any sequence of allowed transitions stays within the table -------------------------------


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(choices=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=6))
def test_any_sequence_of_allowed_transitions_stays_in_the_table(
    henan_staff, lead_of, make_review_proposal, henan_at, choices
):
    from django.db import transaction

    from lianmeng.alliances.lifecycle import allowed_transitions

    table = get_profile("henan").alliance_lifecycle
    states = {s.id for s in table.states}
    with transaction.atomic():
        proposal = make_review_proposal()
        _reviewed(henan_staff, proposal, "henan")
        alliance = _publish(henan_staff, proposal, "approve_to_build")
        lead = lead_of(alliance)
        for choice in choices:
            alliance.refresh_from_db()
            options = [
                (actor, t)
                for actor in (lead, henan_staff)
                for t in allowed_transitions(actor=actor, alliance=alliance)
            ]
            passing = table.transition("acceptance_pass")
            if alliance.status in passing.from_:
                options.append((henan_staff, passing))
                options.append((henan_staff, table.transition("acceptance_fail")))
            if not options:
                assert table.state(alliance.status).terminal
                break
            actor, step = options[choice % len(options)]
            if step.kind == "acceptance":
                acceptance_decide(actor, alliance, step.id == "acceptance_pass", "理由")
            else:
                alliance_transition(actor=actor, pk=alliance.pk, transition=step.id, reason="理由")
            alliance.refresh_from_db()
            assert alliance.status in states
            assert alliance.status == step.to
        history = list(StateChange.objects.of(alliance).order_by("at", "id"))
        assert all(c.to_state in states for c in history)
        for earlier, later in zip(history, history[1:], strict=False):
            assert later.from_state == earlier.to_state
        transaction.set_rollback(True)


# -- the legacy import ------------------------------------------------------------------------


def test_the_legacy_import_records_the_first_history_row(db, monkeypatch):
    from lianmeng.alliances.legacy import legacy_import

    row = {
        "profile": "henan",
        "name": "河南省导入测试产业技术创新战略联盟",
        "lead_unit": {"name": "导入测试有限公司", "uscc": USCC, "region_code": "410105"},
        "member_count": 12,
        "status": "building",
        "decided_on": "2020-06-01",
        "construction_deadline": "2021-06-01",
    }
    result = legacy_import(actor=None, rows=[row, {**row, "name": "洛阳", "profile": "luoyang"}])
    assert len(result.created) == 1
    alliance = result.created[0]
    [first] = StateChange.objects.of(alliance)
    assert (first.transition, first.to_state, first.label) == ("import", "building", "历史名录导入")
    deadline = Deadline.objects.of(alliance).get()
    assert deadline.due_at.astimezone(clock.BEIJING).date() == date(2021, 6, 1)
    # Luoyang has no 筹建中: refused with the states it has
    assert "已认定" in result.errors[0][1]
