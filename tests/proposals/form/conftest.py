"""Fixtures for the 建议书 form: a Henan draft filed by a lead unit, and its staff."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def henan_document() -> dict:
    """The valid Henan proposal as a draft would hold it (not yet submitted)."""
    document = example("henan-valid.json")
    document.pop("submitted_at", None)
    return document


@pytest.fixture
def make_draft(db) -> Callable[..., object]:
    """Store ``document`` as a draft of its lead unit (registered on first use)."""
    from lianmeng.proposals.models import Proposal
    from lianmeng.proposals.services import proposal_import

    def make(document: dict, *, status: str = Proposal.Status.DRAFT):
        proposal = proposal_import(actor=None, document=copy.deepcopy(document))
        if status != Proposal.Status.DRAFT:
            Proposal.objects.filter(pk=proposal.pk).update(status=status)
            proposal.refresh_from_db()
        return proposal

    return make


@pytest.fixture
def draft(make_draft, henan_document):
    return make_draft(henan_document)


@pytest.fixture
def staff(make_user, draft) -> Callable[..., object]:
    """A new applicant account of the draft's lead unit on each call."""
    return lambda: make_user(["applicant"], unit=draft.lead_unit)


@pytest.fixture
def signed_in(client) -> Callable[..., object]:
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def section_url(proposal, key: str) -> str:
    return f"/proposals/{proposal.pk}/edit/section/{key}/"


def post_section(client, proposal, key: str, data: dict, *, revision=None, base=None, **extra):
    from lianmeng.proposals.sections import get_section, section_fingerprint

    proposal.refresh_from_db()
    form = {
        "revision": proposal.revision if revision is None else revision,
        "base": section_fingerprint(proposal, get_section(key)) if base is None else base,
        **data,
    }
    return client.post(section_url(proposal, key), form, **extra)
