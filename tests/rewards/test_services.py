"""The writes of rewards (lianmeng.rewards.services): every guard (lost support, one award per
item, no commitment beyond a budget, no payment beyond an instalment, one payment per voucher,
stale revisions), who may act, the audit trail and the notifications; and the ledger reconciles
— the payments of each fund source are the budget used — over random sequences of decisions and
payments."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.policy.rewards import money
from lianmeng.rewards import selectors, services
from lianmeng.rewards.models import Award, Batch, Budget, Claim, Instalment, Payment

from .conftest import upload

pytestmark = pytest.mark.django_db


def actions(obj) -> list[str]:
    from lianmeng.core.models import AuditEntry

    return list(
        AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def revoke(alliance, reason="2019 年度绩效评价不合格，整改不合格"):
    alliance.support_eligible = False
    alliance.support_lost_reason = reason
    alliance.save(update_fields=["support_eligible", "support_lost_reason"])


def pay(rw, instalment, amount, voucher, day="2019-11-05"):
    return services.payment_record(
        actor=rw.department,
        instalment_id=instalment.pk,
        paid_on=day,
        voucher=voucher,
        amount=amount,
    )


# -- the lead unit's claim ------------------------------------------------------------------------


def test_a_claim_runs_from_draft_to_payment_with_audit_and_notifications(
    rw, make_claim, decide, django_capture_on_commit_callbacks
):
    from lianmeng.reviews.models import Notification

    claim = services.claim_create(
        actor=rw.applicant,
        alliance_id=rw.alliance.pk,
        kind="platform_construction",
        data={"platform": "轴承检测平台", "investment": "1200", "event_date": "2019-09-30"},
    )
    assert claim.status == Claim.Status.DRAFT and not claim.on_behalf
    assert claim.computed_amount == Decimal("240.00")
    assert (
        claim.calculation["code"] == "computed"
        and claim.item == "platform_construction:轴承检测平台"
    )
    services.claim_upload(actor=rw.applicant, claim_id=claim.pk, file=upload())
    with django_capture_on_commit_callbacks(execute=True):
        claim = services.claim_submit(
            actor=rw.applicant, claim_id=claim.pk, revision=claim.revision
        )
    assert claim.status == Claim.Status.SUBMITTED
    told = Notification.objects.filter(event="reward.submitted")
    assert [n.recipient for n in told] == [rw.department]
    assert claim.number in told.get().subject

    with django_capture_on_commit_callbacks(execute=True):
        award = decide(claim, "240.00", years=2)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.AWARDED and award.published
    assert [(i.year, i.amount) for i in award.instalments.all()] == [
        (2019, Decimal("120.00")),
        (2020, Decimal("120.00")),
    ]
    decided = Notification.objects.get(event="reward.decided")
    assert decided.recipient == rw.applicant and "240.00" in decided.body

    with django_capture_on_commit_callbacks(execute=True):
        payment = pay(rw, award.instalments.get(year=2019), "120.00", "LY-2019-001")
    assert payment.alliance == rw.alliance and payment.budget == rw.budget2019
    paid = Notification.objects.get(event="reward.paid")
    assert paid.recipient == rw.applicant and "LY-2019-001" in paid.body
    assert actions(claim) == [
        "lianmeng.reward.claim_created",
        "lianmeng.reward.claim_submitted",
        "lianmeng.reward.award_staged",
        "lianmeng.reward.payment_recorded",
    ]
    batch = award.batch
    assert "lianmeng.reward.batch_published" in actions(batch)
    use = selectors.budget_use(rw.budget2019)
    assert (use.committed, use.paid, use.available) == (
        Decimal("120.00"),
        Decimal("120.00"),
        Decimal("880.00"),
    )


def test_returning_a_claim_tells_the_lead_unit(rw, make_claim, django_capture_on_commit_callbacks):
    from lianmeng.reviews.models import Notification

    claim = make_claim(rw.applicant, rw.alliance, "platform_service")
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_return(actor=rw.department, claim_id=claim.pk, reason="请补充审计报告")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.RETURNED and claim.return_reason == "请补充审计报告"
    assert Notification.objects.get(event="reward.returned").recipient == rw.applicant
    claim = services.claim_submit(actor=rw.applicant, claim_id=claim.pk, revision=claim.revision)
    assert claim.status == Claim.Status.SUBMITTED and claim.return_reason == ""


# -- guards ----------------------------------------------------------------------------------------


def test_lost_support_refuses_claims(rw, make_claim):
    revoke(rw.alliance)
    with pytest.raises(ValidationFailed, match="整改不合格"):
        services.claim_create(actor=rw.applicant, alliance_id=rw.alliance.pk, kind="new_alliance")
    assert not Claim.objects.exists()
    rw.other_alliance.status = "revoked"
    rw.other_alliance.save(update_fields=["status"])
    with pytest.raises(ValidationFailed):
        services.claim_create(
            actor=rw.other_applicant, alliance_id=rw.other_alliance.pk, kind="new_alliance"
        )


def test_lost_support_refuses_submission_publication_and_payment(rw, make_claim, decide):
    draft = make_claim(rw.applicant, rw.alliance, "new_alliance", submit=False)
    claim = make_claim(rw.applicant, rw.alliance, "platform_service")
    staged = make_claim(rw.applicant, rw.alliance, "platform_construction")
    award = decide(claim, "30.00")
    batch = services.batch_create(actor=rw.department, profile_id="luoyang", title="第二批")
    services.award_stage(
        actor=rw.department,
        claim_id=staged.pk,
        batch_id=batch.pk,
        amount="240.00",
        first_year=2019,
        reason="",
    )
    revoke(rw.alliance)
    with pytest.raises(ValidationFailed):
        services.claim_submit(actor=rw.applicant, claim_id=draft.pk)
    with pytest.raises(ValidationFailed, match="已丧失扶持资格"):
        services.batch_publish(actor=rw.department, batch_id=batch.pk)
    with pytest.raises(ValidationFailed, match="已丧失扶持资格"):
        pay(rw, award.instalments.get(), "30.00", "LY-1")
    assert not Payment.objects.exists()
    assert Batch.objects.get(pk=batch.pk).status == Batch.Status.DRAFT
    # the department may still refuse (amount 0) a claim of an alliance that lost its support
    other = make_claim(rw.other_applicant, rw.other_alliance, "new_alliance")
    revoke(rw.other_alliance)
    refused = decide(other, "0", reason="已取消扶持资格")
    assert refused.amount == 0 and not refused.instalments.exists()


def test_one_claim_and_one_award_per_item(rw, make_claim, decide):
    claim = make_claim(rw.applicant, rw.alliance, "platform_service")
    with pytest.raises(Conflict, match=claim.number):  # an open claim for the same item
        services.claim_create(
            actor=rw.applicant,
            alliance_id=rw.alliance.pk,
            kind="platform_service",
            data={"platform": "轴承检测平台", "year": "2019", "service_revenue": "50"},
        )
    with pytest.raises(Conflict):  # the department on the lead unit's behalf neither
        services.claim_create(
            actor=rw.department,
            alliance_id=rw.alliance.pk,
            kind="platform_service",
            data={"platform": "轴承检测平台", "year": "2019", "service_revenue": "50"},
        )
    decide(claim, "30.00")
    with pytest.raises(Conflict, match="不再重复奖补"):  # an item already awarded
        services.claim_create(
            actor=rw.applicant,
            alliance_id=rw.alliance.pk,
            kind="platform_service",
            data={"platform": "轴承检测平台", "year": "2019", "service_revenue": "50"},
        )
    # another year is another item; another alliance may claim the same platform name
    services.claim_create(
        actor=rw.applicant,
        alliance_id=rw.alliance.pk,
        kind="platform_service",
        data={"platform": "轴承检测平台", "year": "2020", "service_revenue": "50"},
    )
    services.claim_create(
        actor=rw.other_applicant,
        alliance_id=rw.other_alliance.pk,
        kind="platform_service",
        data={"platform": "轴承检测平台", "year": "2019", "service_revenue": "50"},
    )
    # a withdrawn claim no longer blocks the item
    twice = make_claim(rw.applicant, rw.alliance, "new_alliance")
    services.claim_withdraw(actor=rw.applicant, claim_id=twice.pk)
    make_claim(rw.applicant, rw.alliance, "new_alliance")


def test_no_commitment_beyond_the_budget(rw, make_claim):
    big = make_claim(
        rw.applicant,
        rw.alliance,
        "platform_construction",
        {"platform": "新材料中试平台", "investment": "6000", "event_date": "2019-06-30"},
    )
    assert big.computed_amount == Decimal("1000.00")
    small = make_claim(rw.applicant, rw.alliance, "platform_service")
    batch = services.batch_create(actor=rw.department, profile_id="luoyang", title="第一批")
    services.award_stage(
        actor=rw.department, claim_id=small.pk, batch_id=batch.pk, amount="30", first_year=2019
    )
    with pytest.raises(ValidationFailed, match="预算不足"):
        services.award_stage(
            actor=rw.department, claim_id=big.pk, batch_id=batch.pk, amount="1000", first_year=2019
        )
    assert not Award.objects.filter(claim=big).exists()
    with pytest.raises(ValidationFailed, match="2021 年度"):  # no budget for 2021 yet
        services.award_stage(
            actor=rw.department,
            claim_id=big.pk,
            batch_id=batch.pk,
            amount="1000",
            first_year=2020,
            years=2,
        )
    assert not Instalment.objects.filter(award__claim=big).exists()
    # in two years it fits: 500 in 2019 (970 left), 500 in 2020
    award = services.award_stage(
        actor=rw.department,
        claim_id=big.pk,
        batch_id=batch.pk,
        amount="1000",
        first_year=2019,
        years=2,
    )
    assert sorted(award.instalments.values_list("amount", flat=True)) == [Decimal("500.00")] * 2
    assert selectors.budget_use(rw.budget2019).available == Decimal("470.00")
    # a budget may not be lowered below what is committed on it
    with pytest.raises(ValidationFailed, match="530.00"):
        services.budget_save(
            actor=rw.department,
            profile_id="luoyang",
            year=2019,
            amount="500",
            budget_id=rw.budget2019.pk,
            revision=rw.budget2019.revision,
        )
    with pytest.raises(Conflict):
        services.budget_save(actor=rw.department, profile_id="luoyang", year=2019, amount="9")


def test_amounts_stay_inside_the_rule(rw, make_claim):
    computed = make_claim(rw.applicant, rw.alliance, "platform_service")  # 30.00
    ranged = make_claim(rw.applicant, rw.alliance, "rd_project")  # 100–300
    batch = services.batch_create(actor=rw.department, profile_id="luoyang", title="第一批")

    def stage(claim, amount, reason=""):
        return services.award_stage(
            actor=rw.department,
            claim_id=claim.pk,
            batch_id=batch.pk,
            amount=amount,
            reason=reason,
            first_year=2019,
        )

    with pytest.raises(ValidationFailed, match="30.00"):
        stage(computed, "30.01")
    with pytest.raises(ValidationFailed, match="理由"):
        stage(computed, "20")  # lower than computed, no reason
    with pytest.raises(ValidationFailed, match="100.00–300.00"):
        stage(ranged, "99.99", "专家评审")
    with pytest.raises(ValidationFailed, match="理由"):
        stage(ranged, "200")
    with pytest.raises(ValidationFailed, match="理由"):
        stage(ranged, "0")
    assert stage(ranged, "300", "专家评审意见").amount == Decimal("300.00")
    assert stage(computed, "20", "服务收入核减").amount == Decimal("20.00")


def test_no_payment_beyond_the_instalment_nor_twice_with_a_voucher(rw, make_claim, decide):
    award = decide(make_claim(rw.applicant, rw.alliance, "platform_service"), "30.00")
    instalment = award.instalments.get()
    with pytest.raises(ValidationFailed, match="30.00"):
        pay(rw, instalment, "30.01", "LY-1")
    pay(rw, instalment, "10.00", "LY-1")
    with pytest.raises(Conflict, match="LY-1"):
        pay(rw, instalment, "10.00", "LY-1")
    with pytest.raises(ValidationFailed, match="20.00"):
        pay(rw, instalment, "25", "LY-2")
    pay(rw, instalment, "20", "LY-2")
    with pytest.raises(ValidationFailed):
        pay(rw, instalment, "0.01", "LY-3")
    instalment.refresh_from_db()
    assert instalment.paid == instalment.amount == Decimal("30.00")
    with pytest.raises(ValidationFailed):
        pay(rw, instalment, "0", "LY-4")
    with pytest.raises(ValidationFailed, match="晚于今天"):
        pay(rw, instalment, "1", "LY-5", day="2019-11-06")
    assert Payment.objects.count() == 2


def test_no_payment_before_publication(rw, make_claim, decide):
    award = decide(make_claim(rw.applicant, rw.alliance, "platform_service"), "30", publish=False)
    with pytest.raises(Conflict, match="尚未公布"):
        pay(rw, award.instalments.get(), "30", "LY-1")


def test_stale_revisions_are_refused(rw, make_claim):
    claim = services.claim_create(
        actor=rw.applicant,
        alliance_id=rw.alliance.pk,
        kind="platform_service",
        data={"platform": "轴承检测平台", "year": "2019", "service_revenue": "100"},
    )
    old = claim.revision
    data = {"platform": "轴承检测平台", "year": "2019", "service_revenue": "200"}
    claim = services.claim_save(actor=rw.applicant, claim_id=claim.pk, data=data, revision=old)
    assert claim.computed_amount == Decimal("30.00")
    with pytest.raises(Conflict):
        services.claim_save(actor=rw.applicant, claim_id=claim.pk, data=data, revision=old)
    services.claim_upload(actor=rw.applicant, claim_id=claim.pk, file=upload())
    with pytest.raises(Conflict):
        services.claim_submit(actor=rw.applicant, claim_id=claim.pk, revision=old)
    claim = services.claim_submit(actor=rw.applicant, claim_id=claim.pk, revision=claim.revision)
    batch = services.batch_create(actor=rw.department, profile_id="luoyang", title="第一批")
    with pytest.raises(Conflict):
        services.award_stage(
            actor=rw.department, claim_id=claim.pk, batch_id=batch.pk, amount="30", revision=old
        )
    services.award_stage(
        actor=rw.department,
        claim_id=claim.pk,
        batch_id=batch.pk,
        amount="30",
        first_year=2019,
        revision=claim.revision,
    )
    batch.refresh_from_db()
    with pytest.raises(Conflict):
        services.batch_publish(actor=rw.department, batch_id=batch.pk, revision=batch.revision + 1)
    with pytest.raises(Conflict):
        services.budget_save(
            actor=rw.department,
            profile_id="luoyang",
            year=2019,
            amount="2000",
            budget_id=rw.budget2019.pk,
            revision=rw.budget2019.revision + 1,
        )
    services.batch_publish(actor=rw.department, batch_id=batch.pk, revision=batch.revision)


# -- who may act ------------------------------------------------------------------------------------


def test_another_lead_unit_sees_and_touches_nothing(rw, make_claim, decide):
    draft = make_claim(rw.applicant, rw.alliance, "platform_service", submit=False)
    with pytest.raises(PermissionDenied):
        services.claim_create(
            actor=rw.other_applicant, alliance_id=rw.alliance.pk, kind="new_alliance"
        )
    with pytest.raises(NotFound):
        selectors.claim_for(rw.other_applicant, draft.pk)
    with pytest.raises(NotFound):
        services.claim_save(actor=rw.other_applicant, claim_id=draft.pk, data={})
    with pytest.raises(NotFound):
        services.claim_upload(actor=rw.other_applicant, claim_id=draft.pk, file=upload())
    with pytest.raises(NotFound):
        services.claim_submit(actor=rw.other_applicant, claim_id=draft.pk)
    with pytest.raises(NotFound):
        services.claim_withdraw(actor=rw.other_applicant, claim_id=draft.pk)
    assert not selectors.claims(rw.other_applicant).exists()
    # the department does not see a lead unit's draft either
    with pytest.raises(NotFound):
        selectors.claim_for(rw.department, draft.pk)
    award = decide(make_claim(rw.applicant, rw.alliance, "new_alliance"), "10")
    pay(rw, award.instalments.get(), "10", "LY-1")
    assert not selectors.ledger(rw.other_applicant).exists()
    assert selectors.ledger(rw.applicant).count() == 1


def test_a_department_below_reads_only(rw, make_claim, decide):
    claim = make_claim(rw.district_applicant, rw.district_alliance, "platform_service")
    elsewhere = make_claim(rw.applicant, rw.alliance, "new_alliance")
    seen, relation = selectors.claim_for(rw.county, claim.pk)
    assert seen == claim and relation == selectors.AREA
    assert set(selectors.claims(rw.county)) == {claim}
    with pytest.raises(NotFound):
        selectors.claim_for(rw.county, elsewhere.pk)
    with pytest.raises(PermissionDenied):
        services.claim_save(actor=rw.county, claim_id=claim.pk, data={})
    with pytest.raises(PermissionDenied):
        services.claim_return(actor=rw.county, claim_id=claim.pk, reason="补正")
    with pytest.raises(PermissionDenied):
        services.claim_withdraw(actor=rw.county, claim_id=claim.pk)
    with pytest.raises(PermissionDenied):
        services.reviewers_assign(
            actor=rw.county, claim_id=claim.pk, expert_ids=[rw.expert.user_id]
        )
    with pytest.raises(PermissionDenied):
        services.batch_create(actor=rw.county, profile_id="luoyang", title="越权")
    with pytest.raises(PermissionDenied):
        services.budget_save(actor=rw.county, profile_id="luoyang", year=2022, amount="1")
    with pytest.raises(PermissionDenied):
        services.facts_save(actor=rw.county, alliance_id=rw.district_alliance.pk, data={})
    batch = services.batch_create(actor=rw.department, profile_id="luoyang", title="第一批")
    with pytest.raises(PermissionDenied):
        services.award_stage(
            actor=rw.county, claim_id=claim.pk, batch_id=batch.pk, amount="30", first_year=2019
        )
    award = decide(claim, "30")
    with pytest.raises(PermissionDenied):
        pay_as = services.payment_record
        pay_as(
            actor=rw.county,
            instalment_id=award.instalments.get().pk,
            paid_on="2019-11-05",
            voucher="X",
            amount="1",
        )
    assert not selectors.budgets(rw.county).exists()
    # another profile's department neither decides nor sees Luoyang's claims
    assert not selectors.claims(rw.baoding).exists()
    with pytest.raises(PermissionDenied):
        services.batch_create(actor=rw.baoding, profile_id="luoyang", title="越权")


def test_experts_see_only_their_assignments(rw, make_claim):
    claim = make_claim(rw.applicant, rw.alliance, "rd_project")
    other = make_claim(rw.applicant, rw.alliance, "rd_project", {"project": "风电主轴轴承"})
    with pytest.raises(NotFound):
        selectors.claim_for(rw.expert.user, claim.pk)
    skipped = services.reviewers_assign(
        actor=rw.department,
        claim_id=claim.pk,
        expert_ids=[rw.expert.user_id, rw.member_expert.user_id],
    )
    assert len(skipped) == 1 and "成员单位" in skipped[0]  # the member unit's expert steps aside
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REVIEWING
    assert selectors.claim_for(rw.expert.user, claim.pk)[1] == selectors.EXPERT
    assert set(selectors.claims(rw.expert.user)) == {claim}
    for outsider in (rw.expert2.user, rw.member_expert.user):
        with pytest.raises(NotFound):
            selectors.claim_for(outsider, claim.pk)
    with pytest.raises(NotFound):
        selectors.claim_for(rw.expert.user, other.pk)
    review = claim.reviews.get()
    with pytest.raises(NotFound):
        services.review_save(
            actor=rw.expert2.user, review_id=review.pk, score="80", suggested="200", comment="越权"
        )
    with pytest.raises(ValidationFailed, match="100.00–300.00"):
        services.review_save(
            actor=rw.expert.user, review_id=review.pk, score="80", suggested="400", comment="好"
        )
    review = services.review_save(
        actor=rw.expert.user,
        review_id=review.pk,
        score="85",
        suggested="250",
        comment="技术路线可行",
        submit=True,
        revision=review.revision,
    )
    assert review.submitted_at is not None
    with pytest.raises(Conflict):
        services.review_save(
            actor=rw.expert.user, review_id=review.pk, score="90", suggested="260", comment="改"
        )
    with pytest.raises(PermissionDenied):  # an expert does not decide
        services.claim_return(actor=rw.expert.user, claim_id=claim.pk, reason="越权")
    with pytest.raises(ValidationFailed, match="无需专家评审"):
        services.reviewers_assign(
            actor=rw.department,
            claim_id=make_claim(rw.applicant, rw.alliance, "platform_service").pk,
            expert_ids=[rw.expert.user_id],
        )


def test_conditions_recorded_by_the_department(rw, make_claim, key_support):
    data = {"year": "2019", "sales_revenue": "600", "event_date": "2019-12-31"}
    claim = services.claim_create(
        actor=rw.applicant, alliance_id=rw.alliance.pk, kind="operating_subsidy", data=data
    )
    assert claim.computed_amount == 0 and claim.calculation["code"] == "condition"
    with pytest.raises(PermissionDenied):
        services.facts_save(actor=rw.applicant, alliance_id=rw.alliance.pk, data={})
    with pytest.raises(ValidationFailed, match="依据"):
        services.facts_save(
            actor=rw.department, alliance_id=rw.alliance.pk, data={"key_support": True}
        )
    facts = key_support(rw.alliance)
    assert "lianmeng.reward.facts_saved" in actions(rw.alliance)
    claim = services.claim_save(actor=rw.applicant, claim_id=claim.pk, data=data)
    assert claim.computed_amount == Decimal("60.00") and claim.calculation["code"] == "computed"
    with pytest.raises(Conflict):
        services.facts_save(
            actor=rw.department,
            alliance_id=rw.alliance.pk,
            data={"key_support": False},
            revision=facts.revision + 1,
        )


# -- the ledger reconciles --------------------------------------------------------------------------

#: one decision: which claim, the share of its computed amount (quarters), over how many years
#: (a third year has no budget: refused), or a refusal (amount 0)
DECISION = st.tuples(st.integers(0, 3), st.integers(0, 4), st.integers(1, 3), st.booleans())
#: one payment: which published instalment, the share of what is due (fifths; 5 = 0.01 more than
#: due, refused), and whether to repeat an earlier voucher instead (refused)
PAYMENT = st.tuples(st.integers(0, 20), st.integers(1, 5), st.booleans())
PLAN = st.fixed_dictionaries(
    {
        "first": st.lists(DECISION, min_size=1, max_size=5),
        "unstage": st.lists(st.integers(0, 3), max_size=2),
        "payments": st.lists(PAYMENT, min_size=1, max_size=8),
        "second": st.lists(DECISION, max_size=4),
        "more_payments": st.lists(PAYMENT, max_size=6),
    }
)


def check_ledger(budgets: list[Budget]) -> None:
    """Per budget and per fund source: paid = Σ payments, committed = Σ instalments,
    paid ≤ committed ≤ budget; each instalment's paid = Σ its payments ≤ its amount."""
    uses = {use.budget.pk: use for use in selectors.budget_uses(Budget.objects.all())}
    by_fund: dict[str, Decimal] = {}
    used: dict[str, Decimal] = {}
    for budget in budgets:
        use = selectors.budget_use(budget)
        payments = sum(
            Payment.objects.filter(budget=budget).values_list("amount", flat=True), Decimal(0)
        )
        instalments = sum(
            Instalment.objects.filter(budget=budget).values_list("amount", flat=True), Decimal(0)
        )
        assert use.paid == payments == uses[budget.pk].paid
        assert use.committed == instalments == uses[budget.pk].committed
        assert Decimal(0) <= use.paid <= use.committed <= budget.amount
        assert use.paid.as_tuple().exponent == use.committed.as_tuple().exponent == -2
        by_fund[budget.fund] = by_fund.get(budget.fund, Decimal(0)) + use.paid
    for payment in Payment.objects.select_related("budget"):
        used[payment.budget.fund] = used.get(payment.budget.fund, Decimal(0)) + payment.amount
    assert {k: v for k, v in by_fund.items() if v} == used
    for instalment in Instalment.objects.all():
        total = sum(instalment.payments.values_list("amount", flat=True), Decimal(0))
        assert instalment.paid == total <= instalment.amount
    for award in Award.objects.all():
        parts = sum(award.instalments.values_list("amount", flat=True), Decimal(0))
        assert parts == (award.amount if award.amount > 0 else 0)
        assert Payment.objects.filter(instalment__award=award).count() == 0 or award.published


