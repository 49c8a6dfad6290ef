"""Properties of the reward calculation (lianmeng.policy.rewards.calculate), for any figures:
no amount above its cap or range; amounts never fall when the rewarded figure grows; a revoked
alliance gets 0 everywhere; every award cites a document of the profile; the total is the sum;
amounts have exactly two places; one positive award per item in a request; events outside the
policy's validity get 0."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianmeng.policy.loader import get_profile
from lianmeng.policy.rewards import (
    AllianceFacts,
    Claim,
    OtherSupport,
    calculate,
    money,
)

PROFILES = ("luoyang", "baoding", "heilongjiang")
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

figures = st.decimals(
    min_value=0, max_value=100_000, places=2, allow_nan=False, allow_infinity=False
)
days = st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 12, 31))
platforms = st.sampled_from(["轴承检测平台", "新材料中试平台", "智能制造平台"])
projects = st.sampled_from(["高端轴承寿命试验", "风电主轴轴承", "寒地大豆加工"])


def kinds_of(profile_id: str) -> list[str]:
    config = get_profile(profile_id).rewards
    assert config is not None
    return [k.id for k in config.kinds]


@st.composite
def facts(draw: st.DrawFn, *, revoked: bool | None = None) -> AllianceFacts:
    registered = draw(st.none() | days)
    return AllianceFacts(
        level=draw(st.sampled_from(["national", "provincial", "municipal"])),
        approved_on=draw(days),
        key_support=draw(st.booleans()),
        legal_entity_registered_on=registered,
        support_revoked=draw(st.booleans()) if revoked is None else revoked,
    )


@st.composite
def claim(draw: st.DrawFn, profile_id: str, index: int, *, kind: str | None = None) -> Claim:
    kind = kind or draw(st.sampled_from(kinds_of(profile_id)))
    return Claim(
        id=f"c{index}",
        kind=kind,
        date=draw(st.none() | days),
        level=draw(st.none() | st.sampled_from(["national", "provincial", "municipal"])),
        year=draw(st.none() | st.integers(2010, 2030)),
        project=draw(projects),
        platform=draw(platforms),
        major_contribution=draw(st.booleans()),
        figures={
            name: draw(figures)
            for name in ("sales_revenue", "investment", "operating_funds", "service_revenue")
        },
    )


@st.composite
def requests(draw: st.DrawFn, *, revoked: bool | None = None):
    profile_id = draw(st.sampled_from(PROFILES))
    count = draw(st.integers(1, 8))
    claims = [draw(claim(profile_id, i)) for i in range(count)]
    support = [
        OtherSupport(claim=c.id, source="省科技厅专项") for c in claims if draw(st.booleans())
    ]
    awarded = draw(st.lists(st.sampled_from(["new_alliance:municipal", "rd_project:风电主轴轴承"])))
    return get_profile(profile_id), draw(facts(revoked=revoked)), claims, support, awarded


def bound(profile, award, claim_: Claim) -> Decimal:
    """The most a claim may get: the cap, the range's max, or the rate of the figure."""
    kind = profile.rewards.kind(claim_.kind)
    if kind.method == "fixed_by_level":
        return money(max(kind.amounts.values()))
    if kind.method == "rate":
        return money(kind.cap)
    if kind.max is not None:
        return money(kind.max)
    high = money(claim_.figures[kind.figure] * kind.rate())
    return max(high if kind.cap is None else min(high, money(kind.cap)), money(kind.min))


@SETTINGS
@given(requests())
def test_no_amount_above_its_cap_or_range(request) -> None:
    profile, alliance, claims, support, awarded = request
    result = calculate(profile, alliance, claims, support, awarded)
    assert len(result.awards) == len(claims)
    for award, claim_ in zip(result.awards, claims, strict=True):
        assert award.id == claim_.id
        assert Decimal(0) <= award.amount <= bound(profile, award, claim_)
        if award.cap is not None:
            assert award.amount <= award.cap
        if award.range is not None:
            low, high = award.range
            assert low <= high and award.amount == high
            assert Decimal(0) <= low


