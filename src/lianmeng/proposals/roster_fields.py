"""成员单位名单的字段：取值、中文标签、单行校验与注册地名称（M-12, B-2）。

One member unit of ``proposal.document["members"]`` as the interchange schema defines it.
``member_clean`` is the one validation every way in shares (the member form, the API and each
row of an XLSX import), so a unit refused in one is refused in all, with the same Chinese reason.

The Chinese labels here are the *file format* of the roster workbook and therefore fixed
strings; pages translate them through ``ui_label``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError

from lianmeng.core.errors import ValidationFailed
from lianmeng.core.models import Jurisdiction
from lianmeng.policy.interchange import Member, error_message
from lianmeng.policy.uscc import IdentityError, validate_org_code, validate_uscc

#: 单位类别 (interchange ``MemberKind``), in the order of the workbook's drop-down
KIND_LABELS: dict[str, str] = {
    "enterprise": "企业",
    "university": "高等院校",
    "research_institute": "科研院所",
    "vocational_college": "职业院校",
    "intermediary": "中介机构",
    "other": "其他",
}
CHAIN_LABELS: dict[str, str] = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
LEVEL_LABELS: dict[str, str] = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
PLATFORM_KIND_LABELS: dict[str, str] = {
    "engineering_research_center": "工程技术研究中心",
    "key_laboratory": "重点实验室",
    "engineering_laboratory": "工程实验室",
    "enterprise_technology_center": "企业技术中心",
    "industrial_technology_institute": "产业技术研究院",
    "new_rd_institution": "新型研发机构",
    "other": "其他",
}

#: other spellings people type for the same value (all compared after NFKC normalisation)
_ALIASES: dict[str, dict[str, str]] = {
    "kind": {
        "高校": "university",
        "高等学校": "university",
        "大学": "university",
        "科研机构": "research_institute",
        "研究机构": "research_institute",
        "研究院所": "research_institute",
        "职业学校": "vocational_college",
        "中介": "intermediary",
        "服务机构": "intermediary",
    },
    "chain_position": {"上游环节": "upstream", "中游环节": "midstream", "下游环节": "downstream"},
    "level": {
        "国家": "national",
        "国家级平台": "national",
        "省": "provincial",
        "省部级": "provincial",
        "省级平台": "provincial",
        "市": "municipal",
        "地市级": "municipal",
        "市级平台": "municipal",
    },
    "platform_kind": {
        "工程研究中心": "engineering_research_center",
        "工程技术中心": "engineering_research_center",
        "技术中心": "enterprise_technology_center",
        "产业研究院": "industrial_technology_institute",
    },
}

_ENUMS: dict[str, dict[str, str]] = {
    "kind": KIND_LABELS,
    "chain_position": CHAIN_LABELS,
    "level": LEVEL_LABELS,
    "platform_kind": PLATFORM_KIND_LABELS,
}

#: labels for pages (translatable); the workbook keeps the fixed Chinese above
UI_LABELS: dict[str, Any] = {
    "enterprise": _("企业"),
    "university": _("高等院校"),
    "research_institute": _("科研院所"),
    "vocational_college": _("职业院校"),
    "intermediary": _("中介机构"),
    "other": _("其他"),
    "upstream": _("上游"),
    "midstream": _("中游"),
    "downstream": _("下游"),
    "national": _("国家级"),
    "provincial": _("省级"),
    "municipal": _("市级"),
    "engineering_research_center": _("工程技术研究中心"),
    "key_laboratory": _("重点实验室"),
    "engineering_laboratory": _("工程实验室"),
    "enterprise_technology_center": _("企业技术中心"),
    "industrial_technology_institute": _("产业技术研究院"),
    "new_rd_institution": _("新型研发机构"),
}

LIAISON_KEYS = ("name", "phone", "mobile", "fax", "email")
STANDING_MAX = 100
NAME_MAX = 120
TEXT_MAX = 60
#: area names that add nothing to a place name (municipalities' "市辖区", old "县" groups)
_FILLER_AREAS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_PHONE = re.compile(r"^[0-9+()\-\s转]{3,30}$")
_SPACES = re.compile(r"\s+")


def ui_label(value: str | None) -> Any:
    return UI_LABELS.get(value or "", value or "")


def norm_text(value: object) -> str:
    """A cell or form value as clean text: NFKC (full-width → half-width), trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value))
    return _SPACES.sub(" ", text).strip()


def enum_value(field: str, raw: object) -> str | None:
    """The enum id for a Chinese label, an alias or the English id itself; None if unknown.

    ``field`` is one of kind, chain_position, level, platform_kind.
    """
    text = norm_text(raw)
    if not text:
        return ""
    labels = _ENUMS[field]
    if text in labels:
        return text
    lowered = text.lower()
    if lowered in labels:
        return lowered
    for value, label in labels.items():
        if text == label:
            return value
    return _ALIASES[field].get(text)


def enum_choices_text(field: str) -> str:
    return "、".join(_ENUMS[field].values())


# -- identity --------------------------------------------------------------------------------


def clean_uscc(raw: object) -> str:
    """Normalised USCC or IdentityError (Chinese)."""
    return validate_uscc(norm_text(raw).replace(" ", ""))


