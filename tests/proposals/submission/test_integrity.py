"""Each submitted version is sealed in the audit chain; `audit verify` notices a change."""

from __future__ import annotations

import pytest

from lianmeng.cli import main as cli_main
from lianmeng.core.integrity import integrity_verify
from lianmeng.core.models import AuditEntry
from lianmeng.proposals.models import ProposalVersion
from lianmeng.proposals.submission import proposal_submit

from .conftest import beijing

pytestmark = pytest.mark.django_db


def _submitted(filed, pin_clock) -> ProposalVersion:
    proposal, user = filed()
    pin_clock(beijing(2020, 9, 1, 10, 0, 0))
    return proposal_submit(actor=user, pk=proposal.pk, revision=proposal.revision)


def test_submission_seals_the_version_in_the_audit_chain(filed, pin_clock, capsys):
    version = _submitted(filed, pin_clock)
    # sealed when stored, and again when its PDF (printed by a job after the commit) is added
    seals = list(
        AuditEntry.objects.filter(
            object_type="proposals.proposalversion", object_id=str(version.pk)
        ).order_by("id")
    )
    assert [seal.action for seal in seals] == [
        "lianmeng.proposal.version.sealed",
        "lianmeng.proposal.version.pdf_sealed",
    ]
    assert all(len(seal.summary["after"]["sha256"]) == 64 for seal in seals)
    assert seals[1].summary["after"]["pdf_sha256"] == version.pdf_sha256 != ""
    assert integrity_verify().intact and integrity_verify().checked == 1
    assert cli_main(["audit", "verify"]) == 0
    assert "业务数据与审计记录相符，共核对 1 条" in capsys.readouterr().out


@pytest.mark.parametrize(
    "change",
    [
        {"document": {"name": "改过的联盟名称"}},
        {"explanations": {"R1": "事后补写"}},
        {"pdf_sha256": "0" * 64},
    ],
)
def test_a_version_changed_in_the_database_is_named(filed, pin_clock, capsys, change):
    version = _submitted(filed, pin_clock)
    ProposalVersion.objects.filter(pk=version.pk).update(**change)
    assert cli_main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert f"业务数据被修改：申报版本 #{version.pk} 与审计记录不符" in out


def test_a_replaced_pdf_file_is_noticed(filed, pin_clock, capsys):
    version = _submitted(filed, pin_clock)
    with version.pdf.storage.open(version.pdf.name, "wb") as handle:
        handle.write(b"%PDF-1.7 forged")
    assert cli_main(["audit", "verify"]) == 1
    assert f"申报版本 #{version.pk} 与审计记录不符" in capsys.readouterr().out


def test_a_deleted_version_is_noticed(filed, pin_clock, capsys):
    version = _submitted(filed, pin_clock)
    ProposalVersion.objects.filter(pk=version.pk).delete()
    assert cli_main(["audit", "verify"]) == 1
    assert f"申报版本 #{version.pk} 已被删除" in capsys.readouterr().out
