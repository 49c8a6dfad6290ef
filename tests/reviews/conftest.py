"""Fixtures for the lifecycle tests: the example proposals filed, department accounts at each
level, a pinned clock, and a signed-in client."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests import two_factor
from tests.conftest import PASSWORD

BEIJING = ZoneInfo("Asia/Shanghai")
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"


def example(profile: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{profile}-valid.json").read_text(encoding="utf-8"))


def beijing(*args: int) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    """These tests make many accounts; a fast hasher keeps them quick (login still checks)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def at(monkeypatch) -> Callable[..., datetime]:
    """Pin ``clock.now()`` to a Beijing time: ``at(2020, 9, 10, 9)``."""
    from lianmeng.core import clock

    def pin(*args: int) -> datetime:
        moment = beijing(*args)
        monkeypatch.setattr(clock, "now", lambda: moment)
        return moment

    return pin


@pytest.fixture
def file_proposal(db) -> Callable[..., Any]:
    """Import an example proposal and file it (draft → submitted) as the filing side does."""
    from django.db import transaction

    from lianmeng.proposals.lifecycle import record_state_change
    from lianmeng.proposals.models import Proposal
    from lianmeng.proposals.services import proposal_import

    def make(profile: str = "henan", *, mutate: Callable[[dict], None] | None = None, **fields):
        document = example(profile)
        if mutate is not None:
            mutate(document)
        with transaction.atomic():
            proposal = proposal_import(actor=None, document=document)
            proposal.status = Proposal.Status.SUBMITTED
            for key, value in fields.items():
                setattr(proposal, key, value)
            proposal.save()
            record_state_change(
                proposal=proposal,
                from_state="draft",
                to_state="submitted",
                transition="submit",
                actor=None,
            )
        return proposal

    return make


@pytest.fixture
def staff(make_user) -> Callable[..., Any]:
    """A department account: ``staff("410182")``, ``staff("410000", "competent")``."""

    def make(code: str, *roles: str, unit=None, username: str | None = None):
        return make_user(
            list(roles or ["recommender"]), jurisdiction=code, unit=unit, username=username
        )

    return make


@pytest.fixture
def applicant(make_user) -> Callable[..., Any]:
    def make(proposal, *, email: str = "shenbao@example.cn"):
        user = make_user(["applicant"], unit=proposal.lead_unit)
        user.email = email
        user.save(update_fields=["email"])
        return user

    return make


@pytest.fixture
def review_closed(monkeypatch) -> None:
    """Expert review is the colleague's; here its round counts as closed."""
    from lianmeng.workflow import guards

    monkeypatch.setitem(guards._REGISTRY, ("proposal", "review_round_closed"), lambda ctx: None)


@pytest.fixture
def login(client) -> Callable[..., Any]:
    def sign_in(user):
        client.logout()
        response = two_factor.sign_in(client, user, password=PASSWORD)
        assert response.status_code == 302, response.content.decode()[:500]
        return client

    return sign_in
