"""Writes on calls (M-10). Every function is atomic and audited.

Only competent-department staff (主管部门) may create, change or publish a call, and only for
a profile whose jurisdiction contains their own: the provincial department issues the
provincial call; a department below it (a free-trade-zone area it has delegated to) may
issue one for its own area.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, get_args

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import Jurisdiction, User
from lianmeng.core.roles import Role
from lianmeng.core.validity import call_window_message, lapse_for, publish_refusal
from lianmeng.policy.interchange import MaterialKind
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.policy.validity import lapse

from .models import Call
from .windows import window_end, window_start

MATERIAL_KINDS: tuple[str, ...] = get_args(MaterialKind)
_HOUR = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")

#: fields call_update may change, as call_create takes them
EDITABLE_FIELDS = (
    "profile",
    "year",
    "title",
    "document_number",
    "scope",
    "focus_areas",
    "online_opens",
    "online_closes",
    "paper_days",
    "paper_place",
    "contacts",
    "required_materials",
    "paper_copies",
)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, details={"field": field})


def _issuer(actor: User | None, jurisdiction: Jurisdiction | str | None) -> Jurisdiction:
    """The issuing department's jurisdiction: given, else the actor's own."""
    if isinstance(jurisdiction, str):
        found = Jurisdiction.objects.filter(code=jurisdiction).first()
        if found is None:
            raise _invalid(
                "jurisdiction", _("没有区划代码为 %(code)s 的辖区。") % {"code": jurisdiction}
            )
        jurisdiction = found
    if jurisdiction is None:
        if actor is None or actor.jurisdiction_id is None:
            raise _invalid("jurisdiction", _("请指定发布申报通知的部门所在辖区。"))
        jurisdiction = actor.jurisdiction
    return jurisdiction


def _ensure_competent(actor: User | None, issuer: Jurisdiction) -> None:
    """The actor (None: the system, e.g. demo data) may act for ``issuer``."""
    if actor is None:
        return
    if not actor.has_role(Role.COMPETENT) or actor.jurisdiction_id is None:
        raise PermissionDenied(_("只有主管部门的账号可以发布和管理申报通知。"))
    if not actor.jurisdiction.contains(issuer):
        raise PermissionDenied(_("只能管理本辖区（及下级）发布的申报通知。"))


def call_profiles_for(jurisdiction: Jurisdiction | None) -> list[Any]:
    """The profiles a department may issue calls under: those of its own jurisdiction.

    A city (洛阳市) does not issue under the province's profile (河南省), nor a province
    under a city's. A zone committee that acts for the province under the profile's
    ``lifecycle.zone_delegation`` (河南自贸区片区, seed 001 三(四)) does so only for the
    ``levels`` named there — handling and approving proposals on the zone route and filing
    them with the province — not for issuing the province's call, which covers the zone
    already (docs/decisions/0014-sign-in-call-issuers-revisions.md). With no profile of its
    own, it issues none.
    """
    if jurisdiction is None:
        return []
    return [p for p in load_profiles().values() if p.jurisdiction.value == jurisdiction.code]


def profiles_refusal(jurisdiction: Jurisdiction) -> PermissionDenied:
    allowed = call_profiles_for(jurisdiction)
    if not allowed:
        return PermissionDenied(
            _(
                "%(area)s没有本辖区的政策档案，不能发布申报通知。"
                "申报通知由政策档案所属的科技主管部门发布；如需发布，请先由系统管理员登记本辖区的政策档案。"
            )
            % {"area": jurisdiction.name},
            details={"field": "profile", "allowed": []},
        )
    return PermissionDenied(
        _("%(area)s只能按本辖区的政策档案发布申报通知：%(profiles)s。")
        % {
            "area": jurisdiction.name,
            "profiles": pgettext("list separator", "；").join(
                f"{p.name.value}（{p.id}）" for p in allowed
            ),
        },
        details={"field": "profile", "allowed": [p.id for p in allowed]},
    )


def _check_profile(profile_id: str, issuer: Jurisdiction, actor: User | None = None) -> None:
    """The profile exists and is the issuer's own (and, for a person, that person's own
    department's: a province does not issue a city's call either)."""
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        raise _invalid(
            "profile", _("未知政策档案 %(profile)s，请从列表中选择。") % {"profile": profile_id}
        ) from None
    own = actor.jurisdiction if actor is not None and actor.pk else None
    if own is not None and profile.jurisdiction.value != own.code:
        raise profiles_refusal(own)
    if profile.jurisdiction.value != issuer.code:
        raise profiles_refusal(issuer)


def _check_validity(profile_id: str, opens: datetime, closes: datetime) -> None:
    """The online window lies within the policy's validity (lianmeng.policy.validity)."""
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return
    if lapse(profile, opens) is not None:
        raise _invalid("online_opens", call_window_message(lapse(profile, opens)))
    if lapse(profile, closes) is not None:
        raise _invalid("online_closes", call_window_message(lapse(profile, closes)))