def clean_org_code(raw: object) -> str:
    return validate_org_code(norm_text(raw).replace(" ", ""))


def identity_keys(member: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Keys that name the same unit: its USCC, and its organisation code (also the one inside a
    USCC, positions 9–17), so a unit listed once by USCC and once by 组织机构代码 is caught."""
    keys: list[tuple[str, str]] = []
    uscc = member.get("uscc")
    org = member.get("org_code")
    if uscc:
        keys.append(("uscc", str(uscc).upper()))
        keys.append(("org", str(uscc).upper()[8:17]))
    if org:
        keys.append(("org", str(org).upper().replace("-", "")))
    return list(dict.fromkeys(keys))


def member_code(member: Mapping[str, Any]) -> str:
    """The code a member is known by: USCC, else organisation code."""
    return str(member.get("uscc") or member.get("org_code") or "")


def code_label(kind: str) -> str:
    return "统一社会信用代码" if kind == "uscc" else "组织机构代码"


# -- one member ------------------------------------------------------------------------------


def _platforms(raw: object, errors: dict[str, str]) -> list[dict[str, str]]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        errors["platforms"] = "研发平台应为列表"
        return []
    platforms: list[dict[str, str]] = []
    for number, item in enumerate(raw, start=1):
        if not isinstance(item, Mapping):
            errors[f"platforms.{number}"] = f"第 {number} 个研发平台格式不正确"
            continue
        name = norm_text(item.get("name"))
        level = enum_value("level", item.get("level"))
        kind = enum_value("platform_kind", item.get("kind"))
        if not name and not level and not kind:
            continue  # an empty row of the form
        if not name:
            errors[f"platforms.{number}.name"] = f"第 {number} 个研发平台缺少名称"
        elif len(name) > NAME_MAX:
            errors[f"platforms.{number}.name"] = f"第 {number} 个研发平台名称超过 {NAME_MAX} 字"
        if level is None:
            errors[f"platforms.{number}.level"] = (
                f"第 {number} 个研发平台的级别“{norm_text(item.get('level'))}”无效，"
                f"应为{enum_choices_text('level')}之一"
            )
        elif not level:
            errors[f"platforms.{number}.level"] = (
                f"请填写第 {number} 个研发平台的级别（{enum_choices_text('level')}）"
            )
        if kind is None:
            errors[f"platforms.{number}.kind"] = (
                f"第 {number} 个研发平台的类别“{norm_text(item.get('kind'))}”无效，"
                f"应为{enum_choices_text('platform_kind')}之一"
            )
        platform = {"name": name, "level": level or ""}
        if kind:
            platform["kind"] = kind
        platforms.append(platform)
    return platforms


def _liaison(raw: object, errors: dict[str, str]) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        return {}
    liaison = {key: norm_text(raw.get(key)) for key in LIAISON_KEYS}
    liaison = {key: value for key, value in liaison.items() if value}
    if len(liaison.get("name", "")) > TEXT_MAX:
        errors["liaison.name"] = f"联系人姓名不能超过 {TEXT_MAX} 字"
    for key, label in (("phone", "联系电话"), ("mobile", "手机"), ("fax", "传真")):
        if key in liaison and not _PHONE.fullmatch(liaison[key]):
            errors[f"liaison.{key}"] = (
                f"{label}“{liaison[key]}”格式不正确，只能包含数字、+、- 和括号"
            )
    if "email" in liaison:
        try:
            validate_email(liaison["email"])
        except DjangoValidationError:
            errors["liaison.email"] = f"电子邮箱“{liaison['email']}”格式不正确，如 name@example.com"
    return liaison


def _identity(data: Mapping[str, Any], errors: dict[str, str]) -> tuple[str, str]:
    uscc = org = ""
    raw_uscc = norm_text(data.get("uscc"))
    raw_org = norm_text(data.get("org_code"))
    if raw_uscc:
        try:
            uscc = clean_uscc(raw_uscc)
        except IdentityError as exc:
            errors["uscc"] = str(exc)
    if raw_org:
        try:
            org = clean_org_code(raw_org)
        except IdentityError as exc:
            errors["org_code"] = str(exc)
    if not raw_uscc and not raw_org:
        errors["uscc"] = "请填写统一社会信用代码；没有统一社会信用代码的单位请填写组织机构代码"
    if uscc and org and uscc[8:17] != org.replace("-", ""):
        errors["org_code"] = (
            f"组织机构代码 {org} 与统一社会信用代码第 9–17 位（{uscc[8:17]}）不一致，请核对"
        )
    return uscc, org


def _region(data: Mapping[str, Any], errors: dict[str, str], known: set[str] | None) -> str:
    code = norm_text(data.get("region_code")).replace(" ", "")
    if not code:
        return ""
    if not re.fullmatch(r"[0-9]{6}", code):
        errors["region_code"] = f"注册地区划代码“{code}”应为 6 位数字（GB/T 2260），可不填"
    elif known is not None and code not in known:
        errors["region_code"] = f"注册地区划代码 {code} 不存在，请核对（可不填，按信用代码判断）"
    return code


def member_clean(
    data: Mapping[str, Any], *, known_regions: set[str] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """Clean one member; returns ``(member, errors)`` where errors maps field → Chinese reason.

    ``member`` is in the interchange shape with empty values left out and no ``role`` (the
    schema's default, "member"; the lead's role and identity are set by the roster, not by
    what a form sends).
    ``known_regions`` are the region codes that exist (checked when given).
    """
    errors: dict[str, str] = {}
    name = norm_text(data.get("name"))
    if not name:
        errors["name"] = "请填写单位名称"
    elif len(name) > NAME_MAX:
        errors["name"] = f"单位名称不能超过 {NAME_MAX} 字"
    kind = enum_value("kind", data.get("kind"))
    if kind is None:
        errors["kind"] = (
            f"单位类别“{norm_text(data.get('kind'))}”无效，应为{enum_choices_text('kind')}之一"
        )
    elif not kind:
        errors["kind"] = f"请选择单位类别（{enum_choices_text('kind')}）"
    uscc, org = _identity(data, errors)
    region = _region(data, errors, known_regions)
    chain = enum_value("chain_position", data.get("chain_position"))
    if chain is None:
        errors["chain_position"] = (
            f"产业链位置“{norm_text(data.get('chain_position'))}”无效，"
            f"应为{enum_choices_text('chain_position')}之一，或不填"
        )
    legal = norm_text(data.get("legal_representative"))
    if len(legal) > TEXT_MAX:
        errors["legal_representative"] = f"法定代表人姓名不能超过 {TEXT_MAX} 字"
    standing = str(data.get("standing") or "").strip()
    if len(standing) > STANDING_MAX:
        errors["standing"] = (
            f"在行业（领域）中的地位限 {STANDING_MAX} 字，当前 {len(standing)} 字，请精简"
        )
    liaison = _liaison(data.get("liaison"), errors)
    platforms = _platforms(data.get("platforms"), errors)

    member: dict[str, Any] = {"name": name, "kind": kind or ""}
    optional = {
        "uscc": uscc,
        "org_code": org,
        "region_code": region,
        "chain_position": chain,
        "legal_representative": legal,
        "standing": standing,
    }
    member.update({key: value for key, value in optional.items() if value})
    signed = data.get("signed_agreement")
    if isinstance(signed, bool):
        member["signed_agreement"] = signed
    if liaison:
        member["liaison"] = liaison
    if platforms:
        member["platforms"] = platforms
    if not errors:
        schema_errors = schema_check(member)
        errors.update(schema_errors)
    return member, errors


def schema_check(member: Mapping[str, Any]) -> dict[str, str]:
    """The interchange schema's own verdict on one member (a last guard, never expected)."""
    try:
        Member.model_validate(dict(member))
    except ValidationError as exc:
        return {
            ".".join(str(p) for p in err["loc"]) or "member": error_message(err)
            for err in exc.errors()
        }
    return {}


def errors_text(errors: Mapping[str, str]) -> str:
    return "；".join(dict.fromkeys(errors.values()))


def raise_if(errors: Mapping[str, str]) -> None:
    if errors:
        raise ValidationFailed(errors_text(errors), details={"fields": dict(errors)})


# -- where a member is registered -----------------------------------------------------------


def member_region_code(member: Mapping[str, Any]) -> str:
    """The member's region: its region_code, else the USCC's digits 3–8 ("" if unknown)."""
    if member.get("region_code"):
        return str(member["region_code"])
    uscc = member.get("uscc")
    if uscc and isinstance(uscc, str) and len(uscc) == 18 and uscc[2:8].isdigit():
        return uscc[2:8]
    return ""


def region_labels(codes: Iterable[str]) -> dict[str, str]:
    """Full place names by region code, e.g. ``410305`` → "河南省 洛阳市 涧西区".

    Two queries whatever the number of codes. A code retired or renamed (history in GB/T 2260)
    resolves to its old name, marked with the year it ended; an unknown code gets no entry.
    """
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    rows = list(
        Jurisdiction.objects.filter(code__in=wanted).values("code", "path", "active", "history")
    )
    ancestors = {code for row in rows for code in row["path"].strip("/").split("/")[1:]}
    names = dict(Jurisdiction.objects.filter(code__in=ancestors).values_list("code", "name"))
    labels: dict[str, str] = {}
    for row in rows:
        chain = [names.get(code, "") for code in row["path"].strip("/").split("/")[1:]]
        parts = [
            n for i, n in enumerate(chain) if n and (n not in _FILLER_AREAS or i == len(chain) - 1)
        ]
        label = " ".join(dict.fromkeys(parts))
        if not row["active"]:
            until = max((h["until"] for h in row["history"] or [] if h.get("until")), default=None)
            label += f"（{until} 年前的区划）" if until else "（已撤销的区划）"
        labels[row["code"]] = label
    return labels


def known_region_codes(codes: Iterable[str]) -> set[str]:
    wanted = {c for c in codes if c}
    if not wanted:
        return set()
    return set(Jurisdiction.objects.filter(code__in=wanted).values_list("code", flat=True))
