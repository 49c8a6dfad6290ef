"""A what-if run changes nothing (B-6): the profile in force, the alliances' and proposals'
stored rows and statuses, the audit trail, and `lianmeng check` on a proposal's file."""

from __future__ import annotations

import json
import subprocess
import sys

from django.apps import apps

from lianmeng.policy.loader import get_profile

TABLES = (
    "alliances.Alliance",
    "proposals.Proposal",
    "proposals.ProposalVersion",
    "running.Workspace",
    "running.Member",
    "running.ChangeFiling",
    "workflow.StateChange",
    "workflow.Deadline",
    "core.AuditEntry",
)


def _rows():
    rows = {label: list(apps.get_model(label).objects.order_by("pk").values()) for label in TABLES}
    # the run itself is audited as a run of the draft: nothing else is
    rows["core.AuditEntry"] = [
        r for r in rows["core.AuditEntry"] if not r["action"].startswith("lianmeng.whatif.")
    ]
    return rows


def _check_cli(path):
    done = subprocess.run(
        [sys.executable, "-m", "lianmeng.cli", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, json.loads(done.stdout)


def test_running_a_draft_changes_no_stored_row_nor_the_profile(wi, client, login, tmp_path):
    from lianmeng.proposals.checks import proposal_eligibility
    from lianmeng.whatif import services

    profile_before = get_profile("luoyang").model_dump(mode="json")
    eligibility_before = proposal_eligibility(wi.proposal)
    draft = services.draft_create(
        actor=wi.department,
        profile_id="luoyang",
        name="成员不少于 8 家",
        overrides={"members.min_count": {"severity": "required", "min_count": 8}},
    )
    file = tmp_path / "proposal.json"
    file.write_text(json.dumps(wi.proposal.document, ensure_ascii=False), encoding="utf-8")
    cli_before = _check_cli(file)
    login(wi.department)
    rows_before = _rows()

    ran = client.post(
        f"/staff/whatif/{draft.pk}/", {"name": draft.name, "action": "run"}, follow=True
    )
    assert ran.status_code == 200 and "洛阳市小型联盟" in ran.content.decode()
    draft.refresh_from_db()
    assert draft.result["alliances"]["summary"]["pass_to_fail"] == 1
    assert client.get(f"/staff/whatif/{draft.pk}/comparison.xlsx").status_code == 200
    assert client.get(f"/staff/whatif/{draft.pk}/overrides.toml").status_code == 200

    assert _rows() == rows_before
    assert get_profile("luoyang").model_dump(mode="json") == profile_before
    assert not get_profile("luoyang").applies("members.min_count")
    assert proposal_eligibility(wi.proposal) == eligibility_before
    assert eligibility_before["eligible"] is True
    assert _check_cli(file) == cli_before
    code, output = cli_before
    assert code == 0 and "members.min_count" not in {f["rule"] for f in output["findings"]}