def _text_list(field: str, values: Iterable[Any], *, limit: int = 60) -> list[str]:
    out: list[str] = []
    for value in values or []:
        text = str(value).strip()
        if not text:
            continue
        if len(text) > limit:
            raise _invalid(
                field,
                _("“%(text)s…”过长（不超过 %(limit)s 个字）。")
                % {"text": text[:20], "limit": limit},
            )
        if text not in out:
            out.append(text)
    return out


def _paper_days(values: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    days: list[dict[str, Any]] = []
    for item in values or []:
        raw_day = item.get("date")
        try:
            day = raw_day if isinstance(raw_day, date) else date.fromisoformat(str(raw_day))
        except ValueError:
            raise _invalid(
                "paper_days",
                _("纸质材料报送日期“%(day)s”无效，应如 2020-09-21。") % {"day": raw_day},
            ) from None
        hours = []
        for pair in item.get("hours") or []:
            start, end = (str(p).strip() for p in pair) if len(pair) == 2 else ("", "")
            if not (_HOUR.match(start) and _HOUR.match(end)) or start >= end:
                raise _invalid(
                    "paper_days",
                    _("办公时间“%(start)s—%(end)s”无效，应如 08:00—12:00，且开始早于结束。")
                    % {"start": start, "end": end},
                )
            hours.append([start, end])
        days.append({"date": day.isoformat(), "hours": hours})
    days.sort(key=lambda d: d["date"])
    return days


def _contacts(values: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    contacts = []
    for item in values or []:
        name = str(item.get("name") or "").strip()
        phone = str(item.get("phone") or "").strip()
        office = str(item.get("office") or "").strip()
        if not name and not phone:
            continue
        if not name or not phone:
            raise _invalid("contacts", _("每位联系人须同时填写姓名和电话。"))
        contacts.append({"name": name, "phone": phone, "office": office})
    return contacts


def _materials(values: Iterable[str]) -> list[str]:
    kinds: list[str] = []
    for kind in values or []:
        if kind not in MATERIAL_KINDS:
            raise _invalid("required_materials", _("未知的材料类别 %(kind)s。") % {"kind": kind})
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def _moment(field: str, value: Any, *, end: bool) -> datetime:
    if isinstance(value, str):
        text = value.strip().replace("T", " ")
        try:
            value = (
                datetime.fromisoformat(text)
                if " " in text or len(text) > 10
                else date.fromisoformat(text)
            )
        except ValueError:
            raise _invalid(
                field,
                _("时间“%(value)s”无效，应如 2020-09-20 或 2020-09-20 17:00（北京时间）。")
                % {"value": value},
            ) from None
    if isinstance(value, date):  # a datetime is a date too
        return window_end(value) if end else window_start(value)
    raise _invalid(field, _("请填写日期或日期时间（北京时间）。"))


def _clean(fields: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise the call's fields; raise ValidationFailed naming the field."""
    out: dict[str, Any] = {}
    title = str(fields.get("title") or "").strip()
    if not title:
        raise _invalid("title", _("请填写申报通知标题。"))
    if len(title) > 200:
        raise _invalid("title", _("标题不超过 200 个字。"))
    out["title"] = title
    try:
        year = int(fields.get("year"))
    except (TypeError, ValueError):
        raise _invalid("year", _("请填写申报年度，如 2020。")) from None
    if not 2000 <= year <= 2100:
        raise _invalid("year", _("申报年度应在 2000 至 2100 之间。"))
    out["year"] = year
    out["profile"] = str(fields.get("profile") or "")
    out["document_number"] = str(fields.get("document_number") or "").strip()[:60]
    out["scope"] = str(fields.get("scope") or "").strip()
    out["focus_areas"] = _text_list("focus_areas", fields.get("focus_areas") or [])
    opens = _moment("online_opens", fields.get("online_opens"), end=False)
    closes = _moment("online_closes", fields.get("online_closes"), end=True)
    if closes <= opens:
        raise _invalid("online_closes", _("网上填报截止时间须晚于开始时间。"))
    out["online_opens_at"], out["online_closes_at"] = opens, closes
    out["paper_days"] = _paper_days(fields.get("paper_days") or [])
    out["paper_place"] = str(fields.get("paper_place") or "").strip()[:200]
    out["contacts"] = _contacts(fields.get("contacts") or [])
    out["required_materials"] = _materials(fields.get("required_materials") or [])
    try:
        copies = int(fields.get("paper_copies") or 2)
    except (TypeError, ValueError):
        raise _invalid("paper_copies", _("纸质份数应为整数。")) from None
    if not 0 <= copies <= 20:
        raise _invalid("paper_copies", _("纸质份数应在 0 至 20 之间。"))
    out["paper_copies"] = copies
    return out


def _snapshot(call: Call) -> dict[str, Any]:
    return {
        "profile": call.profile,
        "year": call.year,
        "title": call.title,
        "jurisdiction": call.jurisdiction.code,
        "online_opens_at": call.online_opens_at.isoformat(),
        "online_closes_at": call.online_closes_at.isoformat(),
        "focus_areas": call.focus_areas,
        "required_materials": call.required_materials,
        "status": call.status,
    }


def call_create(
    *,
    actor: User | None,
    profile: str,
    year: int,
    title: str,
    online_opens: date | datetime | str,
    online_closes: date | datetime | str,
    jurisdiction: Jurisdiction | str | None = None,
    document_number: str = "",
    scope: str = "",
    focus_areas: Iterable[str] = (),
    paper_days: Iterable[Mapping[str, Any]] = (),
    paper_place: str = "",
    contacts: Iterable[Mapping[str, Any]] = (),
    required_materials: Iterable[str] = (),
    paper_copies: int = 2,
) -> Call:
    """Create an unpublished call issued by ``jurisdiction`` (default: the actor's own)."""
    issuer = _issuer(actor, jurisdiction)
    _ensure_competent(actor, issuer)
    fields = _clean(
        {
            "profile": profile,
            "year": year,
            "title": title,
            "online_opens": online_opens,
            "online_closes": online_closes,
            "document_number": document_number,
            "scope": scope,
            "focus_areas": focus_areas,
            "paper_days": paper_days,
            "paper_place": paper_place,
            "contacts": contacts,
            "required_materials": required_materials,
            "paper_copies": paper_copies,
        }
    )
    _check_profile(fields["profile"], issuer, actor)
    _check_validity(fields["profile"], fields["online_opens_at"], fields["online_closes_at"])
    with transaction.atomic():
        call = Call.objects.create(
            jurisdiction=issuer, created_by=actor if actor and actor.pk else None, **fields
        )
        audit_record(actor=actor, action="lianmeng.call.created", obj=call, after=_snapshot(call))
    return call


def _lock(actor: User | None, pk: int) -> Call:
    call = Call.objects.select_for_update().select_related("jurisdiction").filter(pk=pk).first()
    if call is None:
        raise NotFound(_("未找到该申报通知。"))
    if actor is not None and (
        actor.jurisdiction_id is None or not actor.jurisdiction.contains(call.jurisdiction)
    ):
        raise NotFound(_("未找到该申报通知。"))
    _ensure_competent(actor, call.jurisdiction)
    return call


def call_update(*, actor: User | None, pk: int, **changes: Any) -> Call:
    """Change a call's fields (named as for :func:`call_create`); a published call too,
    e.g. to extend its window — every change is audited with the values before and after."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise _invalid(
            sorted(unknown)[0],
            _("不能修改字段 %(fields)s。") % {"fields": ", ".join(sorted(unknown))},
        )
    with transaction.atomic():
        call = _lock(actor, pk)
        current = {
            "profile": call.profile,
            "year": call.year,
            "title": call.title,
            "document_number": call.document_number,
            "scope": call.scope,
            "focus_areas": call.focus_areas,
            "online_opens": call.online_opens_at,
            "online_closes": call.online_closes_at,
            "paper_days": call.paper_days,
            "paper_place": call.paper_place,
            "contacts": call.contacts,
            "required_materials": call.required_materials,
            "paper_copies": call.paper_copies,
        }
        fields = _clean({**current, **changes})
        # a changed profile must be the editor's own; an unchanged one stays the call's
        _check_profile(
            fields["profile"], call.jurisdiction, actor if "profile" in changes else None
        )
        _check_validity(fields["profile"], fields["online_opens_at"], fields["online_closes_at"])
        before = _snapshot(call)
        for name, value in fields.items():
            setattr(call, name, value)
        call.save()
        audit_record(
            actor=actor,
            action="lianmeng.call.updated",
            obj=call,
            before=before,
            after=_snapshot(call),
        )
    return call


def call_publish(*, actor: User | None, pk: int) -> Call:
    """Publish a call on the public calls page. Publishing twice changes nothing; refused
    while the call's policy is not in force or its window reaches outside the validity."""
    with transaction.atomic():
        call = _lock(actor, pk)
        if call.status == Call.Status.PUBLISHED:
            return call
        lapsed = lapse_for(call.profile)
        if lapsed is not None:
            raise ValidationFailed(
                publish_refusal(lapsed), details={"reason": "policy_lapsed", "field": "profile"}
            )
        _check_validity(call.profile, call.online_opens_at, call.online_closes_at)
        call.status = Call.Status.PUBLISHED
        call.published_at = clock.now()
        call.save(update_fields=["status", "published_at", "updated_at"])
        audit_record(actor=actor, action="lianmeng.call.published", obj=call, after=_snapshot(call))
    return call
