"""National-scale data (issue 17 point 1), built at a tiny factor on top of the demo: what the
public, the provincial department and the dashboards show of it."""

from __future__ import annotations

import pytest
from django.db import transaction

from lianmeng.alliances.models import Alliance
from lianmeng.core.models import Jurisdiction, Unit, User
from lianmeng.demo import DEMO_PASSWORD, load_demo
from lianmeng.ipbase.models import Patent
from lianmeng.policy.uscc import validate_uscc
from lianmeng.proposals.models import Proposal
from lianmeng.scale import AlreadyBuilt, build
from lianmeng.workflow.models import StateChange
from tests import two_factor

FACTOR = 0.002

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def scaled(django_db_setup, django_db_blocker):
    """The demo and a 1/500 national build, once for the module, rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            list(load_demo())
            first = (Proposal.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
            summary = build(FACTOR, seed=17, out=None)
            # the generated proposals (the demo's come first)
            summary["generated"] = Proposal.objects.filter(pk__gte=first)
            yield summary
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _generated_alliances():
    return Alliance.objects.filter(name__endswith="产业技术创新战略联盟").exclude(
        reference__startswith="基准"
    )


def test_the_build_reports_the_volumes_it_made(scaled):
    assert scaled["alliances"] == 20 and scaled["units"] == 400
    assert scaled["proposals"] == 60 and scaled["patents"] == 80
    assert scaled["reports"] > scaled["alliances"] * 5  # five years, several kinds a year
    assert scaled["seconds"] > 0


def test_the_public_registry_lists_and_finds_the_generated_alliances(scaled, client):
    alliance = Alliance.objects.filter(status="recognised", reference__contains="〔").last()
    page = client.get("/registry/", {"q": alliance.name}).content.decode()
    assert alliance.name in page
    assert alliance.lead_unit.name in page
    listed = client.get("/registry/").content.decode()
    assert "产业技术创新战略联盟" in listed


def test_every_unit_has_a_valid_uscc_and_every_province_has_units(scaled):
    codes = list(Unit.objects.exclude(uscc=None).values_list("uscc", "region__code"))
    assert len(codes) >= scaled["units"]
    for uscc, _region in codes:
        assert validate_uscc(uscc) == uscc
    generated = Unit.objects.filter(uscc__in=[u for u, _r in codes])
    provinces = set(Jurisdiction.objects.filter(kind="province").values_list("code", flat=True))
    registered = {r[:2] + "0000" for r in generated.values_list("region__code", flat=True)}
    assert provinces <= registered
    for proposal in scaled["generated"]:
        for member in proposal.document["members"]:
            validate_uscc(member["uscc"])


def test_rosters_have_twenty_to_sixty_members_led_by_the_lead_unit(scaled):
    generated = scaled["generated"]
    assert generated.count() == scaled["proposals"]
    for proposal in generated:
        members = proposal.document["members"]
        assert 20 <= len(members) <= 60
        assert len(members) == proposal.member_count
        assert members[0]["uscc"] == proposal.lead_unit.uscc and members[0]["role"] == "lead"
        assert len({m["uscc"] for m in members}) == len(members)


def test_each_proposal_history_leads_from_the_draft_to_its_stage(scaled):
    proposals = scaled["generated"]
    history: dict[int, list[StateChange]] = {}
    for change in StateChange.objects.filter(
        subject_kind="proposal", subject_id__in=proposals.values("pk")
    ).order_by("at", "id"):
        history.setdefault(change.subject_id, []).append(change)
    stages = set()
    for proposal in proposals:
        rows = history.get(proposal.pk, [])
        state = "draft"
        for row in rows:
            assert row.from_state == state, (proposal.pk, [r.transition for r in rows])
            state = row.to_state
        assert state == proposal.status
        assert (proposal.submitted_at is not None) == any(r.transition == "submit" for r in rows)
        stages.add(proposal.status)
    assert len(stages) >= 8, stages


def test_the_province_sees_proposals_in_several_stages_in_its_list(scaled, client):
    henan = User.objects.get(username="henan")
    two_factor.sign_in(client, henan, password=DEMO_PASSWORD)
    shown = 0
    for status in ("submitted", "recommended", "accepted", "under_review", "approved_to_build"):
        proposal = scaled["generated"].filter(profile="henan", status=status).last()
        if proposal is None:
            continue
        page = client.get("/proposals/", {"status": status, "q": proposal.name}).content.decode()
        assert proposal.name in page, status
        shown += 1
    assert shown >= 3


def test_patents_are_searchable(scaled, client):
    from lianmeng.scale.names import MATERIALS

    patent = Patent.objects.order_by("-id").first()
    page = client.get("/ip/patents/", {"q": patent.number}).content.decode()
    assert patent.title in page
    material = next(m for m in MATERIALS if m in patent.title)
    found = client.get("/ip/patents/", {"q": material}).content.decode()
    assert patent.number in found or material in found


def test_the_dashboard_counts_every_alliance_of_the_area(scaled, client):
    from lianmeng.insight.models import Snapshot
    from lianmeng.insight.selectors import alliance_area_q

    area = Jurisdiction.objects.get(code="410000")
    expected = Alliance.objects.filter(alliance_area_q(area)).count()
    assert expected > scaled["alliances"] // 4
    snapshot = Snapshot.objects.get(scope=area, kind="dashboard")
    counted = sum(c["count"] for c in snapshot.data["alliances"]["by_year"].values())
    assert counted == expected
    two_factor.sign_in(client, User.objects.get(username="henan"), password=DEMO_PASSWORD)
    page = client.get("/staff/insight/").content.decode()
    assert f">{expected}<" in page.replace(" ", "") or f"{expected:,}" in page


def test_a_second_build_is_refused(scaled, capsys):
    from lianmeng.cli import main

    before = Alliance.objects.count()
    with pytest.raises(AlreadyBuilt, match="已生成"):
        build("province", out=None)
    assert main(["demo", "--scale", "national"]) == 2
    assert "已生成" in capsys.readouterr().err
    assert main(["demo", "--scale", "world"]) == 2
    assert "national|province" in capsys.readouterr().err
    assert Alliance.objects.count() == before


def test_a_member_unit_finds_the_generated_proposals_listing_it(scaled, make_user):
    from lianmeng.proposals.selectors import member_confirmations

    proposal = scaled["generated"].exclude(status="withdrawn").order_by("pk").first()
    member = proposal.document["members"][1]
    contact = make_user(["member"], unit=Unit.objects.get(uscc=member["uscc"]))
    confirmations = member_confirmations(viewer=contact)
    listed = {item.proposal.pk: item.position for item in confirmations}
    assert listed[proposal.pk] == 1
    assert len(listed) == len(confirmations)
