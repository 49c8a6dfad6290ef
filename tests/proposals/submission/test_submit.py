"""proposal_submit: the window to the second, the checks, one version per submission."""

from __future__ import annotations

import hashlib

import pytest
from django.test import override_settings

from lianmeng.core.errors import NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import AuditEntry
from lianmeng.policy.catalogue import RULE_TITLES
from lianmeng.proposals.models import Proposal, ProposalVersion
from lianmeng.proposals.submission import (
    AlreadySubmitted,
    canonical_sha256,
    proposal_return,
    proposal_submit,
    proposal_withdraw,
)
from tests.conftest import make_uscc

from .conftest import beijing

pytestmark = pytest.mark.django_db

ON_TIME = beijing(2020, 9, 1, 10, 0, 0)


def _actions(proposal: Proposal) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(proposal.pk), object_type="proposals.proposal")
        .order_by("id")
        .values_list("action", flat=True)
    )


@override_settings(TIME_ZONE="UTC")
def test_last_second_of_the_last_day_is_on_time_even_on_a_utc_server(filed, pin_clock):
    proposal, user = filed()
    pin_clock(beijing(2020, 9, 20, 23, 59, 59))  # = 15:59:59 UTC
    version = proposal_submit(actor=user, pk=proposal.pk, revision=proposal.revision)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert version.number == 1
    assert proposal.document["submitted_at"] == "2020-09-20T23:59:59+08:00"


@override_settings(TIME_ZONE="UTC")
def test_midnight_after_the_last_day_is_refused_with_the_deadline(filed, pin_clock):
    proposal, user = filed()
    pin_clock(beijing(2020, 9, 21, 0, 0, 0))
    with pytest.raises(ValidationFailed) as refused:
        proposal_submit(actor=user, pk=proposal.pk)
    assert refused.value.message == "网上填报已于 2020年9月20日 23:59:59 截止，逾期不予受理。"
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    assert not ProposalVersion.objects.exists()


def test_before_the_window_opens_is_refused(filed, pin_clock):
    proposal, user = filed()
    pin_clock(beijing(2020, 8, 9, 23, 59, 59))
    with pytest.raises(ValidationFailed, match="2020年8月10日 00:00:00 开始"):
        proposal_submit(actor=user, pk=proposal.pk)


def test_a_failed_required_rule_refuses_and_names_it(filed, pin_clock):
    proposal, user = filed("henan-fail-members.composition")
    pin_clock(ON_TIME)
    with pytest.raises(ValidationFailed) as refused:
        proposal_submit(actor=user, pk=proposal.pk)
    # by its title for people, by its id for programs
    assert "members.composition" not in refused.value.message
    assert RULE_TITLES["members.composition"] in refused.value.message
    assert refused.value.details == {"reason": "required", "rules": ["members.composition"]}
    assert not ProposalVersion.objects.exists()


def test_an_incomplete_document_is_refused_naming_the_field(filed, pin_clock):
    proposal, user = filed()
    proposal.document.pop("domain")
    proposal.save(update_fields=["document"])
    pin_clock(ON_TIME)
    with pytest.raises(ValidationFailed) as refused:
        proposal_submit(actor=user, pk=proposal.pk)
    # the message names the field as the form does; the JSON path is in details for programs
    assert "$.domain" not in refused.value.message and "领域" in refused.value.message
    assert refused.value.details == {"reason": "incomplete", "path": "$.domain"}


def test_a_failed_principle_rule_needs_a_written_explanation(filed, pin_clock):
    proposal, user = filed("henan-fail-members.min_count")
    pin_clock(ON_TIME)
    with pytest.raises(ValidationFailed) as refused:
        proposal_submit(actor=user, pk=proposal.pk, explanations={"members.min_count": "少"})
    assert RULE_TITLES["members.min_count"] in refused.value.message
    assert "members.min_count" not in refused.value.message
    assert refused.value.details == {"reason": "explanation", "rules": ["members.min_count"]}

    text = "本领域省内骨干企业仅 8 家，均已加入联盟，另有两家正在办理入盟手续。"
    version = proposal_submit(
        actor=user, pk=proposal.pk, explanations={"members.min_count": text, "other": "ignored"}
    )
    proposal.refresh_from_db()
    assert proposal.explanations == {"members.min_count": text}
    assert version.explanations == {"members.min_count": text}


