"""The lead unit is not asked to upload what the system makes: the 建议书 is the online form
(printed as PDF on submission), the 推荐表 comes from the recommending department."""

from __future__ import annotations

from lianmeng.core.roles import Role
from lianmeng.proposals.checks import proposal_eligibility
from lianmeng.proposals.materials import material_slots
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.services import proposal_create

from .conftest import example


def _materials_finding(proposal: Proposal) -> dict:
    result = proposal_eligibility(Proposal.objects.get(pk=proposal.pk))
    return next(f for f in result["findings"] if f["rule"] == "materials.complete")


def test_a_new_draft_needs_uploads_only_for_what_the_unit_writes(
    henan_call, make_user, make_unit, signed_in
):
    unit = make_unit("410100", name="河南示范新材料股份有限公司")
    user = make_user([Role.APPLICANT], unit=unit, jurisdiction=None)
    proposal = proposal_create(actor=user, call=henan_call)

    slots = {slot.kind: slot for slot in material_slots(proposal)}
    assert slots["proposal_form"].provided and slots["recommendation_form"].provided
    assert not slots["feasibility_report"].provided and not slots["agreement"].provided
    # the unit fills every section (the example's facts), attaching nothing
    filled = example()
    filled.pop("submitted_at", None)
    filled.pop("materials")
    proposal.document = {**filled, "materials": proposal.document["materials"]}
    proposal.save(update_fields=["document"])
    finding = _materials_finding(proposal)
    assert finding["status"] == "fail"
    # what is still missing is what the unit itself has to provide, nothing the system makes
    assert "可行性研究报告" in finding["message"] and "协议书" in finding["message"]
    assert "建议书" not in finding["message"] and "推荐表" not in finding["message"]

    page = signed_in(user).get(f"/proposals/{proposal.pk}/edit/materials/").content.decode()
    assert "提交时由系统生成 PDF，无需上传" in page
    assert "由推荐部门推荐时在系统中生成，申报单位无需上传" in page
