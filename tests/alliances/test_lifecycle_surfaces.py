"""An alliance's state where people read and change it: the registry pages (state from the
profile's table with its date, history, 宣布解散 with its confirmation), the API (history,
transitions, the one error shape) and ``lianmeng alliance status|history|transition``."""

from __future__ import annotations

from datetime import datetime

import pytest

from lianmeng.alliances import services
from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.models import AuditEntry
from lianmeng.experts import services as review
from lianmeng.workflow.models import StateChange
from tests.api.conftest import API, assert_error, bearer


@pytest.fixture
def henan_alliance(henan_staff, make_review_proposal, monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: datetime(2020, 11, 16, 10, 0, tzinfo=clock.BEIJING))
    proposal = make_review_proposal(name="河南省轴承产业技术创新战略联盟")
    round_ = review.round_create(actor=henan_staff, profile="henan", call_year=2020)
    review.round_add_proposals(actor=henan_staff, round_id=round_.pk, proposal_ids=[proposal.pk])
    review.round_close(actor=henan_staff, round_id=round_.pk)
    decision = services.decision_stage(
        actor=henan_staff, proposal_id=proposal.pk, kind="approve_to_build", reason="通过"
    )
    services.decisions_publish(actor=henan_staff, ids=[decision.pk])
    return Alliance.objects.get(proposal=proposal)


@pytest.fixture
def lead(henan_alliance, make_user):
    return make_user(["applicant"], unit=henan_alliance.lead_unit)


# -- pages ------------------------------------------------------------------------------------


def test_registry_shows_the_state_from_the_table_with_its_date(client, henan_alliance):
    listing = client.get("/registry/").content.decode()
    assert "筹建中" in listing and "2020-11-16" in listing
    page = client.get(f"/registry/{henan_alliance.pk}/").content.decode()
    assert 'data-testid="alliance-state">筹建中' in page
    assert "自 2020年11月16日" in page
    assert 'data-testid="alliance-history"' in page and "批准筹建" in page
    assert "宣布解散" not in page  # nobody signed in: no action


def test_the_lead_unit_dissolves_from_the_registry_page(client, login, henan_alliance, lead):
    login(lead)
    page = client.get(f"/registry/{henan_alliance.pk}/").content.decode()
    assert 'data-testid="alliance-action-dissolve"' in page
    assert 'data-lm-confirm="confirm-dissolve"' in page and "解散原因" in page
    assert "申请验收" in page
    url = f"/registry/{henan_alliance.pk}/transitions/dissolve/"
    refused = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "请填写解散原因" in refused
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "building"
    # without the confirmation: the page spelling out the consequence, nothing changed
    asked = client.post(url, {"reason": "成员单位一致决定解散"}).content.decode()
    assert "确认宣布解散？" in asked and "已解散" in asked
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "building"
    client.post(url, {"reason": "成员单位一致决定解散", "confirmed": "1"})
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "dissolved"
    assert AuditEntry.objects.filter(action="lianmeng.alliance.dissolve").count() == 1
    page = client.get(f"/registry/{henan_alliance.pk}/").content.decode()
    assert "已解散" in page and "成员单位一致决定解散" in page
    assert 'data-testid="alliance-action-dissolve"' not in page


def test_the_department_sees_the_dissolution_but_cannot_declare_it(
    client, login, henan_alliance, henan_staff, lead
):
    from lianmeng.alliances.lifecycle import alliance_transition

    login(henan_staff)
    page = client.get(f"/registry/{henan_alliance.pk}/").content.decode()
    assert 'data-testid="alliance-action-dissolve"' not in page
    assert 'data-testid="alliance-action-revoke"' in page
    response = client.post(
        f"/registry/{henan_alliance.pk}/transitions/dissolve/", {"reason": "代为解散"}
    )
    assert response.status_code == 403
    alliance_transition(actor=lead, pk=henan_alliance.pk, transition="dissolve", reason="解散")
    page = client.get(f"/registry/{henan_alliance.pk}/").content.decode()
    assert "宣布解散" in page and "已解散" in page


def test_another_unit_is_answered_not_found(client, login, henan_alliance, make_user, make_unit):
    other = make_user(["applicant"], unit=make_unit("410305"))
    login(other)
    response = client.post(f"/registry/{henan_alliance.pk}/transitions/dissolve/", {"reason": "x"})
    assert response.status_code == 404
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "building"


def test_registry_list_makes_a_constant_number_of_queries(
    client, henan_alliance, django_assert_max_num_queries
):
    from lianmeng.alliances.models import Alliance as Model

    for number in range(15):
        copy = Model.objects.get(pk=henan_alliance.pk)
        copy.pk = None
        copy.proposal = None
        copy.name = f"复制{number}联盟"
        copy.save()
    with django_assert_max_num_queries(8):
        assert client.get("/registry/").status_code == 200


# -- API --------------------------------------------------------------------------------------


