"""Fixtures for the roster: drafts with a lead unit and its staff, signed-in clients."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def henan_example() -> dict:
    document = json.loads((EXAMPLES / "henan-valid.json").read_text(encoding="utf-8"))
    document.pop("submitted_at", None)
    return document


@pytest.fixture
def henan_draft(db):
    """The valid Henan proposal (11 members) as a draft of its lead unit."""
    from lianmeng.proposals.services import proposal_import

    return proposal_import(actor=None, document=henan_example())


@pytest.fixture
def lead_staff(make_user) -> Callable[..., object]:
    """A new applicant account of ``proposal``'s lead unit."""
    return lambda proposal: make_user(["applicant"], unit=proposal.lead_unit)


@pytest.fixture
def small_draft(db, make_unit) -> Callable[..., object]:
    """A draft whose roster holds only its lead unit (registered in ``region``)."""
    from lianmeng.proposals.services import proposal_import

    def make(region: str = "410305", *, unit=None, profile: str = "henan"):
        unit = unit or make_unit(region, name="洛阳某某轴承集团有限公司")
        document = {
            "format_version": 1,
            "profile": profile,
            "call_year": 2020,
            "name": "河南省精密轴承产业技术创新战略联盟",
            "domain": "industry",
            "lead_unit": {"name": unit.name, "uscc": unit.uscc},
            "members": [
                {"name": unit.name, "uscc": unit.uscc, "role": "lead", "kind": "enterprise"}
            ],
        }
        return proposal_import(actor=None, document=copy.deepcopy(document))

    return make


@pytest.fixture
def signed_in(client) -> Callable[..., object]:
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def token_for(db) -> Callable[..., str]:
    from lianmeng.core.tokens import token_create

    return lambda user: token_create(actor=user, name="测试令牌")[1]


def upload(content: bytes, name: str = "名单.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        name,
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
