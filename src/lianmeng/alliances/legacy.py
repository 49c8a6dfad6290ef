"""The legacy registry: alliances decided before this system, imported once.

A department that starts using the system already has alliances (Henan has approved them
since 2014). They belong in the public registry, and the duplicate check (M-16,
``alliance.unique_in_field``) must compare new proposals with them. ``lianmeng alliance
import FILE.json`` reads a list of rows::

    [{"profile": "henan", "name": "河南省超硬材料产业技术创新战略联盟",
      "lead_unit": {"name": "…", "uscc": "91410100…", "kind": "enterprise"},
      "status": "recognised", "decided_on": "2014-06-18", "reference": "豫科〔2014〕88号",
      "domain": "industry", "focus_area": "新材料", "industry": "超硬材料",
      "product": "人造金刚石及制品", "member_count": 23}]

Every row is checked on its own: bad rows are reported with their number and reason, good
rows are kept, a row already in the registry (same profile and name) is skipped, so the
import can be run again. Each alliance created writes an audit entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import DomainError, ValidationFailed
from lianmeng.core.models import Jurisdiction, Unit, User
from lianmeng.core.services import unit_create
from lianmeng.policy.loader import UnknownProfileError, get_profile

from .lifecycle import record_initial
from .models import Alliance

FIELD_NAMES = {
    "profile": "政策档案",
    "name": "联盟名称",
    "lead_unit": "牵头单位",
    "status": "状态",
    "decided_on": "决定日期",
    "construction_deadline": "筹建期限",
    "reference": "文号",
    "domain": "所属领域",
    "focus_area": "重点领域",
    "industry": "产业",
    "product": "产品",
    "member_count": "成员总数",
    "category": "备案类别",
    "uscc": "统一社会信用代码",
    "org_code": "组织机构代码",
    "region_code": "区划代码",
    "kind": "单位类别",
}


class LegacyUnit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    uscc: str | None = None
    org_code: str | None = None
    region_code: str | None = None
    kind: Literal["enterprise", "university", "research_institute", "other"] = "enterprise"


class LegacyRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: str
    name: str = Field(min_length=2, max_length=120)
    lead_unit: LegacyUnit
    status: Literal[
        "building", "awaiting_acceptance", "recognised", "filed", "pilot", "revoked", "dissolved"
    ]
    decided_on: date
    construction_deadline: date | None = None
    reference: str = Field(default="", max_length=60)
    domain: Literal["industry", "agriculture", "social_development"] = "industry"
    focus_area: str = Field(default="", max_length=60)
    industry: str = Field(default="", max_length=100)
    product: str = Field(default="", max_length=100)
    member_count: int = Field(default=0, ge=0, le=100000)
    category: int | None = Field(default=None, ge=1, le=3)

    @field_validator("name", "reference", "focus_area", "industry", "product")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


@dataclass
class LegacyImport:
    created: list[Alliance] = field(default_factory=list)
    #: (row number, name) already in the registry
    skipped: list[tuple[int, str]] = field(default_factory=list)
    #: (row number, reason)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _pydantic_reason(exc: ValidationError) -> str:
    first = exc.errors()[0]
    path = [str(p) for p in first.get("loc", ())]
    named = "·".join(FIELD_NAMES.get(p, p) for p in path) or "该行"
    if first.get("type") == "missing":
        return f"缺少“{named}”。"
    if first.get("type") == "extra_forbidden":
        return f"不认识的字段“{'.'.join(path)}”。"
    if first.get("type") in {"literal_error", "enum"}:
        return f"“{named}”的取值无效：{first.get('input')!r}。"
    if first.get("type", "").startswith("date"):
        return f"“{named}”须为日期，如 2016-05-20。"
    return f"“{named}”无效：{first.get('msg')}。"


def _lead_unit(row: LegacyUnit, actor: User | None) -> Unit:
    code = (row.uscc or row.org_code or "").strip().upper()
    if code:
        found = Unit.objects.filter(uscc=code).first() or Unit.objects.filter(org_code=code).first()
        if found is not None:
            return found
    return unit_create(
        actor=actor,
        name=row.name,
        kind=row.kind,
        uscc=row.uscc,
        org_code=row.org_code,
        region_code=row.region_code,
    )


def _check_actor(actor: User | None, jurisdiction: Jurisdiction) -> None:
    """The command line runs as the operator (``actor`` None) or as a competent department
    whose area is the profile's."""
    if actor is None:
        return
    from lianmeng.core.roles import Role

    if Role.COMPETENT not in actor.role_set() or actor.jurisdiction_id is None:
        raise ValidationFailed(_("只有主管部门可以导入历史联盟名录。"))
    if not actor.jurisdiction.contains(jurisdiction):
        raise ValidationFailed(
            _("%(area)s的联盟名录不在您的辖区内，不能导入。") % {"area": jurisdiction.name}
        )


