# ruff: noqa: F811 - the shared fixtures are imported into this module
"""工作台：待我办理（什么、自何时、何时截止、一键办理）与按各档案自身状态名的统计。"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianmeng.core import clock
from lianmeng.proposals.lifecycle import proposal_transition
from lianmeng.web import inbox
from lianmeng.workflow.routing import state_label
from tests.experts.fixtures import (  # noqa: F401
    _fast_passwords,
    make_expert,
    make_review_proposal,
)
from tests.reviews.conftest import file_proposal, staff  # noqa: F401

pytestmark = pytest.mark.django_db


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get("/home/")
    assert response.status_code == 200
    return response.content.decode()


# -- what waits for each bureau (the Henan example: 荥阳市 → 郑州市 → 河南省) -----------------


def test_each_bureau_sees_what_waits_for_it_on_the_henan_example(client, file_proposal, staff):
    proposal = file_proposal("henan")
    county, city = staff("410182"), staff("410100")
    province = staff("410000", "competent")

    tasks, total = inbox.department_tasks(county)
    assert total == 1 and tasks[0].title == proposal.name
    assert tasks[0].step == "推荐 / 退回修改"  # only the county's own steps
    assert tasks[0].url == f"/reviews/proposals/{proposal.pk}/"
    assert tasks[0].since is not None
    assert inbox.department_tasks(city) == ([], 0)
    assert inbox.department_tasks(province) == ([], 0)
    page = _home(client, county)
    assert "待我办理" in page and proposal.name in page
    assert "辖区内暂无已提交的申报" not in page

    proposal_transition(actor=county, pk=proposal.pk, transition="recommend_county", reason="同意")
    assert inbox.department_tasks(county) == ([], 0)
    tasks, total = inbox.department_tasks(city)
    assert total == 1 and tasks[0].state == "县级已推荐" and tasks[0].step.startswith("推荐")
    page = _home(client, city)
    assert proposal.name in page and f'href="/reviews/proposals/{proposal.pk}/"' in page

    proposal_transition(actor=city, pk=proposal.pk, transition="recommend_city", reason="同意")
    tasks, total = inbox.department_tasks(province)
    assert total == 1
    # a Henan proposal recommended by the city waits for 受理, under Henan's own name
    assert (
        tasks[0].state
        == state_label("henan", "recommended")
        != state_label("baoding", "recommended")
    )
    assert tasks[0].step.split(" / ")[0] == "受理"
    page = _home(client, province)
    assert proposal.name in page and "已推荐（待备案）" not in page


def test_due_date_comes_from_the_call(file_proposal, staff):
    from lianmeng.calls.models import Call
    from lianmeng.core.models import Jurisdiction

    now = clock.now()
    call = Call.objects.create(
        profile="henan",
        year=now.year,
        title="测试通知",
        jurisdiction=Jurisdiction.objects.get(code="410000"),
        online_opens_at=now - timedelta(days=10),
        online_closes_at=now + timedelta(days=10),
        paper_days=[{"date": (now + timedelta(days=12)).date().isoformat(), "hours": []}],
    )
    file_proposal("henan", call=call)
    (task,), _total = inbox.department_tasks(staff("410182"))
    assert task.due == (now + timedelta(days=12)).date()
    assert task.due_label == "纸质材料报送截止"


def test_the_home_inbox_is_capped_with_a_link_to_the_whole_inbox(
    client, make_review_proposal, staff
):
    for n in range(inbox.HOME_CAP + 3):
        make_review_proposal(status="submitted", region="410182", name=f"联盟{n:02d}")
    page = _home(client, staff("410182"))
    assert page.count('class="btn btn-sm btn-primary text-nowrap"') == inbox.HOME_CAP
    assert f"共 {inbox.HOME_CAP + 3} 项" in page
    assert 'href="/reviews/"' in page


def test_bureau_home_queries_do_not_grow_with_the_number_of_items(
    client, make_review_proposal, staff
):
    user = staff("410000", "competent")

    made = 0

    def queries(count: int) -> int:
        nonlocal made
        for n in range(made, count):
            make_review_proposal(status="recommended", region="410182", name=f"联盟{n:02d}")
        made = count
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/home/").status_code == 200
        return len(ctx.captured_queries)

    few = queries(5)
    many = queries(50)
    assert inbox.department_tasks(user)[1] == 50
    assert many == few


# -- experts ---------------------------------------------------------------------------------


def test_an_expert_sees_his_assignment_waiting_for_scores(
    client, make_expert, make_review_proposal
):
    from lianmeng.experts.models import Assignment, RoundProposal

    expert = make_expert("410311")
    proposal = make_review_proposal(status="under_review")
    closes = clock.now() + timedelta(days=5)
    review = _round(closes)
    RoundProposal.objects.create(round=review, proposal=proposal)
    task = Assignment.objects.create(round=review, proposal=proposal, expert=expert, by="auto")

    tasks, total = inbox.expert_tasks(expert.user)
    assert total == 1
    assert tasks[0].title == proposal.name
    assert tasks[0].url == f"/experts/assignments/{task.pk}/"
    assert tasks[0].due == closes and tasks[0].due_label == "评审截止"
    page = _home(client, expert.user)
    assert proposal.name in page and f'href="/experts/assignments/{task.pk}/"' in page

    task.submitted_at = clock.now()
    task.save(update_fields=["submitted_at"])
    assert inbox.expert_tasks(expert.user) == ([], 0)
    assert "暂无评审任务待评分" in _home(client, expert.user)


def _round(closes):
    from lianmeng.core.models import Jurisdiction
    from lianmeng.experts.models import ReviewRound

    return ReviewRound.objects.create(
        profile="henan",
        call_year=2020,
        jurisdiction=Jurisdiction.objects.get(code="410000"),
        title="2020年度河南省联盟评审",
        criteria=[],
        closes_at=closes,
    )


# -- counts under each profile's own state names -----------------------------------------------


def test_counts_name_each_profiles_own_state(client, make_review_proposal, make_user, monkeypatch):
    """henan and baoding share the state id ``declined`` (不予批准 / 不予备案) and
    ``recommended`` (已推荐（待受理）/ 已推荐（待备案））: each is counted under its own name."""
    henan_declined = state_label("henan", "declined")
    baoding_declined = state_label("baoding", "declined")
    assert henan_declined != baoding_declined
    make_review_proposal(profile="henan", status="declined", region="410182")
    make_review_proposal(profile="henan", status="recommended", region="410182")
    make_review_proposal(profile="baoding", status="declined", region="130602")

    henan = make_user(["competent"], jurisdiction="410000")
    counts = {(c["profile"], c["status"]): c for c in inbox.status_counts(henan)}
    assert counts[("henan", "declined")]["label"] == henan_declined
    assert counts[("henan", "recommended")]["label"] == state_label("henan", "recommended")
    assert ("baoding", "declined") not in counts
    page = _home(client, henan)
    assert henan_declined in page
    assert baoding_declined not in page
    assert state_label("baoding", "recommended") not in page

    # a viewer who sees both profiles (none in the demo, but the grouping must hold)
    from lianmeng.proposals.models import Proposal

    monkeypatch.setattr(inbox, "proposal_list", lambda *, viewer: Proposal.objects.all())
    labels = {(c["profile"], c["status"]): c for c in inbox.status_counts(henan)}
    assert labels[("henan", "declined")]["label"] == henan_declined
    assert labels[("baoding", "declined")]["label"] == baoding_declined
    assert labels[("baoding", "declined")]["count"] == labels[("henan", "declined")]["count"] == 1
    assert all(c["profile_name"] for c in labels.values())  # each count names its profile
