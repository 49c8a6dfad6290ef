"""What walking the three review journeys in the browser found, fixed and kept fixed:
decisions and review rounds are not bypassed from the review page, the notices name the
alliance and its category as decided, a provincial department sees only the proposals that
chose it, the lead unit sees it has unread notices, categories read 一类/二类/三类."""

from __future__ import annotations

import re

from lianmeng.proposals.lifecycle import proposal_transition
from lianmeng.reviews.models import Notification
from lianmeng.workflow.kinds import subject_key
from lianmeng.workflow.models import StateChange


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _accepted(file_proposal, staff, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    county, city = staff("410182"), staff("410100")
    province = staff("410000", "competent")
    proposal_transition(actor=county, pk=proposal.pk, transition="recommend_county")
    proposal_transition(actor=city, pk=proposal.pk, transition="recommend_city")
    from lianmeng.reviews.services import paper_copies_record

    at(2020, 9, 21, 9)
    paper_copies_record(
        actor=province,
        pk=proposal.pk,
        copies=2,
        received_at=at(2020, 9, 21, 9),
        received_by="收件人",
    )
    proposal_transition(actor=province, pk=proposal.pk, transition="accept")
    return proposal, province


def test_review_page_sends_review_and_decisions_to_their_pages(
    client, login, file_proposal, staff, at
):
    proposal, province = _accepted(file_proposal, staff, at)
    login(province)
    page = _text(client.get(f"/reviews/proposals/{proposal.pk}/"))
    # no button that would start the review without a round, or decide without the registry
    assert 'value="start_review"' not in page and 'value="decline"' not in page
    assert "前往专家评审" in page and 'href="/staff/reviews/"' in page
    assert "前往决定" in page and 'href="/staff/decisions/"' in page

    # a stale page posting such a transition is told where to go, and nothing changes
    response = client.post(
        f"/reviews/proposals/{proposal.pk}/transition/",
        {"transition": "decline", "reason": "不符合条件"},
        follow=True,
    )
    assert "“不予批准”请在“决定”页面办理。" in _text(response)
    proposal.refresh_from_db()
    assert proposal.status == "accepted"
    assert not StateChange.objects.of(proposal).filter(transition="decline").exists()


def test_review_page_names_the_category_and_leaves_out_a_missing_year(
    client, login, file_proposal, staff, at
):
    at(2019, 7, 1, 9)
    proposal = file_proposal("baoding")  # the example names no call year; category 1
    login(staff("130602"))
    page = _text(client.get(f"/reviews/proposals/{proposal.pk}/"))
    assert "一类（产业技术创新战略联盟）" in page
    assert "保定市 · </span>" not in page and "保定市</span>" in page


def test_notices_name_the_decided_alliance_and_its_category(
    file_proposal, staff, applicant, at, django_capture_on_commit_callbacks
):
    from lianmeng.reviews.notifications import values_for

    at(2019, 11, 5, 9)
    proposal = file_proposal("luoyang")
    change = StateChange(
        **subject_key(proposal),
        from_state="under_review",
        to_state="recognised",
        transition="recognise",
        label="认定",
        actor_office="洛阳市科学技术局",
        at=at(2019, 11, 5, 9),
        data={"alliance_name": "洛阳市高端轴承产业技术创新战略联盟"},
    )
    assert values_for(change)["联盟名称"] == "洛阳市高端轴承产业技术创新战略联盟"
    change.data = {}
    assert values_for(change)["联盟名称"] == proposal.name

    baoding = file_proposal("baoding")
    applicant(baoding)
    city = staff("130600", "recommender", "competent")
    proposal_transition(actor=staff("130602"), pk=baoding.pk, transition="recommend_county")
    with django_capture_on_commit_callbacks(execute=True):
        proposal_transition(
            actor=city, pk=baoding.pk, transition="file", data={"category": 2}, via="decide"
        )
    notice = Notification.objects.get(proposal=baoding, event="proposal.filed")
    assert "类别：二类（产业创新联盟）" in notice.body


def test_a_provincial_department_sees_only_the_proposals_that_chose_it(
    client, login, file_proposal, staff, at
):
    from lianmeng.core.models import Unit
    from lianmeng.proposals.models import Proposal
    from lianmeng.proposals.selectors import proposal_list

    at(2020, 9, 1, 10)

    def choose_department(document: dict) -> None:
        document["recommender"] = {"name": "河南省工业和信息化厅", "region_code": "410000"}

    chosen = file_proposal("henan", mutate=choose_department)
    other = file_proposal("luoyang")  # 涧西区: in Henan, recommended by its county
    unit = Unit.objects.create(
        name="河南省工业和信息化厅",
        kind="government",
        org_code="00000001-9",
        region=chosen.region.parent.parent,
    )
    department = staff("410000", "recommender", unit=unit)
    assert list(proposal_list(viewer=department)) == [chosen]
    login(department)
    assert client.get(f"/reviews/proposals/{chosen.pk}/").status_code == 200
    assert client.get(f"/reviews/proposals/{other.pk}/").status_code == 404
    inbox = _text(client.get("/reviews/"))
    assert chosen.name in inbox and other.name not in inbox

    # a department account without its unit sees nothing; the province's S&T department all
    assert not proposal_list(viewer=staff("410000", "recommender")).exists()
    province = staff("410000", "competent")
    assert set(proposal_list(viewer=province)) == set(Proposal.objects.all())


def test_the_lead_unit_sees_its_unread_notices_in_the_navigation(
    client, login, file_proposal, staff, applicant, at, django_capture_on_commit_callbacks
):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    user = applicant(proposal)
    login(user)
    assert 'data-testid="unread"' not in client.get("/home/").content.decode()
    county = staff("410182")
    with django_capture_on_commit_callbacks(execute=True):
        proposal_transition(actor=county, pk=proposal.pk, transition="recommend_county")
    page = _text(client.get("/home/"))
    assert re.search(r'消息 <span class="badge[^>]*data-testid="unread">1<', page)
    client.post("/notifications/", {})
    assert 'data-testid="unread"' not in client.get("/home/").content.decode()


def test_categories_read_as_the_measures_write_them():
    from lianmeng.alliances.models import Alliance, Decision

    assert Alliance(category=2).category_label == "二类"
    assert Decision(category=3).category_label == "三类"
    assert Alliance(category=None).category_label == ""