def _create(row: LegacyRow, actor: User | None) -> Alliance | None:
    try:
        profile = get_profile(row.profile)
    except UnknownProfileError as exc:
        raise ValidationFailed(_("没有政策档案“%(profile)s”。") % {"profile": row.profile}) from exc
    jurisdiction = Jurisdiction.objects.get(code=profile.jurisdiction.value)
    _check_actor(actor, jurisdiction)
    if row.category is not None and not profile.categories:
        raise ValidationFailed(
            _("%(profile)s不分备案类别，请删去“备案类别”。") % {"profile": profile.name.value}
        )
    if Alliance.objects.filter(profile=profile.id, name=row.name).exists():
        return None
    if row.decided_on > clock.now().astimezone(clock.BEIJING).date():
        raise ValidationFailed(_("决定日期不能晚于今天。"))
    table = profile.alliance_lifecycle
    if table is None or table.state(row.status) is None:
        states = "、".join(f"{s.id}（{s.label}）" for s in table.states) if table else ""
        raise ValidationFailed(
            _("%(profile)s的联盟没有“%(status)s”这一状态；可用：%(states)s。")
            % {"profile": profile.name.value, "status": row.status, "states": states},
            details={"field": "status"},
        )
    lead = _lead_unit(row.lead_unit, actor)
    alliance = Alliance.objects.create(
        proposal=None,
        source=Alliance.Source.LEGACY,
        reference=row.reference,
        profile=profile.id,
        level=profile.level.value,
        name=row.name,
        domain=row.domain,
        focus_area=row.focus_area,
        industry=row.industry,
        product=row.product,
        lead_unit=lead,
        jurisdiction=jurisdiction,
        member_count=row.member_count,
        status=row.status,
        category=row.category,
        decided_on=row.decided_on,
        construction_deadline=row.construction_deadline,
        authority=profile.authority.value if profile.authority else profile.issuer.value,
    )
    # the imported state is the alliance's first history row (lianmeng.alliances.lifecycle)
    record_initial(
        alliance=alliance,
        actor=actor,
        transition="import",
        data={"source": "legacy", "reference": row.reference},
        construction_due=row.construction_deadline,
    )
    audit_record(
        actor=actor,
        action="lianmeng.alliance.imported",
        obj=alliance,
        after={
            "name": alliance.name,
            "profile": alliance.profile,
            "status": alliance.status,
            "decided_on": alliance.decided_on.isoformat(),
            "reference": alliance.reference,
            "lead_unit": lead.pk,
        },
    )
    return alliance


def legacy_import(*, actor: User | None, rows: Any) -> LegacyImport:
    """Import the rows of a legacy registry (a JSON list); each row stands or falls alone."""
    if not isinstance(rows, list):
        raise ValidationFailed(_("文件须为 JSON 数组，每个元素是一个联盟。"))
    result = LegacyImport()
    for number, raw in enumerate(rows, start=1):
        try:
            row = LegacyRow.model_validate(raw)
        except ValidationError as exc:
            result.errors.append((number, _pydantic_reason(exc)))
            continue
        try:
            with transaction.atomic():
                alliance = _create(row, actor)
        except DomainError as exc:
            result.errors.append((number, exc.message))
            continue
        if alliance is None:
            result.skipped.append((number, row.name))
        else:
            result.created.append(alliance)
    return result


def _legacy_in_play(profile_id: str) -> QuerySet[Alliance]:
    return Alliance.objects.filter(profile=profile_id, proposal__isnull=True).exclude(
        status__in=[Alliance.Status.REVOKED, Alliance.Status.DISSOLVED]
    )


_LEGACY_COLUMNS = ("id", "name", "industry", "product", "focus_area", "status", "lead_unit__name")


def legacy_alliances(profile_id: str) -> list[dict[str, Any]]:
    """Alliances of the legacy registry for the duplicate check (those in play)."""
    return list(_legacy_in_play(profile_id).order_by("decided_on", "id").values(*_LEGACY_COLUMNS))


def legacy_alliance_candidates(
    profile_id: str, facts: Mapping[str, str]
) -> tuple[list[dict[str, Any]], int]:
    """The duplicate search in the legacy registry: those of :func:`legacy_alliances` that
    can be similar to ``facts``, and how many there are in all. On PostgreSQL through the
    GIN indexes of migration 0010 (as the proposals', lianmeng.proposals.checks); elsewhere
    all of them."""
    in_play = _legacy_in_play(profile_id)
    if connection.vendor != "postgresql":
        rows = legacy_alliances(profile_id)
        return rows, len(rows)
    from lianmeng.proposals.checks import similar_candidates

    found = similar_candidates(in_play, profile_id, facts, Alliance._meta.db_table)
    rows = list(found.order_by("decided_on", "id").values(*_LEGACY_COLUMNS))
    return rows, in_play.count()


def alliance_status_label(status: str) -> str:
    """A registry status as the reader reads it (筹建中, 已认定 …); an unknown one as stored."""
    return str(dict(Alliance.Status.choices).get(status, status))


__all__ = [
    "LegacyImport",
    "alliance_status_label",
    "legacy_alliance_candidates",
    "legacy_alliances",
    "legacy_import",
]