def test_submission_locks_stores_an_immutable_version_with_hashes_and_audits(
    filed, pin_clock, real_pdf
):
    proposal, user = filed()
    pin_clock(ON_TIME)
    version = proposal_submit(actor=user, pk=proposal.pk, revision=proposal.revision)
    proposal.refresh_from_db()
    assert proposal.submitted_at == ON_TIME
    assert version.document == proposal.document
    assert version.sha256 == canonical_sha256(proposal.document, proposal.writeups, {})
    assert len(version.verification_code) == 12
    assert not set(version.verification_code) & set("01OIL")
    pdf = version.pdf.read()
    assert pdf.startswith(b"%PDF")
    assert version.pdf_sha256 == hashlib.sha256(pdf).hexdigest()
    assert "lianmeng.proposal.submitted" in _actions(proposal)


def test_a_submitted_proposal_refuses_edits(filed, pin_clock):
    from django.db import transaction

    from lianmeng.proposals.editing import lock_for_edit

    proposal, user = filed()
    pin_clock(ON_TIME)
    proposal_submit(actor=user, pk=proposal.pk)
    with pytest.raises(PermissionDenied, match="已锁定"), transaction.atomic():
        lock_for_edit(actor=user, pk=proposal.pk)


def test_submitting_twice_stores_one_version(filed, pin_clock):
    proposal, user = filed()
    pin_clock(ON_TIME)
    revision = proposal.revision
    first = proposal_submit(actor=user, pk=proposal.pk, revision=revision)
    with pytest.raises(AlreadySubmitted) as again:
        proposal_submit(actor=user, pk=proposal.pk, revision=revision)
    assert again.value.message == "已提交，无需重复提交。"
    assert again.value.version == first
    assert ProposalVersion.objects.filter(proposal=proposal).count() == 1


def test_another_units_applicant_cannot_submit(filed, pin_clock, make_unit, make_user):
    from lianmeng.core.roles import Role

    proposal, _ = filed()
    stranger = make_user([Role.APPLICANT], unit=make_unit("410182"))
    pin_clock(ON_TIME)
    with pytest.raises(NotFound):
        proposal_submit(actor=stranger, pk=proposal.pk)


def test_returned_proposal_is_revised_and_resubmitted_as_version_2(filed, pin_clock, make_user):
    from django.db import transaction

    from lianmeng.core.roles import Role
    from lianmeng.proposals.editing import document_saved, lock_for_edit
    from lianmeng.proposals.versions import compare_versions

    proposal, user = filed()
    pin_clock(ON_TIME)
    v1 = proposal_submit(actor=user, pk=proposal.pk)

    recommender = make_user([Role.RECOMMENDER], jurisdiction="410182")
    proposal_return(actor=recommender, pk=proposal.pk, reason="请补充牵头单位近三年研发投入情况。")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RETURNED

    with transaction.atomic():
        editable = lock_for_edit(actor=user, pk=proposal.pk)
        editable.document["texts"]["foundation"] = "成员单位已合作承担国家和省级项目 12 项。"
        editable.document["members"].append(
            {
                "name": "河南新增铝业有限公司",
                "kind": "enterprise",
                "uscc": make_uscc("410102"),
                "signed_agreement": True,
            }
        )
        document_saved(actor=user, proposal=editable, action="lianmeng.proposal.section.saved")

    pin_clock(beijing(2020, 9, 10, 9, 30, 0))
    v2 = proposal_submit(actor=user, pk=proposal.pk)
    assert v2.number == 2
    assert v1.verification_code != v2.verification_code
    v1.refresh_from_db()
    assert v1.document["texts"]["foundation"].startswith("成员单位已合作承担国家和省级项目 9 项")

    diff = compare_versions(v1, v2)
    assert "$.texts.foundation" in [c["path"] for c in diff["fields"]]
    assert diff["added"] == ["河南新增铝业有限公司"]
    assert diff["removed"] == []


def test_return_is_refused_to_staff_of_another_area(filed, pin_clock, make_user):
    from lianmeng.core.roles import Role

    proposal, user = filed()
    pin_clock(ON_TIME)
    proposal_submit(actor=user, pk=proposal.pk)
    elsewhere = make_user([Role.RECOMMENDER], jurisdiction="410300")
    with pytest.raises(NotFound):
        proposal_return(actor=elsewhere, pk=proposal.pk, reason="不应能退回")


def test_withdraw_before_acceptance(filed, pin_clock):
    proposal, user = filed()
    with pytest.raises(PermissionDenied):
        proposal_withdraw(actor=user, pk=proposal.pk, reason="草稿不能撤回")
    pin_clock(ON_TIME)
    proposal_submit(actor=user, pk=proposal.pk)
    with pytest.raises(ValidationFailed):
        proposal_withdraw(actor=user, pk=proposal.pk, reason=" ")
    proposal_withdraw(actor=user, pk=proposal.pk, reason="联盟成员调整，暂不申报。")
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    assert "lianmeng.proposal.withdrawn" in _actions(proposal)
