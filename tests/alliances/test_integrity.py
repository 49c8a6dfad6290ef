"""Each published decision is sealed in the audit chain; `audit verify` notices a change."""

from __future__ import annotations

import pytest

from lianmeng.alliances import services
from lianmeng.alliances.models import Decision
from lianmeng.cli import main as cli_main
from lianmeng.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _published(make_user, make_review_proposal) -> Decision:
    group = make_user(["coordination"], jurisdiction="230000")
    proposal = make_review_proposal(profile="heilongjiang", status="submitted", region="230102")
    decision = services.decision_stage(actor=group, proposal_id=proposal.pk, kind="pilot")
    (published,) = services.decisions_publish(actor=group, ids=[decision.pk])
    return published


def test_publishing_seals_the_decision(make_user, make_review_proposal, capsys):
    decision = _published(make_user, make_review_proposal)
    entry = AuditEntry.objects.get(action="lianmeng.decision.published")
    assert entry.object_id == str(decision.pk)
    assert len(entry.summary["after"]["sha256"]) == 64
    assert cli_main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out


@pytest.mark.parametrize(
    "change",
    [{"kind": "decline"}, {"reason": "事后改写的理由"}, {"reference": "黑科〔2099〕1号"}],
)
def test_a_decision_changed_in_the_database_is_named(
    make_user, make_review_proposal, capsys, change
):
    decision = _published(make_user, make_review_proposal)
    Decision.objects.filter(pk=decision.pk).update(**change)
    assert cli_main(["audit", "verify"]) == 1
    assert f"业务数据被修改：决定 #{decision.pk} 与审计记录不符" in capsys.readouterr().out


def test_a_staged_decision_is_not_sealed(make_user, make_review_proposal, capsys):
    group = make_user(["coordination"], jurisdiction="230000")
    proposal = make_review_proposal(profile="heilongjiang", status="submitted", region="230102")
    decision = services.decision_stage(actor=group, proposal_id=proposal.pk, kind="pilot")
    Decision.objects.filter(pk=decision.pk).update(reason="草稿可改")
    assert cli_main(["audit", "verify"]) == 0
