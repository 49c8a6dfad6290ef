"""API fixtures: tokens, interchange documents and stored proposals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import make_uscc

API = "/api/v1"


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The one error shape: exactly code, message (Chinese), details (an object)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "details"}, body
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"], str) and any(
        "\u4e00" <= c <= "\u9fff" for c in body["message"]
    )
    assert isinstance(body["details"], dict)
    assert "Traceback" not in response.content.decode()
    if code is not None:
        assert body["code"] == code, body
    return body


def proposal_document(
    unit: Any,
    *,
    profile: str = "luoyang",
    name: str = "洛阳市轴承产业技术创新战略联盟",
    industry: str = "轴承",
    members: int = 1,
) -> dict[str, Any]:
    """A minimal valid interchange document led by ``unit``."""
    roster: list[dict[str, Any]] = [
        {"name": unit.name, "uscc": unit.uscc, "role": "lead", "kind": "enterprise"}
    ]
    roster += [
        {"name": f"成员单位{i}", "uscc": make_uscc(unit.region.code), "kind": "enterprise"}
        for i in range(1, members)
    ]
    return {
        "format_version": 1,
        "profile": profile,
        "name": name,
        "domain": "industry",
        "industry": industry,
        "lead_unit": {"name": unit.name, "uscc": unit.uscc},
        "members": roster,
    }


@pytest.fixture
def token_for(db) -> Callable[[Any], str]:
    from lianmeng.core.tokens import token_create

    def make(user: Any, name: str = "测试令牌") -> str:
        return token_create(actor=user, name=name)[1]

    return make


@pytest.fixture
def file_proposal(db) -> Callable[..., Any]:
    """Store a proposal for ``unit`` (as the CLI would) and set its status."""
    from lianmeng.proposals.models import Proposal
    from lianmeng.proposals.services import proposal_import

    def make(unit: Any, *, status: str = "submitted", **doc: Any) -> Proposal:
        proposal = proposal_import(actor=None, document=proposal_document(unit, **doc))
        if status != proposal.status:
            Proposal.objects.filter(pk=proposal.pk).update(status=status)
            proposal.refresh_from_db()
        return proposal

    return make
