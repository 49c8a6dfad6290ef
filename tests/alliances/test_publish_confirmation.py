"""发布所选决定 acts only once confirmed: the page lists what will be published and what
follows, and nothing is published before (issue 11)."""

from __future__ import annotations

import re
from datetime import datetime

from lianmeng.alliances import services
from lianmeng.alliances.models import Alliance, Decision
from lianmeng.experts import services as review


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_publishing_needs_confirmation(
    client, login, henan_staff, make_review_proposal, monkeypatch
):
    from lianmeng.core import clock

    monkeypatch.setattr(clock, "now", lambda: datetime(2020, 11, 16, 10, 0, tzinfo=clock.BEIJING))
    proposal = make_review_proposal(name="河南省轴承产业技术创新战略联盟")
    round = review.round_create(actor=henan_staff, profile="henan", call_year=2020)
    review.round_add_proposals(actor=henan_staff, round_id=round.pk, proposal_ids=[proposal.pk])
    review.round_close(actor=henan_staff, round_id=round.pk)
    staged = services.decision_stage(
        actor=henan_staff, proposal_id=proposal.pk, kind="approve_to_build", reason="同意"
    )
    login(henan_staff)
    page = _text(client.get("/staff/decisions/"))
    assert 'data-lm-confirm="confirm-publish"' in page and "发布后决定立即生效，不能撤回" in page
    posted = {"decisions": [staged.pk], "reference": "豫科〔2020〕12号"}
    page = _text(client.post("/staff/decisions/publish/", posted))
    assert "确认发布所选决定？" in page and "河南省轴承产业技术创新战略联盟" in page
    staged.refresh_from_db()
    assert staged.published_at is None and not Alliance.objects.exists()
    client.post("/staff/decisions/publish/", {**posted, "confirmed": "1"})
    assert Decision.objects.get(pk=staged.pk).published_at is not None
    assert Alliance.objects.count() == 1
