"""An expert reaches only what he is assigned, never a proposal of his employer (pages and API)."""

from __future__ import annotations

import pytest

from lianmeng.experts import services
from lianmeng.experts.models import Assignment
from tests.api.conftest import API, assert_error, bearer


@pytest.fixture
def setup(henan_staff, make_unit, make_expert, make_review_proposal):
    employer = make_unit("410105", kind="university", name="郑州理工大学")
    expert = make_expert(unit=employer)
    assigned = make_review_proposal(name="河南省轴承产业技术创新战略联盟")
    other = make_review_proposal(name="河南省陶瓷产业技术创新战略联盟")
    insider = make_review_proposal(name="河南省超硬材料产业技术创新战略联盟", members=(employer,))
    round = services.round_create(actor=henan_staff, profile="henan", call_year=2020)
    services.round_add_proposals(
        actor=henan_staff, round_id=round.pk, proposal_ids=[assigned.pk, other.pk, insider.pk]
    )
    task = services.assign_manually(
        actor=henan_staff,
        round_id=round.pk,
        proposal_id=assigned.pk,
        expert_id=expert.pk,
        reason="轴承领域专家",
    )
    # a task that slipped past the checks (e.g. the member joined the roster afterwards)
    leaked = Assignment.objects.create(
        round=round, proposal=insider, expert=expert, by="manual", override_reason="测试"
    )
    return {
        "expert": expert.user,
        "task": task,
        "leaked": leaked,
        "assigned": assigned,
        "other": other,
        "insider": insider,
    }


def test_expert_pages(client, login, setup):
    login(setup["expert"])
    assert client.get(f"/proposals/{setup['assigned'].pk}/").status_code == 200
    for key in ("other", "insider"):
        response = client.get(f"/proposals/{setup[key].pk}/")
        assert response.status_code == 404, key
        assert setup[key].name not in response.content.decode()
    assert client.get(f"/experts/assignments/{setup['task'].pk}/").status_code == 200
    response = client.get(f"/experts/assignments/{setup['leaked'].pk}/")
    assert response.status_code == 404
    inbox = client.get("/experts/assignments/").content.decode()
    assert setup["assigned"].name in inbox
    assert setup["insider"].name not in inbox and setup["other"].name not in inbox


def test_expert_api(client, token_for, setup):
    headers = bearer(token_for(setup["expert"]))
    ok = client.get(f"{API}/proposals/{setup['assigned'].pk}", headers=headers)
    assert ok.status_code == 200, ok.content
    for key in ("other", "insider"):
        assert_error(
            client.get(f"{API}/proposals/{setup[key].pk}", headers=headers), 404, "not_found"
        )
        assert_error(client.get(f"{API}/proposals/{setup[key].pk}/document", headers=headers), 404)
    assert_error(client.get(f"{API}/review-assignments/{setup['leaked'].pk}", headers=headers), 404)
    tasks = client.get(f"{API}/review-assignments", headers=headers).json()
    assert [t["proposal"] for t in tasks["items"]] == [setup["assigned"].pk]


def test_expert_cannot_list_proposals_or_manage_rounds(client, login, setup):
    login(setup["expert"])
    assert client.get("/proposals/").status_code == 403
    assert client.get("/staff/reviews/").status_code == 403


def test_a_later_declared_unit_hides_the_proposal_at_once(client, login, setup):
    from lianmeng.experts.services import expert_profile_save

    expert = setup["expert"]
    lead = setup["assigned"].lead_unit
    expert_profile_save(actor=expert, user_id=expert.pk, declared_conflicts=[lead.uscc])
    login(expert)
    assert client.get(f"/proposals/{setup['assigned'].pk}/").status_code == 404


def test_declaring_a_conflict_removes_the_task_from_view(client, login, setup):
    login(setup["expert"])
    response = client.post(
        f"/experts/assignments/{setup['task'].pk}/conflict/", {"reason": "曾在牵头单位任职"}
    )
    assert response.status_code == 302
    assert client.get(f"/proposals/{setup['assigned'].pk}/").status_code == 404
    assert client.get(f"/experts/assignments/{setup['task'].pk}/").status_code == 404


def test_home_card_counts_pending_tasks(client, login, setup):
    login(setup["expert"])
    page = client.get("/home/").content.decode()
    assert "1 项评审任务待评分" in page
