from __future__ import annotations

from datetime import datetime

import pytest

from lianmeng.core import clock
from tests.api.conftest import token_for  # noqa: F401
from tests.experts.fixtures import (  # noqa: F401
    _fast_passwords,
    baoding_staff,
    henan_staff,
    login,
    luoyang_staff,
    make_expert,
    make_review_proposal,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def henan_at(monkeypatch):
    moment = {"now": datetime(2020, 11, 16, 10, 0, tzinfo=clock.BEIJING)}
    monkeypatch.setattr(clock, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def henan_alliance(henan_staff, make_review_proposal, henan_at, make_unit):  # noqa: F811
    """A Henan alliance 批准筹建 (筹建中, one year to go), lead unit in 洛阳 with one member."""
    from lianmeng.alliances import services
    from lianmeng.alliances.models import Alliance
    from lianmeng.experts import services as review

    member = make_unit("410105", kind="university")
    proposal = make_review_proposal(name="河南省轴承产业技术创新战略联盟", members=(member,))
    round_ = review.round_create(actor=henan_staff, profile="henan", call_year=2020)
    review.round_add_proposals(actor=henan_staff, round_id=round_.pk, proposal_ids=[proposal.pk])
    review.round_close(actor=henan_staff, round_id=round_.pk)
    decision = services.decision_stage(
        actor=henan_staff, proposal_id=proposal.pk, kind="approve_to_build", reason="通过"
    )
    services.decisions_publish(actor=henan_staff, ids=[decision.pk])
    alliance = Alliance.objects.get(proposal=proposal)
    alliance.member_unit = member
    return alliance


@pytest.fixture
def lead(make_user, henan_alliance):
    return make_user(["applicant"], unit=henan_alliance.lead_unit)


def upload(name="章程.pdf", content=PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def complete_checklist(actor, alliance):
    from lianmeng.construction import services
    from lianmeng.construction.selectors import construction_of

    for item in construction_of(alliance.profile).checklist:
        services.checklist_save(
            actor=actor,
            alliance_id=alliance.pk,
            item=item.id,
            text=f"{item.label}已完成。" if "text" in item.evidence else None,
            files=[upload(f"{item.id}.pdf")] if "files" in item.evidence else [],
        )
