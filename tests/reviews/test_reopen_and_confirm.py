"""撤销退回 (a return made by mistake, taken back while the lead unit has changed nothing) and
the confirmation of the irreversible steps on the 办理 page (issue 11)."""

from __future__ import annotations

import re

import pytest

from lianmeng.core.errors import Conflict, PermissionDenied
from lianmeng.core.models import AuditEntry
from lianmeng.proposals.editing import document_saved
from lianmeng.proposals.lifecycle import can_reopen, proposal_reopen, proposal_transition
from lianmeng.reviews.models import Notification
from lianmeng.workflow.models import StateChange


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _returned(file_proposal, staff):
    proposal = file_proposal("henan")
    county = staff("410182")
    proposal_transition(
        actor=county, pk=proposal.pk, transition="return_county", reason="请补充成员名单"
    )
    proposal.refresh_from_db()
    return proposal, county


def test_the_returning_department_reopens_from_the_page(
    client, login, file_proposal, staff, applicant, at, django_capture_on_commit_callbacks
):
    at(2020, 9, 1, 10)
    proposal, county = _returned(file_proposal, staff)
    lead = applicant(proposal)
    login(county)
    page = _text(client.get(f"/reviews/proposals/{proposal.pk}/"))
    assert "撤销退回" in page and "申报单位一旦修改，就不能再撤销" in page
    at(2020, 9, 1, 11)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/reviews/proposals/{proposal.pk}/reopen/", {"reason": "误点退回"}, follow=True
        )
    page = _text(response)
    assert "已撤销退回，当前状态：已提交" in page
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    change = StateChange.objects.of(proposal).order_by("-at", "-id").first()
    assert (change.transition, change.label, change.from_state, change.to_state) == (
        "reopen",
        "撤销退回",
        "returned",
        "submitted",
    )
    assert change.reason == "误点退回" and change.actor == county
    assert "撤销退回" in page and "误点退回" in page  # in the history on the page
    entry = AuditEntry.objects.filter(action="lianmeng.proposal.reopen").get()
    assert entry.object_id == str(proposal.pk) and entry.actor == county
    notice = Notification.objects.get(recipient=lead, state_change=change)
    assert "撤销了对" in notice.body
    # the county can take its step again
    assert "推荐" in _text(client.get(f"/reviews/proposals/{proposal.pk}/"))


def test_refused_once_the_applicant_changed_anything(file_proposal, staff, applicant, at):
    at(2020, 9, 1, 10)
    proposal, county = _returned(file_proposal, staff)
    lead = applicant(proposal)
    assert can_reopen(actor=county, proposal=proposal)
    proposal.document = {**proposal.document, "product": "改过的产品"}
    document_saved(actor=lead, proposal=proposal, action="lianmeng.proposal.section_saved")
    assert not can_reopen(actor=county, proposal=proposal)
    with pytest.raises(Conflict, match="已修改了申报材料"):
        proposal_reopen(actor=county, pk=proposal.pk)
    proposal.refresh_from_db()
    assert proposal.status == "returned"
    assert not StateChange.objects.of(proposal).filter(transition="reopen").exists()


def test_refused_for_another_department(client, login, file_proposal, staff, at):
    at(2020, 9, 1, 10)
    proposal, _county = _returned(file_proposal, staff)
    city = staff("410100")  # sees the proposal, did not return it
    assert not can_reopen(actor=city, proposal=proposal)
    with pytest.raises(PermissionDenied, match="荥阳市科学技术局"):
        proposal_reopen(actor=city, pk=proposal.pk)
    login(city)
    assert "撤销退回" not in _text(client.get(f"/reviews/proposals/{proposal.pk}/"))
    response = client.post(f"/reviews/proposals/{proposal.pk}/reopen/", follow=True)
    assert "只有荥阳市科学技术局可以撤销" in _text(response)
    proposal.refresh_from_db()
    assert proposal.status == "returned"


def test_refused_when_the_return_is_not_the_last_change(file_proposal, staff, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    county = staff("410182")
    with pytest.raises(Conflict, match="只有最近一次办理是“退回修改”"):
        proposal_reopen(actor=county, pk=proposal.pk)


def test_return_asks_for_confirmation_first(client, login, file_proposal, staff, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    login(staff("410182"))
    page = _text(client.get(f"/reviews/proposals/{proposal.pk}/"))
    # the positive step first, the return after it; the return opens a dialog
    assert page.index('value="recommend_county"') < page.index('value="return_county"')
    assert 'data-lm-confirm="confirm-return_county"' in page and "<dialog" in page
    url = f"/reviews/proposals/{proposal.pk}/transition/"
    posted = {"transition": "return_county", "reason": "请补充协议书"}
    response = client.post(url, posted)
    page = _text(response)
    assert response.status_code == 200
    assert "确认退回修改？" in page and "退回后申报单位可以修改申报材料并重新提交" in page
    assert 'name="confirmed" value="1"' in page and "请补充协议书" in page
    proposal.refresh_from_db()
    assert proposal.status == "submitted"  # nothing happened yet
    client.post(url, {**posted, "confirmed": "1"})
    proposal.refresh_from_db()
    assert proposal.status == "returned"


def test_refusal_asks_for_confirmation_first(client, login, file_proposal, staff, at):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan", status="recommended")
    login(staff("410000", "competent"))
    url = f"/reviews/proposals/{proposal.pk}/transition/"
    posted = {"transition": "refuse", "reason": "材料不齐"}
    page = _text(client.post(url, posted))
    assert "确认不予受理？" in page and "此操作不能撤销" in page
    proposal.refresh_from_db()
    assert proposal.status == "recommended"
    client.post(url, {**posted, "confirmed": "1"})
    proposal.refresh_from_db()
    assert proposal.status == "refused"


def test_a_return_without_its_reason_is_refused_before_any_confirmation(
    client, login, file_proposal, staff, at
):
    at(2020, 9, 1, 10)
    proposal = file_proposal("henan")
    login(staff("410182"))
    response = client.post(
        f"/reviews/proposals/{proposal.pk}/transition/",
        {"transition": "return_county", "reason": ""},
        follow=True,
    )
    assert "请填写退回原因" in _text(response)
    proposal.refresh_from_db()
    assert proposal.status == "submitted"


def test_reopen_over_the_api(client, file_proposal, staff, at):
    from lianmeng.core.tokens import token_create

    def bearer(user) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_create(actor=user, name='t')[1]}"}

    at(2020, 9, 1, 10)
    proposal, county = _returned(file_proposal, staff)
    url = f"/api/v1/proposals/{proposal.pk}/reopen"
    other = client.post(
        url, {"reason": ""}, content_type="application/json", headers=bearer(staff("410100"))
    )
    assert other.status_code == 403 and "只有荥阳市科学技术局可以撤销" in other.json()["message"]
    done = client.post(
        url, {"reason": "误点退回"}, content_type="application/json", headers=bearer(county)
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "submitted"
    assert done.json()["last_change"]["transition"] == "reopen"
    again = client.post(url, {}, content_type="application/json", headers=bearer(county))
    assert again.status_code == 409
