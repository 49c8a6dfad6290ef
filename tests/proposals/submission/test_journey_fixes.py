"""What the filing journey in the browser (tests/e2e/test_journey_filing.py) found, kept fixed.

- the applicant's home page pointed to "online filing coming soon" instead of the calls;
- the eligibility panel beside the roster, materials and writeups was unstyled;
- a failed finding did not say where to put it right; the lead unit's row did not say that
  its legal representative had not signed the agreement;
- 下载 PDF opened the PDF in the browser instead of saving it;
- with every rule passed the submit page said "其余 15 项条件均已符合" (the rest of nothing);
- every page asked for /favicon.ico, which is not there (a 404 per visit).
"""

from __future__ import annotations

import copy

import pytest
from django.contrib.staticfiles import finders

from lianmeng.core.roles import Role
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.presenters_form import eligibility_view
from lianmeng.proposals.submission import proposal_submit

from .conftest import beijing

pytestmark = pytest.mark.django_db

ON_TIME = beijing(2020, 9, 1, 10, 0, 0)


def _findings(proposal: Proposal) -> dict:
    return {f.rule: f for f in eligibility_view(proposal)["findings"]}


def test_applicant_without_proposals_is_sent_to_the_calls(make_unit, make_user, client):
    user = make_user([Role.APPLICANT], unit=make_unit("410305"))
    client.force_login(user)
    page = client.get("/home/").content.decode()
    assert "在线填报将随申报模块上线" not in page
    assert "点击“在线申报”开始填写" in page
    assert 'href="/calls/"' in page


@pytest.mark.parametrize(
    "part", ["members/", "main-members/", "materials/", "writeups/feasibility/"]
)
def test_the_panel_is_styled_beside_every_part(filed, pin_clock, signed_in, part):
    proposal, user = filed()
    pin_clock(ON_TIME)
    page = signed_in(user).get(f"/proposals/{proposal.pk}/edit/{part}").content.decode()
    assert 'id="lm-panel"' in page
    assert page.count("proposals/section_form.css") == 1


def test_a_section_page_loads_the_panel_style_once(filed, pin_clock, signed_in):
    proposal, user = filed()
    pin_clock(ON_TIME)
    page = signed_in(user).get(f"/proposals/{proposal.pk}/edit/section/facts/").content.decode()
    assert page.count("proposals/section_form.css") == 1


def test_failed_findings_link_to_the_part_where_they_are_put_right(filed, pin_clock):
    proposal, _user = filed()
    pin_clock(ON_TIME)
    document = copy.deepcopy(proposal.document)
    document["members"][0]["signed_agreement"] = False
    document["governance"]["rules"]["fund_management"] = False
    document["materials"] = document["materials"][:1]
    proposal.document = document
    findings = _findings(proposal)
    base = f"/proposals/{proposal.pk}/"
    # the agreement's facts are in, one member has not signed: tick it in the roster
    assert findings["agreement.signed"].fix_url == base + "edit/members/"
    assert findings["governance.fund_management"].fix_url == base + "edit/section/governance/"
    assert findings["materials.complete"].fix_url == base + "edit/materials/"
    assert findings["members.min_count"].status == "pass"
    assert findings["members.min_count"].fix_url == ""

    # no agreement facts at all: they are filled in 联盟协议要点
    del document["agreement"]
    assert _findings(proposal)["agreement.signed"].fix_url == base + "edit/section/agreement_facts/"


def test_panel_shows_the_fix_link_and_the_roster_says_who_has_not_signed(
    filed, pin_clock, signed_in
):
    proposal, user = filed()
    pin_clock(ON_TIME)
    lead = proposal.document["members"][0]
    del lead["signed_agreement"]  # as a draft opened with 在线申报 starts
    Proposal.objects.filter(pk=proposal.pk).update(document=proposal.document)
    page = signed_in(user).get(f"/proposals/{proposal.pk}/edit/members/").content.decode()
    panel = page[page.index('id="lm-panel"') :]
    assert f'href="/proposals/{proposal.pk}/edit/members/">去修改' in panel
    lead_row = page[page.index('id="m0"') : page.index('id="m1"')]
    assert "协议未签署" in lead_row
    other_row = page[page.index('id="m1"') : page.index('id="m2"')]
    assert "法定代表人已签署协议" in other_row and "协议未签署" not in other_row


def test_all_rules_passed_reads_as_all_not_the_rest(filed, pin_clock, signed_in):
    proposal, user = filed()
    pin_clock(ON_TIME)
    page = signed_in(user).get(f"/proposals/{proposal.pk}/submit/").content.decode()
    assert "全部 15 项条件均已符合" in page
    assert "其余" not in page


def test_download_pdf_saves_the_file_under_the_proposals_name(filed, pin_clock, signed_in):
    proposal, user = filed()
    pin_clock(ON_TIME)
    proposal_submit(actor=user, pk=proposal.pk, revision=proposal.revision)
    response = signed_in(user).get(f"/proposals/{proposal.pk}/versions/1/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition  # the Chinese name, encoded


def test_every_page_declares_the_site_icon(client):
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/static/ui/favicon.svg"' in page
    assert finders.find("ui/favicon.svg")