def test_api_history_transitions_and_dissolution(client, token_for, henan_alliance, lead):
    detail = client.get(f"{API}/registry/{henan_alliance.pk}").json()
    assert detail["status"] == "building" and detail["status_label"] == "筹建中"
    assert detail["status_since"].startswith("2020-11-16")
    history = client.get(f"{API}/registry/{henan_alliance.pk}/history").json()
    assert [(h["transition"], h["to_label"]) for h in history] == [("approve_to_build", "筹建中")]

    key = bearer(token_for(lead))
    open_ = client.get(f"{API}/registry/{henan_alliance.pk}/transitions", headers=key).json()
    assert {t["name"] for t in open_["allowed"]} == {"apply_acceptance", "dissolve"}
    url = f"{API}/registry/{henan_alliance.pk}/transitions/dissolve"
    assert_error(client.post(url, {}, content_type="application/json", headers=key), 422)
    done = client.post(url, {"reason": "解散"}, content_type="application/json", headers=key).json()
    assert done["status"] == "dissolved" and done["last_change"]["reason"] == "解散"
    assert_error(
        client.post(url, {"reason": "再解散"}, content_type="application/json", headers=key), 409
    )


def test_api_refuses_the_acceptance_conclusion_and_other_jurisdictions(
    client, token_for, henan_alliance, henan_staff, lead, luoyang_staff
):
    from lianmeng.alliances.lifecycle import alliance_transition

    alliance_transition(actor=lead, pk=henan_alliance.pk, transition="apply_acceptance")
    base = f"{API}/registry/{henan_alliance.pk}/transitions"
    staff = bearer(token_for(henan_staff))
    body = assert_error(
        client.post(f"{base}/acceptance_pass", {}, content_type="application/json", headers=staff),
        409,
    )
    assert "验收" in body["message"]
    other = bearer(token_for(luoyang_staff))
    assert_error(
        client.post(
            f"{base}/revoke", {"reason": "x"}, content_type="application/json", headers=other
        ),
        404,
    )
    assert_error(
        client.post(f"{base}/revoke", {"reason": "x"}, content_type="application/json"), 401
    )
    assert StateChange.objects.of(henan_alliance).count() == 2
    henan_alliance.refresh_from_db()
    assert henan_alliance.status == "awaiting_acceptance"


# -- CLI --------------------------------------------------------------------------------------


def test_cli_status_history_and_transition(henan_alliance, lead, capsys):
    from lianmeng.cli import main

    assert main(["alliance", "status", str(henan_alliance.pk)]) == 0
    out = capsys.readouterr().out
    assert "筹建中（自 2020-11-16）" in out and "筹建期限：2021-11-16" in out
    assert "dissolve" in out and "acceptance_pass" not in out
    assert main(["alliance", "transition", str(henan_alliance.pk), "dissolve"]) == 2
    assert "--as" in capsys.readouterr().err
    code = main(
        ["alliance", "transition", str(henan_alliance.pk), "dissolve", "--as", lead.username]
    )
    assert code == 1 and "请填写解散原因" in capsys.readouterr().err
    code = main(
        [
            "alliance",
            "transition",
            str(henan_alliance.pk),
            "dissolve",
            "--as",
            lead.username,
            "--reason",
            "成员一致决定",
        ]
    )
    assert code == 0 and "已解散" in capsys.readouterr().out
    assert main(["alliance", "history", str(henan_alliance.pk)]) == 0
    out = capsys.readouterr().out
    assert "批准筹建" in out and "宣布解散" in out and "理由：成员一致决定" in out
    assert main(["alliance", "history", "999999"]) == 2


def test_a_luoyang_alliance_dissolves_under_the_lapsed_measures_recording_the_lapse(
    client, login, luoyang_staff, make_review_proposal, make_user, policies_in_force, monkeypatch
):
    """An alliance outlives the measures it was recognised under: its lead unit's own steps
    (here, dissolution) need no 依据 once they lapsed, and the history says they had lapsed
    (docs/decisions/0012-policy-validity.md, "supervision")."""
    proposal = make_review_proposal(profile="luoyang", region="410305", name="洛阳轴承产业联盟")
    round_ = review.round_create(actor=luoyang_staff, profile="luoyang", call_year=2020)
    review.round_add_proposals(actor=luoyang_staff, round_id=round_.pk, proposal_ids=[proposal.pk])
    review.round_close(actor=luoyang_staff, round_id=round_.pk)
    decision = services.decision_stage(
        actor=luoyang_staff, proposal_id=proposal.pk, kind="recognise"
    )
    services.decisions_publish(actor=luoyang_staff, ids=[decision.pk])
    alliance = Alliance.objects.get(proposal=proposal)
    # today: the Luoyang measures are no longer in force (valid until 2020-12-31)
    monkeypatch.setattr(clock, "now", lambda: datetime(2026, 3, 2, 10, 0, tzinfo=clock.BEIJING))
    login(make_user(["applicant"], unit=alliance.lead_unit))
    page = client.get(f"/registry/{alliance.pk}/").content.decode()
    assert 'data-testid="alliance-action-dissolve"' in page and 'name="basis"' not in page
    url = f"/registry/{alliance.pk}/transitions/dissolve/"
    client.post(url, {"reason": "解散", "confirmed": "1"})
    alliance.refresh_from_db()
    assert alliance.status == "dissolved"
    last = StateChange.objects.of(alliance).order_by("-id").first()
    assert "basis" not in last.data
    assert last.data["policy_lapsed"]["valid_until"] == "2020-12-31"
