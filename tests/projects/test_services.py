"""Services of the key-project solicitations: the whole flow, each refusal a user can meet
(closed or not yet open solicitation, wrong field, another unit's alliance, a budget whose
parts do not add up, the per-alliance limit, a double submit, a stale revision), returns and
scores (one per scorer, the mean)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.projects import selectors, services
from lianmeng.projects.models import ProjectProposal, ProjectScore, Solicitation

from .conftest import DATA

pytestmark = pytest.mark.django_db


def test_whole_flow(pj, open_solicitation, make_proposal):
    s = open_solicitation()
    assert s.status == Solicitation.Status.OPEN
    p = make_proposal(s, pj.applicant, pj.alliance)
    assert p.status == "draft" and p.domain == "industry"
    assert [m.name for m in p.members.all()] == ["河南科技大学", "洛阳轴承检测中心有限公司"]
    # a draft is the lead unit's only
    assert selectors.relation(pj.department, p) is None
    p = services.proposal_submit(actor=pj.applicant, proposal_id=p.pk, revision=p.revision)
    assert p.status == "submitted" and p.submitted_at is not None and p.verification_code
    assert selectors.relation(pj.department, p) == selectors.DEPARTMENT
    services.proposal_return(actor=pj.department, proposal_id=p.pk, reason="预算明细不清")
    p.refresh_from_db()
    assert p.status == "returned" and p.return_reason == "预算明细不清"
    p = services.proposal_update(
        actor=pj.applicant, proposal_id=p.pk, data={**DATA, "title": "修改后的项目"}
    )
    p = services.proposal_submit(actor=pj.applicant, proposal_id=p.pk)
    assert p.status == "submitted" and p.title == "修改后的项目" and p.return_reason == ""
    services.proposal_score(actor=pj.department, proposal_id=p.pk, score="80", comment="好")
    services.proposal_score(actor=pj.department2, proposal_id=p.pk, score="91.5")
    # a scorer changes his score: still one row each
    services.proposal_score(actor=pj.department, proposal_id=p.pk, score="85")
    summary = selectors.score_summary(p, pj.department)
    assert summary.count == 2 and summary.mean == Decimal("88.25")
    assert summary.mine.score == Decimal("85.00")
    services.solicitation_close(actor=pj.department, solicitation_id=s.pk)
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "projects.solicitation.create",
        "projects.solicitation.open",
        "projects.solicitation.close",
        "projects.proposal.create",
        "projects.proposal.submit",
        "projects.proposal.return",
        "projects.proposal.update",
        "projects.proposal.score",
    } <= actions


def test_only_competent_staff_issue(pj, open_solicitation):
    with pytest.raises(PermissionDenied):
        open_solicitation(actor=pj.applicant)
    s = open_solicitation(open_it=False)
    # another department does not see it at all
    for other in (pj.county, pj.henan, pj.baoding):
        with pytest.raises(NotFound):
            services.solicitation_open(actor=other, solicitation_id=s.pk)


def test_solicitation_validation(pj, open_solicitation):
    from lianmeng.core import clock

    now = clock.beijing_now()
    with pytest.raises(ValidationFailed, match="截止时间应晚于开始时间"):
        open_solicitation(opens_at=now, closes_at=now - timedelta(hours=1))
    with pytest.raises(ValidationFailed, match="未知的领域"):
        open_solicitation(domains=["space"])
    with pytest.raises(ValidationFailed, match="1–20"):
        open_solicitation(max_per_alliance="0")
    past = open_solicitation(
        open_it=False, opens_at=now - timedelta(days=9), closes_at=now - timedelta(days=1)
    )
    with pytest.raises(ValidationFailed, match="截止时间已过"):
        services.solicitation_open(actor=pj.department, solicitation_id=past.pk)


def test_open_twice_is_refused(pj, open_solicitation):
    s = open_solicitation()
    with pytest.raises(Conflict, match="已经发布"):
        services.solicitation_open(actor=pj.department, solicitation_id=s.pk)


def test_refused_when_closed_or_not_open(pj, open_solicitation, make_proposal):
    from lianmeng.core import clock

    draft = open_solicitation(open_it=False)
    with pytest.raises(ValidationFailed, match="尚未发布"):
        make_proposal(draft, pj.applicant, pj.alliance)
    later = open_solicitation(opens_at=clock.beijing_now() + timedelta(days=2))
    with pytest.raises(ValidationFailed, match="开始接受填报"):
        make_proposal(later, pj.applicant, pj.alliance)
    s = open_solicitation()
    p = make_proposal(s, pj.applicant, pj.alliance)
    services.solicitation_close(actor=pj.department, solicitation_id=s.pk)
    with pytest.raises(ValidationFailed, match="已截止"):
        services.proposal_submit(actor=pj.applicant, proposal_id=p.pk)
    with pytest.raises(ValidationFailed, match="已截止"):
        make_proposal(s, pj.other_applicant, pj.other_alliance)


def test_refused_after_the_closing_time(pj, open_solicitation, make_proposal, monkeypatch):
    from lianmeng.core import clock

    s = open_solicitation()
    p = make_proposal(s, pj.applicant, pj.alliance)
    moment = s.closes_at + timedelta(seconds=1)
    monkeypatch.setattr(clock, "now", lambda: moment)
    with pytest.raises(ValidationFailed, match="截止，不再接受填报"):
        services.proposal_submit(actor=pj.applicant, proposal_id=p.pk)


def test_wrong_field_is_refused_with_why(pj, open_solicitation, make_proposal):
    s = open_solicitation(domains=["industry"])
    with pytest.raises(ValidationFailed, match="只面向工业领域的联盟，该联盟所属领域为农业"):
        make_proposal(s, pj.farm_applicant, pj.farm, members=[])


def test_alliance_outside_the_area_or_state(pj, open_solicitation, make_proposal):
    s = open_solicitation(domains=[])
    # the Henan alliance is decided by the province and led from Zhengzhou: not Luoyang's
    with pytest.raises(ValidationFailed, match="不在本次征集的范围"):
        make_proposal(s, pj.zz_applicant, pj.henan_alliance, members=[])
    only_filed = open_solicitation(statuses=["filed"], title="只面向备案联盟")
    with pytest.raises(ValidationFailed, match="已认定"):
        make_proposal(only_filed, pj.applicant, pj.alliance)


def test_other_units_alliance_is_refused(pj, open_solicitation, make_proposal):
    s = open_solicitation()
    with pytest.raises(PermissionDenied, match="牵头单位"):
        make_proposal(s, pj.other_applicant, pj.alliance)
    with pytest.raises(PermissionDenied):
        make_proposal(s, pj.department, pj.alliance)
    p = make_proposal(s, pj.applicant, pj.alliance)
    for other in (pj.other_applicant, pj.department):
        with pytest.raises(NotFound):
            services.proposal_submit(actor=other, proposal_id=p.pk)


def test_members_must_be_current_members_of_the_alliance(pj, open_solicitation, make_proposal):
    s = open_solicitation()
    foreign = pj.other_alliance.workspace
    from lianmeng.running.models import Member

    stranger = Member.objects.create(workspace=foreign, name="外盟单位", uscc="")
    with pytest.raises(ValidationFailed, match="不是本联盟的现有成员"):
        make_proposal(s, pj.applicant, pj.alliance, members=[{"member": stranger.pk}])
    left = pj.members[0]
    left.left_on = left.joined_on or s.created_at.date()
    left.save()
    with pytest.raises(ValidationFailed, match="不是本联盟的现有成员"):
        make_proposal(s, pj.applicant, pj.alliance, members=[{"member": left.pk}])


def test_budget_parts_must_sum(pj, open_solicitation, make_proposal):
    s = open_solicitation()
    bad = {**DATA, "budget_total": "1500", "funds_requested": "600", "self_raised": "1000"}
    with pytest.raises(ValidationFailed, match="预算不平衡"):
        make_proposal(s, pj.applicant, pj.alliance, data=bad)
    with pytest.raises(ValidationFailed, match="最多两位小数"):
        make_proposal(s, pj.applicant, pj.alliance, data={**DATA, "budget_total": "1.001"})
    with pytest.raises(ValidationFailed, match="不能为负数"):
        make_proposal(s, pj.applicant, pj.alliance, data={**DATA, "self_raised": "-1"})
    assert not ProjectProposal.objects.exists()


@given(
    st.decimals(min_value=0, max_value=100000, places=2),
    st.decimals(min_value=0, max_value=100000, places=2),
    st.decimals(min_value=0, max_value=200000, places=2),
)
def test_check_budget_accepts_exactly_the_sums(requested, raised, total):
    if requested + raised == total:
        services.check_budget(total, requested, raised)
    else:
        with pytest.raises(ValidationFailed):
            services.check_budget(total, requested, raised)


@given(st.text(max_size=12))
def test_parse_money_never_crashes(text):
    try:
        value = services.parse_money(text, "金额")
    except ValidationFailed:
        return
    assert value >= 0 and value == value.quantize(Decimal("0.01"))


@given(st.one_of(st.text(max_size=8), st.decimals(allow_nan=True, allow_infinity=True)))
def test_parse_score_only_0_to_100(value):
    try:
        score = services.parse_score(value)
    except ValidationFailed:
        return
    assert Decimal(0) <= score <= Decimal(100)


def test_per_alliance_limit_and_withdraw_frees_a_place(pj, open_solicitation, make_proposal):
    s = open_solicitation(max_per_alliance=1)
    p = make_proposal(s, pj.applicant, pj.alliance)
    with pytest.raises(Conflict, match="限报 1 项"):
        make_proposal(s, pj.applicant, pj.alliance)
    services.proposal_withdraw(actor=pj.applicant, proposal_id=p.pk)
    assert make_proposal(s, pj.applicant, pj.alliance).status == "draft"


def test_double_submit_and_stale_revision(pj, open_solicitation, make_proposal):
    s = open_solicitation()
    p = make_proposal(s, pj.applicant, pj.alliance)
    revision = p.revision
    services.proposal_submit(actor=pj.applicant, proposal_id=p.pk, revision=revision)
    with pytest.raises(Conflict):
        services.proposal_submit(actor=pj.applicant, proposal_id=p.pk, revision=revision)
    with pytest.raises(Conflict, match="无需重复提交"):
        services.proposal_submit(actor=pj.applicant, proposal_id=p.pk)
    assert AuditEntry.objects.filter(action="projects.proposal.submit").count() == 1


def test_submit_needs_content_and_members(pj, open_solicitation, make_proposal):
    s = open_solicitation()
    p = make_proposal(s, pj.applicant, pj.alliance, data={"title": "只有名称"}, members=[])
    with pytest.raises(ValidationFailed, match="项目目标、主要研究内容.*总预算、参与成员单位"):
        services.proposal_submit(actor=pj.applicant, proposal_id=p.pk)


def test_scoring_rules(pj, open_solicitation, make_proposal):
    s = open_solicitation()
    p = make_proposal(s, pj.applicant, pj.alliance)
    with pytest.raises(NotFound):  # a draft is not the department's to see
        services.proposal_score(actor=pj.department, proposal_id=p.pk, score="80")
    services.proposal_submit(actor=pj.applicant, proposal_id=p.pk)
    for bad in ("101", "-1", "abc", "80.001", ""):
        with pytest.raises(ValidationFailed):
            services.proposal_score(actor=pj.department, proposal_id=p.pk, score=bad)
    with pytest.raises(NotFound):
        services.proposal_score(actor=pj.henan, proposal_id=p.pk, score="80")
    with pytest.raises(NotFound):
        services.proposal_score(actor=pj.county, proposal_id=p.pk, score="80")
    services.proposal_score(actor=pj.department, proposal_id=p.pk, score="70")
    assert ProjectScore.objects.count() == 1


def test_return_needs_a_reason(pj, open_solicitation, make_proposal):
    s = open_solicitation()
    p = make_proposal(s, pj.applicant, pj.alliance, submit=True)
    with pytest.raises(ValidationFailed, match="退回意见"):
        services.proposal_return(actor=pj.department, proposal_id=p.pk, reason=" ")


def test_scope_cannot_change_once_proposals_exist(pj, open_solicitation, make_proposal):
    s = open_solicitation()
    make_proposal(s, pj.applicant, pj.alliance)
    data = {
        "title": s.title,
        "year": s.year,
        "domains": [],
        "opens_at": s.opens_at,
        "closes_at": s.closes_at,
        "max_per_alliance": 1,
    }
    with pytest.raises(Conflict, match="不能再改变"):
        services.solicitation_update(actor=pj.department, solicitation_id=s.pk, data=data)
    later = {**data, "domains": ["industry"], "closes_at": s.closes_at + timedelta(days=3)}
    row = services.solicitation_update(
        actor=pj.department, solicitation_id=s.pk, data=later, revision=s.revision
    )
    assert row.closes_at == s.closes_at + timedelta(days=3)
    with pytest.raises(Conflict):
        services.solicitation_update(
            actor=pj.department, solicitation_id=s.pk, data=later, revision=s.revision
        )


def test_open_for_lead_lists_only_addressed(pj, open_solicitation):
    s = open_solicitation(domains=["industry"])
    offers = selectors.open_for_lead(pj.applicant)
    assert [(o.solicitation.pk, [a.pk for a in o.alliances]) for o in offers] == [
        (s.pk, [pj.alliance.pk])
    ]
    assert selectors.open_for_lead(pj.farm_applicant) == []
    assert selectors.open_for_lead(pj.zz_applicant) == []
    assert selectors.open_for_lead(pj.department) == []
