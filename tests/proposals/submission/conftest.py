"""Fixtures for submission: a Henan call (2020 window), a lead unit's applicant, a pinned clock."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import PASSWORD

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
BEIJING = ZoneInfo("Asia/Shanghai")
MATERIALS = ["proposal_form", "feasibility_report", "recommendation_form", "agreement"]


def example(name: str = "henan-valid") -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))


def beijing(*args: int) -> datetime:
    return datetime(*args, tzinfo=BEIJING)


@pytest.fixture
def pin_clock(monkeypatch) -> Callable[[datetime], None]:
    """Pin lianmeng.core.clock.now() (every service reads the time through it)."""
    from lianmeng.core import clock

    def pin(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return pin


@pytest.fixture
def henan_call(db) -> Any:
    """The 2020 Henan call: online 2020-08-10 to 2020-09-20 (dates: closes 23:59:59 Beijing)."""
    from lianmeng.calls.services import call_create, call_publish

    call = call_create(
        actor=None,
        jurisdiction="410000",
        profile="henan",
        year=2020,
        title="关于组织申报2020年河南省产业技术创新战略联盟的通知",
        online_opens=date(2020, 8, 10),
        online_closes=date(2020, 9, 20),
        focus_areas=["新材料", "新能源"],
        required_materials=MATERIALS,
    )
    return call_publish(actor=None, pk=call.pk)


@pytest.fixture
def filed(db, henan_call, make_user) -> Callable[..., tuple[Any, Any]]:
    """A draft proposal of an example file, answering ``henan_call``, and its applicant."""
    from lianmeng.core.roles import Role
    from lianmeng.proposals.services import proposal_import

    def make(name: str = "henan-valid", **changes: Any) -> tuple[Any, Any]:
        document = example(name)
        document.pop("submitted_at", None)
        document.update(changes)
        proposal = proposal_import(actor=None, document=document)
        proposal.call = henan_call
        proposal.save(update_fields=["call"])
        user = make_user([Role.APPLICANT], unit=proposal.lead_unit, jurisdiction=None)
        return proposal, user

    return make


@pytest.fixture
def signed_in(client) -> Callable[[Any], Any]:
    def sign_in(user: Any) -> Any:
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _files_in_tmp(settings, tmp_path):
    """Stored PDFs go to a temporary directory, not the data directory."""
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture(autouse=True)
def _quick_pdf(request, monkeypatch):
    """Printing takes about a second; tests that do not look at the PDF get a stub
    (request the ``real_pdf`` fixture to print for real)."""
    if "real_pdf" in request.fixturenames:
        return
    from lianmeng.proposals import submission

    monkeypatch.setattr(
        submission, "render_proposal_pdf", lambda document, **kwargs: b"%PDF-1.7\n% stub\n"
    )


@pytest.fixture
def real_pdf() -> bool:
    """Request this fixture to have submissions print the real PDF."""
    return True
