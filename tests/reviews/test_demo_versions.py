"""Every demo proposal shown as filed has its immutable version and PDF: its versions page,
the PDF and /verify work as for a real filing (issue 11: demo proposal 1 had none)."""

from __future__ import annotations

import pytest

from lianmeng.core.models import AuditEntry, User
from lianmeng.demo import load_demo
from lianmeng.proposals.models import Proposal, ProposalVersion
from lianmeng.workflow.models import StateChange


@pytest.fixture
def demo(db, settings, tmp_path, monkeypatch):
    """The demo loaded once; the PDFs are stubs (printing is tested with the submission)."""
    from lianmeng.proposals import submission

    settings.MEDIA_ROOT = tmp_path / "files"
    monkeypatch.setattr(
        submission, "render_proposal_pdf", lambda document, **kwargs: b"%PDF-1.7\n% stub\n"
    )
    list(load_demo())


def _reader(proposal: Proposal) -> User:
    """The lead unit's applicant, else a department that sees the proposal."""
    lead = User.objects.filter(unit_id=proposal.lead_unit_id).order_by("id").first()
    if lead is not None:
        return lead
    departments = {"heilongjiang": "xietiao", "henan": "henan", "baoding": "baoding"}
    return User.objects.get(username=departments.get(proposal.profile, "luoyang"))


def test_every_filed_demo_proposal_has_its_version_and_pdf(demo, client):
    filed = Proposal.objects.exclude(status=Proposal.Status.DRAFT).order_by("id")
    assert filed.count() >= 4
    for proposal in filed:
        version = ProposalVersion.objects.get(proposal=proposal)
        assert version.number == 1
        assert version.submitted_at == proposal.submitted_at  # filed when the demo says
        assert version.document["name"] == proposal.name
        client.force_login(_reader(proposal))
        page = client.get(f"/proposals/{proposal.pk}/versions/").content.decode()
        assert "尚未提交过" not in page, proposal.name
        assert f"/proposals/{proposal.pk}/versions/1/pdf" in page
        response = client.get(f"/proposals/{proposal.pk}/versions/1/pdf")
        assert response.status_code == 200, proposal.name
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        client.logout()
        verified = client.get(f"/verify/{version.verification_code}")
        assert verified.status_code == 200
        assert proposal.name in verified.content.decode()
        submit = StateChange.objects.of(proposal).get(transition="submit")
        assert submit.data.get("version") == 1
    assert AuditEntry.objects.filter(action="lianmeng.proposal.version.stored").count() == (
        filed.count()
    )


def test_proposal_1_has_its_version_and_the_demo_again_stores_none(demo, client):
    shenbao = User.objects.get(username="shenbao")
    first = Proposal.objects.order_by("id").first()
    assert first.lead_unit_id == shenbao.unit_id and first.status == Proposal.Status.SUBMITTED
    client.force_login(shenbao)
    assert client.get(f"/proposals/{first.pk}/versions/1/pdf").status_code == 200
    before = ProposalVersion.objects.count()
    assert list(load_demo()) == ["演示数据已存在，未做改动。"]
    assert ProposalVersion.objects.count() == before
