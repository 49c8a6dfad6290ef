"""政策配置（公开）：各辖区适用的规则、参数、有效期，每个取值附出处。"""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from lianmeng.core.errors import NotFound
from lianmeng.policy.catalogue import RULE_TITLES
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.policy.models import Citation, Profile
from lianmeng.policy.timeutil import as_beijing
from lianmeng.policy.validity import in_force

from .schemas import ErrorOut, LabelledCitationOut

router = Router(tags=["政策配置"])


class ProfileSummaryOut(Schema):
    id: str = Field(examples=["henan"])
    name: str
    level: str
    jurisdiction: str = Field(description="辖区 GB/T 2260 代码")
    issuer: str
    outcome: str | None = Field(None, description="approve_to_build / recognise / file / pilot")
    valid_from: date | None
    valid_until: date | None
    in_force: bool = Field(description="今天（北京时间）是否在有效期内")
    rule_count: int


class ParamOut(Schema):
    value: Any
    citation: LabelledCitationOut


class RuleOut(Schema):
    id: str = Field(examples=["members.min_count"])
    title: str
    severity: str = Field(description="required / principle（原则上）/ advisory")
    citation: LabelledCitationOut
    params: dict[str, ParamOut]


class ProfileOut(ProfileSummaryOut):
    rules: list[RuleOut] = Field(description="适用的资格规则，按规则目录顺序")
    profile: Profile = Field(description="完整的政策配置，每个取值附出处 {seed, article}")


def _citation(citation: Citation, profile: Profile) -> dict[str, str]:
    return {"seed": citation.seed, "article": citation.article, "text": profile.cite(citation)}


def _summary(profile: Profile) -> dict[str, Any]:
    today = as_beijing(timezone.now()).date()
    valid_from = profile.validity.valid_from.value if profile.validity.valid_from else None
    valid_until = profile.validity.valid_until.value if profile.validity.valid_until else None
    return {
        "id": profile.id,
        "name": profile.name.value,
        "level": profile.level.value,
        "jurisdiction": profile.jurisdiction.value,
        "issuer": profile.issuer.value,
        "outcome": profile.outcome.value if profile.outcome else None,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "in_force": in_force(profile, today),
        "rule_count": len(profile.applied_rules),
    }


def _rules(profile: Profile) -> list[dict[str, Any]]:
    rules = []
    for rule in profile.applied_rules.values():
        values = rule.params.model_dump(mode="json")
        rules.append(
            {
                "id": rule.id,
                "title": RULE_TITLES.get(rule.id, rule.id),
                "severity": rule.severity,
                "citation": _citation(rule.citation, profile),
                "params": {
                    name: {
                        "value": values.get(name),
                        "citation": _citation(
                            rule.param_citations.get(name, rule.citation), profile
                        ),
                    }
                    for name in values
                },
            }
        )
    return rules


@router.get("/profiles", response=list[ProfileSummaryOut], auth=None, summary="政策配置列表")
def profiles_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary(p) for _, p in sorted(load_profiles().items())]


@router.get(
    "/profiles/{profile_id}",
    response={200: ProfileOut, 404: ErrorOut},
    auth=None,
    summary="政策配置详情（规则与出处）",
)
def profiles_get(request: HttpRequest, profile_id: str) -> dict[str, Any]:
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError as exc:
        raise NotFound(str(exc)) from exc
    return {**_summary(profile), "rules": _rules(profile), "profile": profile}
