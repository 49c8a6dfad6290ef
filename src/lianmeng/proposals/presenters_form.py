"""How the eligibility findings and the duplicate check read in the editor (M-15, M-16)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from lianmeng.core import clock
from lianmeng.policy.catalogue import RULE_TITLES
from lianmeng.policy.loader import UnknownProfileError, get_profile

from .checks import proposal_eligibility
from .editor import PARTS
from .evidence import evidence_rows
from .existing import existing_status_label
from .models import Proposal
from .path_labels import message_text, path_label
from .sections import SECTIONS, field_for_path, form_errors

STATUS = {
    "pass": (_("通过"), "success", "✓"),
    "fail": (_("不通过"), "danger", "✗"),
    "manual": (_("需人工判断"), "warning", "?"),
}
SEVERITY = {
    "required": (_("必须"), "text-bg-danger"),
    "principle": (_("原则上"), "text-bg-warning"),
    "advisory": (_("提示"), "text-bg-secondary"),
}
MATCHED_ON = {
    "name": _("名称"),
    "industry": _("产业（行业）"),
    "product": _("产品（品种）"),
    "focus_area": _("重点领域"),
}
#: the editor part where a failed rule is put right (rules absent here: nothing to edit)
FIX_PARTS = {
    "lead.is_member": "members",
    "members.identity_valid": "members",
    "members.min_count": "members",
    "members.composition": "members",
    "members.mostly_local": "members",
    "members.chain_coverage": "members",
    "members.cross_region": "members",
    "platforms.min_provincial": "members",
    "alliance.unique_in_field": "check",
    "agreement.signed": "agreement_facts",
    "agreement.content": "agreement_facts",
    "agreement.ip_benefit": "agreement_facts",
    "agreement.term": "agreement_facts",
    "agreement.open": "agreement_facts",
    "governance.bodies": "governance",
    "governance.fulltime_staff": "governance",
    "governance.fund_management": "governance",
    "materials.complete": "materials",
    "call.focus_area": "facts",
}
EVIDENCE_LABELS = {
    "compared_with": _("比对数量"),
    "similar": _("相近的联盟"),
    "threshold": _("相似度阈值"),
    "count": _("数量"),
    "note": _("说明"),
}


@dataclass
class FindingView:
    rule: str
    title: str
    status: str
    status_label: Any
    colour: str
    icon: str
    severity: str
    severity_label: Any
    severity_class: str
    message: str
    citation: dict[str, str]
    evidence: list[tuple[str, str]] = field(default_factory=list)
    #: where to put a failed or doubtful rule right ("" when passed or nothing to edit)
    fix_url: str = ""


def judging_moment(proposal: Proposal) -> Any:
    """Drafts are judged now (the pinned clock); a filed document at its submitted_at."""
    return None if (proposal.document or {}).get("submitted_at") else clock.now()


def _evidence(evidence: dict[str, Any]) -> list[tuple[str, str]]:
    rows = []
    for key, value in evidence.items():
        label = str(EVIDENCE_LABELS.get(key, key))
        if isinstance(value, str | int | float | bool) or value is None:
            text = str(value)
        else:
            text = json.dumps(value, ensure_ascii=False)
        rows.append((label, text))
    return rows


def _fix_url(proposal: Proposal, item: dict[str, Any]) -> str:
    """The part to edit for a finding that did not pass: the agreement's own facts are filled
    in 联盟协议要点, members not yet signed are ticked in the roster."""
    if item["status"] == "pass":
        return ""
    key = FIX_PARTS.get(item["rule"])
    evidence = item.get("evidence") or {}
    if item["rule"] == "agreement.signed" and evidence.get("legally_binding") is True:
        key = "members"  # the agreement's facts are in; some members have not signed
    if key is None:
        return ""
    part = next(p for p in PARTS if p.key == key)
    return f"/proposals/{proposal.pk}/{part.path}"


def _titles(profile_id: str) -> dict[str, str]:
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return {}
    return {doc.seed: doc.title.value for doc in profile.documents if doc.seed}


def _numbers(profile_id: str) -> dict[str, str]:
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return {}
    return {doc.seed: doc.number.value for doc in profile.documents if doc.seed and doc.number}


def eligibility_view(
    proposal: Proposal, eligibility: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The panel's context: either what to fill first, or the findings with a summary."""
    if eligibility is None:
        eligibility = proposal_eligibility(proposal, at=judging_moment(proposal))
    view: dict[str, Any] = {
        "proposal": proposal,
        "complete": eligibility["complete"],
        "form_errors": form_error_rows(proposal),
    }
    if not eligibility["complete"]:
        part_key, field_name = field_for_path(eligibility["path"])
        label = ""
        if part_key in SECTIONS and field_name:
            spec = SECTIONS[part_key].field(field_name)
            label = spec.label if spec else ""
        part = next((p for p in PARTS if p.key == part_key), PARTS[0])
        anchor = "#f-" + field_name.replace(".", "-").replace("_", "-") if field_name else ""
        view.update(
            path=eligibility["path"],
            #: where, as the form names it (never the JSON path)
            where=path_label(eligibility["path"]),
            message=message_text(eligibility["message"]),
            field_label=label,
            part_label=part.label,
            fix_url=f"/proposals/{proposal.pk}/{part.path}{anchor}",
        )
        return view
    titles, numbers = _titles(proposal.profile), _numbers(proposal.profile)
    findings = []
    for item in eligibility["findings"]:
        status_label, colour, icon = STATUS[item["status"]]
        severity_label, severity_class = SEVERITY[item["severity"]]
        if item["status"] == "fail" and item["severity"] == "advisory":
            colour = "secondary"
        cite = item["citation"]
        findings.append(
            FindingView(
                rule=item["rule"],
                title=RULE_TITLES.get(item["rule"], item["rule"]),
                status=item["status"],
                status_label=status_label,
                colour=colour,
                icon=icon,
                severity=item["severity"],
                severity_label=severity_label,
                severity_class=severity_class,
                message=item["message"],
                citation={
                    "seed": cite["seed"],
                    "article": cite["article"],
                    "title": titles.get(cite["seed"], ""),
                    "number": numbers.get(cite["seed"], ""),
                    #: 《文件标题》条款, as people read it
                    "text": (f"《{titles[cite['seed']]}》" if cite["seed"] in titles else "")
                    + cite["article"],
                },
                evidence=evidence_rows(
                    item.get("evidence") or {}, profile_id=proposal.profile, rule=item["rule"]
                ),
                fix_url=_fix_url(proposal, item),
            )
        )

    def count(status: str, severity: str | None = None) -> int:
        return sum(
            1
            for f in findings
            if f.status == status and (severity is None or f.severity == severity)
        )

    order = {"fail": 0, "manual": 1, "pass": 2}
    view.update(
        eligible=eligibility["eligible"],
        findings=findings,
        #: the panel shows what needs doing first
        ordered=sorted(
            findings, key=lambda f: (order[f.status], f.colour == "secondary", f.severity)
        ),
        passed=count("pass"),
        failed_required=count("fail", "required"),
        failed_principle=count("fail", "principle"),
        failed_advisory=count("fail", "advisory"),
        manual=count("manual"),
        total=len(findings),
    )
    return view


