"""Fixtures of rewards (扶持与奖补): a Luoyang alliance with its lead unit's applicant, the
Luoyang department (洛阳市科技局), an expert of its pool, budgets of the fund for 2019 and 2020,
and a factory of claims (created, evidence attached, submitted).

``rw`` pins the clock to 2019-11-05 (``policies_in_force``): the Luoyang measures are in force
(2018-07-10 — 2020-12-31), so every guard other than the one tested lets a claim through.

    def test_x(rw, make_claim):
        claim = make_claim(rw.applicant, rw.alliance, "platform_construction",
                           {"platform": "轴承检测平台", "investment": "1200"})
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from tests.api.conftest import token_for  # noqa: F401  (fixture)
from tests.evaluation.conftest import make_alliance
from tests.experts.fixtures import _fast_passwords, make_expert  # noqa: F401  (fixtures)
from tests.web.conftest import login  # noqa: F401  (fixture)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FUND = "洛阳市应用技术研究与开发资金"


def upload(name: str = "投资凭证.pdf", content: bytes = PDF) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def rw(db, policies_in_force, make_unit, make_user, make_expert):  # noqa: F811
    """The rewards world (clock pinned to 2019-11-05 10:00 Beijing time).

    - ``alliance``: 洛阳市轴承产业技术创新战略联盟 (municipal, recognised, decided 2018-12-01,
      jurisdiction 410300), lead unit ``lead`` (410305) whose applicant is ``applicant``;
      ``member`` a member unit of it;
    - ``other_alliance`` led by ``other_lead`` (applicant ``other_applicant``);
    - ``district_alliance`` of 涧西区 (jurisdiction 410305), lead unit ``district_lead``
      (applicant ``district_applicant``): what the county department ``county`` (recommender and
      competent of 410305, read only) sees;
    - ``department``: competent staff of 410300, who decides Luoyang's rewards;
    - ``henan``: competent staff of the province (no rewards profile of its own);
    - ``baoding``: competent staff of 130600 (decides Baoding's rewards, not Luoyang's);
    - ``expert`` / ``expert2``: experts of the Luoyang pool (``ExpertProfile``; the account is
      ``.user``); ``member_expert``: an expert employed by the member unit (conflict);
    - ``budget2019`` / ``budget2020``: 1000 万元 each of the Luoyang fund.
    """
    from lianmeng.rewards import services

    lead = make_unit("410305", name="洛阳轴承研究所有限公司")
    other_lead = make_unit("410305", name="洛阳新材料有限公司")
    district_lead = make_unit("410305", name="涧西区智能制造有限公司")
    member = make_unit("410305", name="河南科技大学", kind="university")
    alliance = make_alliance(
        "luoyang", lead, "410300", "洛阳市轴承产业技术创新战略联盟", members=[member]
    )
    other_alliance = make_alliance(
        "luoyang", other_lead, "410300", "洛阳市新材料产业技术创新战略联盟"
    )
    district_alliance = make_alliance(
        "luoyang", district_lead, "410305", "涧西区智能制造产业技术创新战略联盟"
    )
    department = make_user(["competent"], jurisdiction="410300", username="ly-kjj-rw")
    world = SimpleNamespace(
        lead=lead,
        other_lead=other_lead,
        district_lead=district_lead,
        member=member,
        alliance=alliance,
        other_alliance=other_alliance,
        district_alliance=district_alliance,
        applicant=make_user(["applicant"], unit=lead),
        other_applicant=make_user(["applicant"], unit=other_lead),
        district_applicant=make_user(["applicant"], unit=district_lead),
        department=department,
        county=make_user(["recommender", "competent"], jurisdiction="410305"),
        henan=make_user(["competent"], jurisdiction="410000"),
        baoding=make_user(["competent"], jurisdiction="130600"),
        expert=make_expert("410305"),
        expert2=make_expert("410305"),
        member_expert=make_expert("410305", unit=member),
    )
    world.budget2019 = services.budget_save(
        actor=department, profile_id="luoyang", year=2019, amount="1000"
    )
    world.budget2020 = services.budget_save(
        actor=department, profile_id="luoyang", year=2020, amount="1000"
    )
    return world


#: data of one valid claim per kind of the Luoyang profile (see docs/examples/rewards/)
CLAIM_DATA: dict[str, dict[str, Any]] = {
    "new_alliance": {},
    "legal_entity": {"event_date": "2019-03-01"},
    "operating_subsidy": {"year": "2019", "sales_revenue": "600"},
    "rd_project": {"project": "高端轴承寿命试验", "event_date": "2019-05-01"},
    "platform_construction": {
        "platform": "轴承检测平台",
        "investment": "1200",
        "event_date": "2019-09-30",
    },
    "platform_operating": {"platform": "轴承检测平台", "year": "2019", "operating_funds": "80"},
    "platform_service": {"platform": "轴承检测平台", "year": "2019", "service_revenue": "200"},
}


@pytest.fixture
def make_claim(rw) -> Callable[..., Any]:
    """``make_claim(actor, alliance, kind, data=None, *, submit=True)``: a claim created by
    ``actor`` (with one evidence file when the kind needs it) and, by default, submitted.
    ``data`` defaults to :data:`CLAIM_DATA` for the kind."""
    from lianmeng.rewards import services

    def make(
        actor: Any, alliance: Any, kind: str, data: dict[str, Any] | None = None, *, submit=True
    ):
        claim = services.claim_create(
            actor=actor,
            alliance_id=alliance.pk,
            kind=kind,
            data=dict(CLAIM_DATA.get(kind, {}) if data is None else data) or None,
        )
        if submit:
            if services.needs_evidence(claim):
                services.claim_upload(actor=actor, claim_id=claim.pk, file=upload())
            claim = services.claim_submit(actor=actor, claim_id=claim.pk)
        claim.refresh_from_db()
        return claim

    return make


@pytest.fixture
def key_support(rw) -> Callable[..., Any]:
    """``key_support(alliance, registered=date(2019, 3, 1))``: the department records 纳入重点支持
    and the legal entity's registration (the conditions of legal_entity / operating_subsidy)."""
    from lianmeng.rewards import services

    def record(alliance: Any, registered: date | None = date(2019, 3, 1)):
        return services.facts_save(
            actor=rw.department,
            alliance_id=alliance.pk,
            data={
                "key_support": True,
                "key_support_reason": "2019 年第 3 次局务会纪要",
                "legal_entity_name": "洛阳轴承产业技术研究院有限公司" if registered else "",
                "legal_entity_registered_on": registered.isoformat() if registered else "",
            },
        )

    return record


@pytest.fixture
def decide(rw) -> Callable[..., Any]:
    """``decide(claim, amount, *, publish=True, years=1, first_year=2019, reason=...)``: the
    department stages the award in a new batch and (by default) publishes it; returns the award."""
    from lianmeng.rewards import services
    from lianmeng.rewards.models import Award

    def run(claim, amount, *, publish=True, years=1, first_year=2019, reason="经局务会研究"):
        batch = services.batch_create(
            actor=rw.department, profile_id=claim.profile, title="2019 年度联盟奖补第一批"
        )
        claim.refresh_from_db()
        award = services.award_stage(
            actor=rw.department,
            claim_id=claim.pk,
            batch_id=batch.pk,
            amount=amount,
            reason=reason,
            first_year=first_year,
            years=years,
        )
        if publish:
            services.batch_publish(
                actor=rw.department, batch_id=batch.pk, reference="洛科〔2019〕1号"
            )
        return Award.objects.get(pk=award.pk)

    return run
