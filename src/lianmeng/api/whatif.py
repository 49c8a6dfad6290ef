"""Policy what-if: the current alliances and pending proposals under a draft profile (B-6).

``GET /whatif/parameters/{profile}`` lists a profile's editable parameters (published policy:
public). ``POST /whatif/run`` judges the department's current alliances and pending proposals
under the profile in force and under the profile with the given overrides, and answers the
comparison rule by rule; only competent staff of the profile's jurisdiction may run it. Nothing
is stored: not even a draft (the web pages keep drafts).
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from lianmeng.core.errors import NotFound, ValidationFailed
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.policy.whatif import OverrideError, apply_overrides, parameters, profile_version
from lianmeng.whatif import compare, selectors

from .schemas import READ_ERRORS, ErrorOut, StrictIn

router = Router(tags=["政策推演"])


class WhatifRunIn(StrictIn):
    profile: str = Field(max_length=30, description="政策配置编号，如 luoyang")
    overrides: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description=(
            '按规则编号调整的参数，如 {"members.min_count": {"severity": "required", '
            '"min_count": 8}}；severity 可为 off（不适用）、required、principle、advisory；'
            "比例以小数表示（0.6 即 60%）"
        ),
    )


class ParameterOut(Schema):
    key: str
    rule: str
    rule_title: str
    name: str
    label: str
    kind: str
    current: Any = None
    unit: str
    minimum: float | None = None
    maximum: float | None = None
    choices: list[dict[str, str]]
    citation: dict[str, str] | None = None
    applied: bool
    allowed: str


class ParametersOut(Schema):
    profile: str
    version: str
    parameters: list[ParameterOut]


@router.get(
    "/whatif/parameters/{profile}",
    response={200: ParametersOut, 404: ErrorOut},
    auth=None,
    summary="政策配置的可调参数（现行取值、单位、范围与出处）",
)
def whatif_parameters(request: HttpRequest, profile: str) -> dict[str, Any]:
    try:
        found = get_profile(profile)
    except UnknownProfileError as exc:
        raise NotFound(str(exc)) from exc
    return {
        "profile": found.id,
        "version": profile_version(found),
        "parameters": [p.to_dict() for p in parameters(found)],
    }


@router.post(
    "/whatif/run",
    response={200: dict[str, Any], **READ_ERRORS},
    summary="政策推演：在运行的联盟和在审的申报在草案下的结论与现行政策逐条比较（不保存）",
)
def whatif_run(request: HttpRequest, payload: WhatifRunIn) -> dict[str, Any]:
    profile = selectors.department_profile(request.user, payload.profile)
    try:
        draft = apply_overrides(profile, payload.overrides)
    except OverrideError as exc:
        raise ValidationFailed(exc.message, details={"field": exc.key}) from None
    result = compare.run(profile, draft)
    return {"version": profile_version(profile), **result.to_dict()}
