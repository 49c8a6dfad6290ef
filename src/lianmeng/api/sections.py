"""建议书分部分填报、资格预审与查重（M-11, M-15, M-16）.

The same service as the web form: ``PUT`` saves the texts of one section; values that do
not validate are kept as typed with an error in the caller's language (answered with 200
and ``errors``), and a save from a stale ``revision`` is refused with 409 unless the section
itself is unchanged (``base``, the fingerprint ``GET`` returned).
"""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from lianmeng.core.errors import PermissionDenied
from lianmeng.policy.loader import get_profile
from lianmeng.proposals.checks import proposal_eligibility
from lianmeng.proposals.contacts import proposal_for
from lianmeng.proposals.duplicates import duplicate_candidates
from lianmeng.proposals.editor import PARTS
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.path_labels import path_label
from lianmeng.proposals.presenters_form import judging_moment
from lianmeng.proposals.sections import (
    Section,
    field_choices,
    field_for_path,
    get_section,
    kept_error,
    proposal_section_save,
    section_fingerprint,
    section_state,
    section_values,
)
from lianmeng.proposals.selectors import proposal_get

from .schemas import READ_ERRORS, ErrorOut, LabelledFindingOut, PathId, StrictIn

router = Router(tags=["申报书填报"])

Scalar = str | bool | int | float | list[str] | None


class FieldErrorOut(Schema):
    value: str = Field(description="填写的原文（未能保存为数据）")
    message: str = Field(description="错误说明")


class FieldInfoOut(Schema):
    name: str = Field(
        description="字段名，即交换格式中的 JSON 路径", examples=["lead_unit.employees"]
    )
    label: str
    kind: str = Field(
        description="text / integer / number / boolean / date / postcode / choice / multi / email"
    )
    unit: str = ""
    max_length: int | None = Field(None, description="字数上限（seed 001 附件 1）")
    choices: list[list[Any]] = Field(default_factory=list, description="[取值, 名称]")


class SectionOut(Schema):
    section: str
    title: str
    revision: int = Field(description="保存时原样提交")
    base: str = Field(description="本部分内容的指纹；保存时提交，其他部分被同事修改时不算冲突")
    values: dict[str, Any] = Field(description="已保存的取值（JSON 类型）")
    errors: dict[str, FieldErrorOut] = Field(description="填写有误、原样保留的字段")
    fields: list[FieldInfoOut]


class SectionSavedOut(SectionOut):
    changed: list[str] = Field(description="本次保存改变的字段")


class SectionIn(StrictIn):
    revision: int = Field(description="读取本部分时得到的 revision")
    base: str | None = Field(None, max_length=64, description="读取本部分时得到的 base")
    values: dict[str, Scalar] = Field(
        description="字段名 → 填写的内容；空字符串或 null 清除该项，未列出的字段不变"
    )


class EligibilityOut(Schema):
    complete: bool = Field(description="申报数据是否完整到可以预审")
    profile: str | None = None
    eligible: bool | None = None
    findings: list[LabelledFindingOut] | None = None
    path: str | None = Field(None, description="不完整时：须先填写的字段")
    message: str | None = None
    part: str | None = Field(None, description="不完整时：在哪一部分填写")
    field: str | None = None
    where: str | None = Field(
        None, description="不完整时：表单中的名称，如“一、联盟基本情况 · 联盟名称”（供人阅读）"
    )


class CandidateOut(Schema):
    name: str
    lead_unit: str
    status: str
    score: float = Field(description="0–100")
    matched_on: list[str] = Field(description="name / industry / product / focus_area")
    scores: dict[str, float]
    flagged: bool = Field(description="资格预审 alliance.unique_in_field 列为相近")
    focus_area: str
    industry: str
    product: str


