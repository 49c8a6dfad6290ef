"""Writes on proposals. Every function is atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from lianmeng.calls.selectors import call_list_public
from lianmeng.calls.windows import closed_message, not_open_message, window_state
from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import Jurisdiction, Unit, User
from lianmeng.core.roles import Role
from lianmeng.core.selectors import jurisdiction_for_region
from lianmeng.core.services import unit_create
from lianmeng.core.validity import apply_refusal, lapse_for
from lianmeng.policy.interchange import InterchangeError, parse_proposal
from lianmeng.policy.loader import load_profiles
from lianmeng.policy.uscc import IdentityError, uscc_region, validate_uscc

from .models import Proposal


def _lead_identity(doc: Any) -> tuple[str | None, str | None]:
    lead = doc.lead_unit
    uscc = lead.uscc
    if uscc:
        try:
            uscc = validate_uscc(uscc)
        except IdentityError as exc:
            raise ValidationFailed(f"$.lead_unit.uscc: {exc}") from exc
    return uscc, lead.org_code


def _find_or_register_lead(*, actor: User | None, doc: Any) -> Unit:
    uscc, org_code = _lead_identity(doc)
    unit = None
    if uscc:
        unit = Unit.objects.filter(uscc=uscc).first()
    elif org_code:
        unit = Unit.objects.filter(org_code=org_code).first()
    if unit is not None:
        return unit
    lead_member = next((m for m in doc.members if m.role == "lead"), None)
    region_code = lead_member.region_code if lead_member is not None else None
    kind = lead_member.kind if lead_member is not None else "other"
    return unit_create(
        actor=actor,
        name=doc.lead_unit.name,
        kind=kind,
        uscc=uscc,
        org_code=org_code,
        region_code=region_code,
    )


def _zone_of(doc: Any, region: Jurisdiction) -> Jurisdiction | None:
    """The free-trade or high-tech zone the lead unit declares, within its city."""
    for name in (doc.lead_unit.free_trade_zone, doc.lead_unit.high_tech_zone):
        if not name:
            continue
        city_path = "/".join(region.path.split("/")[:3]) + "/"
        zone = (
            Jurisdiction.objects.filter(
                path__startswith=city_path, kind__in=["ftz", "hitech", "zone"]
            )
            .filter(
                name__contains=name.replace("片区", "").replace("中国（河南）自由贸易试验区", "")
            )
            .first()
        )
        if zone is not None:
            return zone
    return None


def proposal_import(*, actor: User | None, document: dict[str, Any]) -> Proposal:
    """Store an interchange document (schema version 1) as a draft proposal.

    An applicant may only file for the unit he works for; the CLI (actor None) may file
    for any lead unit and registers it when unknown.
    """
    try:
        doc = parse_proposal(document)
    except InterchangeError as exc:
        raise ValidationFailed(f"{exc.path}: {exc.message}", details={"path": exc.path}) from exc
    if doc.profile not in load_profiles():
        raise ValidationFailed(
            _("$.profile: 未知政策档案 %(profile)s") % {"profile": doc.profile},
            details={"path": "$.profile"},
        )
    with transaction.atomic():
        lead = _find_or_register_lead(actor=actor, doc=doc)
        if actor is not None:
            if not actor.has_role(Role.APPLICANT):
                raise PermissionDenied(_("只有申报单位的账号可以导入申报。"))
            if actor.unit_id != lead.pk:
                raise PermissionDenied(
                    _("只能以本单位作为牵头单位申报：导入文件中的牵头单位与您所在单位不一致。")
                )
        region = lead.region
        if doc.lead_unit.uscc and region.code != uscc_region(doc.lead_unit.uscc):
            region = jurisdiction_for_region(uscc_region(doc.lead_unit.uscc)) or region
        proposal = Proposal.objects.create(
            profile=doc.profile,
            call_year=doc.call_year,
            name=doc.name,
            domain=doc.domain,
            focus_area=doc.focus_area or "",
            industry=doc.industry or "",
            product=doc.product or "",
            lead_unit=lead,
            region=region,
            zone=_zone_of(doc, region),
            member_count=len(doc.members),
            document=document,
            created_by=actor,
        )
        audit_record(
            actor=actor,
            action="lianmeng.proposal.imported",
            obj=proposal,
            after={
                "name": proposal.name,
                "profile": proposal.profile,
                "members": proposal.member_count,
            },
        )
    return proposal


def proposal_export(*, proposal: Proposal, viewer: User | None = None) -> dict[str, Any]:
    """The interchange document as filed, unchanged; for ``viewer``, with the liaisons'
    numbers and e-mails masked unless he needs them (:mod:`.contacts`)."""
    if viewer is None:
        return proposal.document
    from .contacts import document_for

    return document_for(viewer, proposal)


def proposal_create(*, actor: User, call: Any) -> Proposal:
    """Open a new draft for ``call`` with the actor's unit as lead unit and first member."""
    from lianmeng.calls.models import Call

    if not actor.has_role(Role.APPLICANT) or actor.unit_id is None:
        raise PermissionDenied(_("只有申报单位（牵头单位）的账号可以在线填报。"))
    if call.status != Call.Status.PUBLISHED:
        raise PermissionDenied(_("该申报通知尚未发布。"))
    lapsed = lapse_for(call.profile)
    if lapsed is not None:
        raise PermissionDenied(apply_refusal(lapsed), details={"reason": "policy_lapsed"})
    unit = actor.unit
    lead: dict[str, Any] = {"name": unit.name}
    member: dict[str, Any] = {"name": unit.name, "role": "lead", "kind": unit.kind}
    for key in ("uscc", "org_code"):
        if getattr(unit, key):
            lead[key] = member[key] = getattr(unit, key)
    document = {
        "format_version": 1,
        "profile": call.profile,
        "call_year": call.year,
        "lead_unit": lead,
        "members": [member],
    }
    with transaction.atomic():
        proposal = Proposal.objects.create(
            profile=call.profile,
            call=call,
            call_year=call.year,
            name="",
            domain="industry",
            lead_unit=unit,
            region=unit.region,
            member_count=1,
            document=document,
            created_by=actor,
        )
        from .materials import system_made_entries

        made = system_made_entries(proposal)
        if made:
            proposal.document["materials"] = made
            proposal.save(update_fields=["document"])
        audit_record(
            actor=actor,
            action="lianmeng.proposal.created",
            obj=proposal,
            after={"call": call.pk, "profile": call.profile},
        )
    return proposal


def proposal_apply(*, actor: User, call_pk: int) -> Proposal:
    """Open a draft proposal for a published call (在线申报); refused outside the window and
    while the call's policy is not in force."""
    call = call_list_public().filter(pk=call_pk).first()
    if call is None:
        raise NotFound(_("未找到该申报通知。"))
    if not actor.has_role(Role.APPLICANT) or actor.unit_id is None:
        raise PermissionDenied(_("只有申报单位（牵头单位）的账号可以在线申报。"))
    lapsed = lapse_for(call.profile)
    if lapsed is not None:  # the policy is not in force: nothing filed could be submitted
        raise PermissionDenied(apply_refusal(lapsed), details={"reason": "policy_lapsed"})
    state = window_state(call, clock.now())
    if state == "upcoming":
        raise PermissionDenied(not_open_message(call))
    if state == "closed":
        raise PermissionDenied(closed_message(call))
    return proposal_create(actor=actor, call=call)