def test_the_ledger_reconciles_over_random_decisions_and_payments(rw, make_claim):
    claims = [
        make_claim(
            rw.applicant,
            rw.alliance,
            "platform_construction",
            {"platform": "轴承检测平台", "investment": "4000", "event_date": "2019-06-30"},
        ),  # 800.00
        make_claim(
            rw.applicant,
            rw.alliance,
            "platform_construction",
            {"platform": "新材料中试平台", "investment": "2500", "event_date": "2019-06-30"},
        ),  # 500.00
        make_claim(
            rw.applicant,
            rw.alliance,
            "platform_service",
            {"platform": "轴承检测平台", "year": "2019", "service_revenue": "600.10"},
        ),  # 90.02 (90.015 half up)
        make_claim(rw.other_applicant, rw.other_alliance, "new_alliance"),  # 10.00
    ]
    assert [c.computed_amount for c in claims] == [
        Decimal("800.00"),
        Decimal("500.00"),
        Decimal("90.02"),
        Decimal("10.00"),
    ]
    budgets = [rw.budget2019, rw.budget2020]
    seen = {"payments": 0, "staged": 0}

    @settings(
        max_examples=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(PLAN)
    def run(plan):
        vouchers: list[tuple[int, str]] = []

        def stage_all(decisions):
            batch = services.batch_create(
                actor=rw.department, profile_id="luoyang", title="随机批次"
            )
            for index, quarters, years, refuse in decisions:
                claim = Claim.objects.get(pk=claims[index].pk)
                amount = Decimal(0) if refuse else money(claim.computed_amount * quarters / 4)
                try:
                    services.award_stage(
                        actor=rw.department,
                        claim_id=claim.pk,
                        batch_id=batch.pk,
                        amount=amount,
                        reason="随机测试",
                        first_year=2019,
                        years=years,
                    )
                    seen["staged"] += 1
                except (ValidationFailed, Conflict):
                    pass  # decided already, over the budget, or no budget for the year
                check_ledger(budgets)
            return batch

        def publish(batch):
            if batch.awards.exists():
                services.batch_publish(actor=rw.department, batch_id=batch.pk)
            else:
                with pytest.raises(ValidationFailed):
                    services.batch_publish(actor=rw.department, batch_id=batch.pk)
            check_ledger(budgets)

        def payments(steps):
            for choice, fifths, again in steps:
                due = list(Instalment.objects.filter(award__published=True).order_by("id"))
                if again and vouchers:
                    instalment_id, voucher = vouchers[choice % len(vouchers)]
                    instalment = Instalment.objects.get(pk=instalment_id)
                    refusal = Conflict if instalment.paid < instalment.amount else ValidationFailed
                    with pytest.raises(refusal):
                        pay(rw, instalment, "0.01", voucher)
                elif due:
                    instalment = due[choice % len(due)]
                    remaining = instalment.amount - instalment.paid
                    voucher = f"V{len(vouchers) + 1}"
                    amount = money(remaining * fifths / 4) if fifths < 5 else remaining + 1
                    amount = max(amount, Decimal("0.01"))
                    if amount > remaining:
                        with pytest.raises(ValidationFailed):
                            pay(rw, instalment, amount, voucher)
                    else:
                        pay(rw, instalment, amount, voucher)
                        vouchers.append((instalment.pk, voucher))
                        seen["payments"] += 1
                check_ledger(budgets)

        with transaction.atomic():
            batch = stage_all(plan["first"])
            for index in plan["unstage"]:
                award = Award.objects.filter(claim_id=claims[index].pk, batch=batch).first()
                if award is not None:
                    services.award_unstage(actor=rw.department, award_id=award.pk)
                    check_ledger(budgets)
            publish(batch)
            payments(plan["payments"])
            if plan["second"]:
                publish(stage_all(plan["second"]))
            payments(plan["more_payments"])
            transaction.set_rollback(True)

    run()
    assert seen["payments"] > 0 and seen["staged"] > 0  # the plans did reach payments
    assert not Payment.objects.exists() and not Award.objects.exists()