def _require(request: HttpRequest, perm: str, message: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


def _text(value: Scalar) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return str(value)


def _section_out(proposal: Proposal, section: Section) -> dict[str, Any]:
    fields = []
    for spec in section.fields_for(proposal.profile):
        fields.append(
            {
                "name": spec.name,
                "label": str(spec.label),
                "kind": spec.kind,
                "unit": str(spec.unit),
                "max_length": spec.max_length,
                "choices": [[value, str(label)] for value, label in field_choices(proposal, spec)],
            }
        )
    return {
        "section": section.key,
        "title": str(section.title),
        "revision": proposal.revision,
        "base": section_fingerprint(proposal, section),
        "values": section_values(proposal, section),
        "errors": {
            name: {
                "value": entry.get("value", ""),
                "message": kept_error(section.field(name), entry),
            }
            for name, entry in section_state(proposal, section.key).items()
        },
        "fields": fields,
    }


@router.get(
    "/proposals/{proposal_id}/sections/{key}",
    response={200: SectionOut, **READ_ERRORS},
    summary="读取申报书的一部分",
)
def sections_get(request: HttpRequest, proposal_id: PathId, key: str) -> dict[str, Any]:
    """``key``: facts, lead, governance, background, plan, kpis, foundation, benefits,
    opinion, agreement_facts."""
    _require(request, "proposals.view_proposal", _("您的账号没有查看申报的权限。"))
    section = get_section(key)
    proposal = proposal_get(viewer=request.user, pk=proposal_id)
    # contact numbers masked for readers who do not need them (lianmeng.proposals.contacts)
    return _section_out(proposal_for(request.user, proposal), section)


@router.put(
    "/proposals/{proposal_id}/sections/{key}",
    response={200: SectionSavedOut, **READ_ERRORS, 409: ErrorOut},
    summary="保存申报书的一部分",
)
def sections_put(
    request: HttpRequest, proposal_id: PathId, key: str, payload: SectionIn
) -> dict[str, Any]:
    """Save what was typed. Invalid values are kept as typed and listed in ``errors`` (the
    rest is saved: 200). 409 when a colleague changed this section since ``revision``."""
    _require(request, "proposals.edit_drafts", _("只有牵头单位的申报账号可以填写申报书。"))
    section = get_section(key)
    result = proposal_section_save(
        actor=request.user,
        pk=proposal_id,
        section=section.key,
        data={name: _text(value) for name, value in payload.values.items()},
        revision=payload.revision,
        base=payload.base,
    )
    return {**_section_out(result.proposal, section), "changed": result.changed}


@router.get(
    "/proposals/{proposal_id}/eligibility",
    response={200: EligibilityOut, **READ_ERRORS},
    summary="资格预审（申报书当前内容）",
)
def sections_eligibility(request: HttpRequest, proposal_id: PathId) -> dict[str, Any]:
    """The findings ``lianmeng check`` gives for the proposal as it stands, or — while it is
    incomplete — the field to fill first."""
    _require(request, "proposals.view_proposal", _("您的账号没有查看申报的权限。"))
    proposal = proposal_get(viewer=request.user, pk=proposal_id)
    result = proposal_eligibility(proposal, at=judging_moment(proposal))
    if not result["complete"]:
        part, field = field_for_path(result["path"])
        known = {p.key for p in PARTS}
        result = {
            **result,
            "part": part if part in known else None,
            "field": field,
            "where": str(path_label(result["path"])),
        }
    else:
        profile = get_profile(proposal.profile)
        for finding in result["findings"]:  # {seed, article}; text for people
            finding["citation"] = {**finding["citation"], "text": profile.cite(finding["citation"])}
    return result


@router.get(
    "/proposals/{proposal_id}/duplicates",
    response={200: list[CandidateOut], **READ_ERRORS},
    summary="查重：相近的联盟和在审申报",
)
def sections_duplicates(request: HttpRequest, proposal_id: PathId) -> list[dict[str, Any]]:
    """Alliances and pending proposals of the same profile whose name, industry or product
    is close, best first (at most 10)."""
    _require(request, "proposals.view_proposal", _("您的账号没有查看申报的权限。"))
    proposal = proposal_get(viewer=request.user, pk=proposal_id)
    return [candidate.to_dict() for candidate in duplicate_candidates(proposal)]
