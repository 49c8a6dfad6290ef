"""Fixtures for the web shell's tests: signed-in clients and proposals in given areas."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction

from lianmeng.demo import load_demo
from tests import two_factor
from tests.conftest import PASSWORD


@pytest.fixture
def login(client) -> Callable[..., object]:
    """Sign a user in through the real login page (so the audit trail sees it), entering a
    code when the second step asks for one (tests/two_factor.py)."""

    def sign_in(user, *, follow: bool = False):
        return two_factor.sign_in(client, user, password=PASSWORD, follow=follow)

    return sign_in


@pytest.fixture
def make_proposal(db) -> Callable[..., object]:
    from lianmeng.proposals.models import Proposal

    def make(
        unit,
        *,
        name: str = "洛阳市测试产业技术创新战略联盟",
        status: str = "submitted",
        profile: str = "luoyang",
        members: list | None = None,
    ):
        return Proposal.objects.create(
            profile=profile,
            call_year=2020,
            name=name,
            domain="industry",
            lead_unit=unit,
            region=unit.region,
            status=status,
            document={"members": members or []},
            member_count=len(members or []),
        )

    return make


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """One demo load for the module, rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            list(load_demo())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
