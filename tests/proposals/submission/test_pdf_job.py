"""A submission never waits on a PDF render (issue 17): the request stores the version and
returns; a background job prints the PDF right after the commit, records its SHA-256 and
seals the version again; until then every page offering the PDF says “正在生成…”."""

from __future__ import annotations

import hashlib

import pytest

from lianmeng.core.integrity import integrity_verify
from lianmeng.jobs import runner
from lianmeng.jobs.models import Job
from lianmeng.jobs.services import job_run
from lianmeng.proposals import submission
from lianmeng.proposals.models import ProposalVersion

from .conftest import beijing

ON_TIME = beijing(2020, 9, 1, 10, 0, 0)


@pytest.fixture
def queued(monkeypatch):
    """Jobs wait in the queue (as they do for a worker) instead of running at once."""
    sent: list[int] = []
    monkeypatch.setattr(runner, "send", sent.append)
    return sent


@pytest.fixture
def renders(monkeypatch):
    """Every call of the PDF renderer (a stub PDF)."""
    calls: list[int] = []

    def render(document, **kwargs):
        calls.append(kwargs["version"].number)
        return b"%PDF-1.7\n% stub " + str(kwargs["version"].code).encode() + b"\n"

    monkeypatch.setattr(submission, "render_proposal_pdf", render)
    return calls


def test_submit_returns_without_a_render_and_the_job_adds_the_pdf(
    filed, pin_clock, signed_in, queued, renders
):
    proposal, user = filed()
    pin_clock(ON_TIME)
    client = signed_in(user)
    response = client.post(f"/proposals/{proposal.pk}/submit/", {"revision": proposal.revision})
    assert response.status_code == 302
    assert renders == []  # not printed inside the request
    version = ProposalVersion.objects.get(proposal=proposal)
    assert not version.pdf and version.pdf_sha256 == ""
    job = Job.objects.get(kind="proposals.version_pdf")
    assert queued == [job.pk] and job.owner == user and job.parameters == {"version": version.pk}

    # until the job has run, the pages say the PDF is being generated
    page = client.get(response["Location"]).content.decode()
    assert "PDF 正在生成…" in page and 'data-testid="pdf-pending"' in page
    pending = client.get(f"/proposals/{proposal.pk}/versions/1/pdf")
    assert pending.status_code == 202 and "PDF 正在生成…" in pending.content.decode()
    assert Job.objects.filter(kind="proposals.version_pdf").count() == 1  # not started twice
    assert integrity_verify().intact

    job_run(job.pk)  # the worker
    assert renders == [1]
    version.refresh_from_db()
    stored = version.pdf.open("rb").read()
    assert stored.startswith(b"%PDF") and version.verification_code.encode() in stored
    assert version.pdf_sha256 == hashlib.sha256(stored).hexdigest()
    assert integrity_verify().intact  # sealed again with its PDF
    download = client.get(f"/proposals/{proposal.pk}/versions/1/pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "PDF 正在生成…" not in client.get(response["Location"]).content.decode()

    job_run(job.pk)  # a second delivery of the same task prints nothing
    assert renders == [1]


def test_a_lost_pdf_job_is_started_again_when_the_pdf_is_asked_for(
    filed, pin_clock, signed_in, queued, renders
):
    proposal, user = filed()
    pin_clock(ON_TIME)
    client = signed_in(user)
    client.post(f"/proposals/{proposal.pk}/submit/", {"revision": proposal.revision})
    Job.objects.filter(kind="proposals.version_pdf").update(state=Job.State.FAILED)
    assert client.get(f"/proposals/{proposal.pk}/versions/1/pdf").status_code == 202
    again = Job.objects.filter(kind="proposals.version_pdf", state=Job.State.QUEUED).get()
    job_run(again.pk)
    assert client.get(f"/proposals/{proposal.pk}/versions/1/pdf").status_code == 200


def test_a_pdf_changed_after_the_job_is_noticed(filed, pin_clock, renders, capsys):
    from lianmeng.cli import main as cli_main

    proposal, user = filed()
    pin_clock(ON_TIME)
    version = submission.proposal_submit(actor=user, pk=proposal.pk)  # jobs run at once here
    assert renders == [1] and version.pdf
    with version.pdf.storage.open(version.pdf.name, "wb") as handle:
        handle.write(b"%PDF-1.7\n% swapped\n")
    assert cli_main(["audit", "verify"]) == 1
    assert f"申报版本 #{version.pk} 与审计记录不符" in capsys.readouterr().out
