"""Fixtures shared by the expert review and decision tests (imported by both conftests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests import two_factor
from tests.conftest import PASSWORD


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Hundreds of accounts are made here; the production hasher is not what is tested."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def login(client) -> Callable[..., Any]:
    def sign_in(user):
        client.logout()
        response = two_factor.sign_in(client, user, password=PASSWORD)
        assert response.status_code == 302, response.content.decode()[:500]
        return response

    return sign_in


@pytest.fixture
def henan_staff(make_user):
    """河南省科技厅: competent department of the Henan profile."""
    return make_user(["competent"], jurisdiction="410000", username="henan-kjt")


@pytest.fixture
def luoyang_staff(make_user):
    return make_user(["recommender", "competent"], jurisdiction="410300", username="ly-kjj")


@pytest.fixture
def baoding_staff(make_user):
    return make_user(["competent"], jurisdiction="130600", username="bd-kjj")


@pytest.fixture
def make_expert(make_user, make_unit) -> Callable[..., Any]:
    """An expert account with its pool entry; his employer registered in ``region``."""
    from lianmeng.experts.models import ExpertProfile

    def make(
        region: str = "410105",
        *,
        unit: Any = None,
        fields: tuple[str, ...] = (),
        declared: tuple[str, ...] = (),
        available: bool = True,
    ):
        unit = unit or make_unit(region, kind="university")
        user = make_user(["expert"], unit=unit)
        return ExpertProfile.objects.create(
            user=user,
            fields=list(fields),
            declared_conflicts=list(declared),
            region=unit.region,
            available=available,
        )

    return make


@pytest.fixture
def make_review_proposal(make_unit) -> Callable[..., Any]:
    """A proposal at the state before review (``accepted``), with its roster."""
    from lianmeng.proposals.models import Proposal

    def make(
        *,
        profile: str = "henan",
        status: str = "accepted",
        region: str = "410305",
        lead: Any = None,
        members: tuple[Any, ...] = (),
        name: str | None = None,
        call_year: int = 2020,
    ):
        lead = lead or make_unit(region)
        roster = [{"name": lead.name, "uscc": lead.uscc, "role": "lead", "kind": lead.kind}]
        roster += [
            {"name": u.name, "uscc": u.uscc, "role": "member", "kind": u.kind} for u in members
        ]
        return Proposal.objects.create(
            profile=profile,
            call_year=call_year,
            name=name or f"测试{lead.pk}产业技术创新战略联盟",
            domain="industry",
            industry="轴承",
            lead_unit=lead,
            region=lead.region,
            status=status,
            document={"members": roster},
            member_count=len(roster),
        )

    return make