@SETTINGS
@given(requests())
def test_total_is_the_sum_and_amounts_have_two_places(request) -> None:
    profile, alliance, claims, support, awarded = request
    result = calculate(profile, alliance, claims, support, awarded)
    assert result.total == sum((a.amount for a in result.awards), Decimal("0.00"))
    assert result.total.as_tuple().exponent == -2
    for award in result.awards:
        assert award.amount.as_tuple().exponent == -2, award.amount
        for value in (award.uncapped, award.cap, *(award.range or ())):
            assert value is None or value.as_tuple().exponent == -2
        assert (award.amount > 0) <= award.granted


@SETTINGS
@given(requests())
def test_every_award_cites_a_document_of_the_profile(request) -> None:
    profile, alliance, claims, support, awarded = request
    seeds = {d.seed for d in profile.documents if d.seed}
    for award in calculate(profile, alliance, claims, support, awarded).awards:
        assert award.citation.seed in seeds
        assert award.citation.article
        assert profile.cite(award.citation)
        assert award.reason


@SETTINGS
@given(requests(revoked=True))
def test_a_revoked_alliance_gets_nothing(request) -> None:
    profile, alliance, claims, support, awarded = request
    result = calculate(profile, alliance, claims, support, awarded)
    assert result.total == Decimal("0.00")
    for award in result.awards:
        assert award.amount == Decimal("0.00")
        assert award.code == "revoked" or profile.rewards.kind(award.kind) is None


@SETTINGS
@given(requests())
def test_at_most_one_positive_award_per_item(request) -> None:
    profile, alliance, claims, support, awarded = request
    result = calculate(profile, alliance, claims, support, awarded)
    positive = [a.item for a in result.awards if a.amount > 0]
    assert len(positive) == len(set(positive))
    assert not set(positive) & set(awarded)
    granted = [a.item for a in result.awards if a.granted]
    assert len(granted) == len(set(granted))


@SETTINGS
@given(st.data())
def test_amounts_never_fall_when_the_figure_grows(data) -> None:
    profile_id = data.draw(st.sampled_from(("luoyang", "heilongjiang")))  # Baoding: no figure
    profile = get_profile(profile_id)
    kind_id = data.draw(
        st.sampled_from([k.id for k in profile.rewards.kinds if k.figure is not None])
    )
    kind = profile.rewards.kind(kind_id)
    alliance = data.draw(facts(revoked=False))
    base = data.draw(claim(profile_id, 0, kind=kind_id))
    low, high = sorted([data.draw(figures), data.draw(figures)])

    def amount(value: Decimal) -> Decimal:
        one = Claim(**{**base.__dict__, "figures": {**base.figures, kind.figure: value}})
        return calculate(profile, alliance, [one]).awards[0].amount

    assert amount(low) <= amount(high)


@SETTINGS
@given(st.data())
def test_events_outside_the_validity_get_nothing(data) -> None:
    profile_id = data.draw(st.sampled_from(("luoyang", "baoding")))
    profile = get_profile(profile_id)
    start, end = profile.validity.valid_from.value, profile.validity.valid_until.value
    outside = data.draw(
        st.dates(max_value=start - timedelta(days=1)) | st.dates(min_value=end + timedelta(days=1))
    )
    alliance = data.draw(facts())
    claims = [
        Claim(**{**data.draw(claim(profile_id, i)).__dict__, "date": outside})
        for i in range(data.draw(st.integers(1, 5)))
    ]
    for award in calculate(profile, alliance, claims).awards:
        assert award.amount == Decimal("0.00")
        assert award.code == ("revoked" if alliance.support_revoked else "lapsed")


@SETTINGS
@given(st.data())
def test_events_inside_the_validity_are_not_lapsed(data) -> None:
    profile_id = data.draw(st.sampled_from(("luoyang", "baoding")))
    profile = get_profile(profile_id)
    start, end = profile.validity.valid_from.value, profile.validity.valid_until.value
    inside = data.draw(st.dates(min_value=start, max_value=end))
    claims = [Claim(**{**data.draw(claim(profile_id, 0)).__dict__, "date": inside})]
    award = calculate(profile, data.draw(facts()), claims).awards[0]
    assert award.code != "lapsed"