def form_error_rows(proposal: Proposal) -> list[dict[str, Any]]:
    """Fields typed but not valid, section by section, with a link to each."""
    rows = []
    for key, errors in form_errors(proposal).items():
        section = SECTIONS[key]
        part = next(p for p in PARTS if p.key == key)
        for name, message in errors.items():
            spec = section.field(name)
            anchor = "#f-" + name.replace(".", "-").replace("_", "-")
            rows.append(
                {
                    "section": section.title,
                    "label": spec.label if spec else path_label(name),
                    "message": message,
                    "url": f"/proposals/{proposal.pk}/{part.path}{anchor}",
                }
            )
    return rows


def candidate_rows(candidates: list[Any], profile_id: str = "") -> list[dict[str, Any]]:
    """Rows of the duplicate list; a proposal's state is named from its profile's table, an
    alliance of the registry by its registry status (筹建中, 已认定 …)."""
    from django.utils.translation import gettext

    from lianmeng.workflow.routing import state_label

    rows = []
    for candidate in candidates:
        status = existing_status_label(candidate.reference, candidate.status)
        if status is None:
            status = gettext(state_label(profile_id, candidate.status)) if profile_id else ""
            status = status or str(dict(Proposal.Status.choices).get(candidate.status, ""))
        rows.append(
            {
                "candidate": candidate,
                "status_label": status or candidate.status,
                "matched": [MATCHED_ON.get(key, key) for key in candidate.matched_on],
                "scores": [
                    (MATCHED_ON[key], candidate.scores[key])
                    for key in ("name", "industry", "product")
                    if key in candidate.scores
                ],
                "colour": "danger"
                if candidate.flagged
                else ("warning" if candidate.score >= 65 else "secondary"),
            }
        )
    return rows
