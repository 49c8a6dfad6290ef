"""Submission (M-17, B-3): the window to the second, the checks, the immutable version and its PDF.

``proposal_submit`` is the one way a proposal leaves the lead unit's hands. In one transaction
holding the proposal's row lock it refuses a late or early filing (Asia/Shanghai, to the
second), an incomplete document, a failed ``required`` rule and an unexplained ``principle``
rule; then it locks the proposal, stores version n+1 with its SHA-256 and verification code
and writes the audit entry. The PDF is not printed in the request (a submission on the last day
never waits on a render): a background job (lianmeng.jobs, kind ``proposals.version_pdf``)
prints it right after the commit, stores it with its SHA-256 and seals the version again
(:func:`version_pdf_render`); until then the pages say “正在生成…”. A second request for the same proposal (a double
click) waits for the lock, finds the proposal already submitted and is told so
(:class:`AlreadySubmitted`), so exactly one version is stored.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext, pgettext

from lianmeng.calls.windows import closed_message, not_open_message, window_end, window_start
from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.clock import as_beijing, format_moment
from lianmeng.core.dates import show_moment
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.integrity import seal
from lianmeng.core.models import User
from lianmeng.core.roles import Role
from lianmeng.documents.pdf import VersionStamp, render_proposal_pdf, unique_code
from lianmeng.policy.catalogue import RULE_TITLES
from lianmeng.workflow.models import StateChange
from lianmeng.workflow.routing import state_label

from .checks import proposal_eligibility
from .editing import document_saved, lock_for_edit
from .lifecycle import record_state_change
from .models import Proposal, ProposalVersion
from .path_labels import message_text, path_label

#: the shortest explanation accepted for a failed 原则上 rule
MIN_EXPLANATION = 10


class AlreadySubmitted(Conflict):
    """The proposal is already submitted (a second click, or a stale tab): nothing to do."""

    code = "already_submitted"

    def __init__(self, version: ProposalVersion | None) -> None:
        super().__init__(
            gettext("已提交，无需重复提交。"),
            details={"version": version.number if version else None},
        )
        self.version = version


@dataclass(frozen=True)
class Window:
    """The online window a proposal is judged against, both ends inclusive, Beijing time."""

    title: str
    opens: datetime
    closes: datetime

    @property
    def opens_text(self) -> str:
        return show_moment(self.opens, seconds=True)

    @property
    def closes_text(self) -> str:
        return show_moment(self.closes, seconds=True)

    def state(self, moment: datetime) -> str:
        moment = as_beijing(moment)
        if moment < self.opens:
            return "upcoming"
        if moment > self.closes:
            return "closed"
        return "open"


class _WindowCall:
    """Adapter so the calls module's messages speak about any window."""

    def __init__(self, window: Window) -> None:
        self.online_opens_at = window.opens
        self.online_closes_at = window.closes


def submission_window(proposal: Proposal) -> Window | None:
    """The call's window: the stored call, else the profile's call of the proposal's year.

    None when neither exists (a profile that files all year round): then no time is refused.
    """
    if proposal.call_id is not None:
        call = proposal.call
        return Window(
            title=call.title,
            opens=as_beijing(call.online_opens_at),
            closes=as_beijing(call.online_closes_at),
        )
    from lianmeng.policy.loader import UnknownProfileError, get_profile

    try:
        profile = get_profile(proposal.profile)
    except UnknownProfileError:
        return None
    year = proposal.call_year or (proposal.document or {}).get("call_year")
    seeded = profile.call_for(year) if year else None
    if seeded is None:
        return None
    return Window(
        title=seeded.title.value,
        opens=window_start(seeded.online_opens.value),
        closes=window_end(seeded.online_closes.value),
    )


def window_refusal(window: Window | None, moment: datetime) -> str | None:
    """The message refusing a filing at ``moment`` (in the reader's language), or None when
    it is on time."""
    if window is None:
        return None
    state = window.state(moment)
    if state == "closed":
        return closed_message(_WindowCall(window))
    if state == "upcoming":
        return not_open_message(_WindowCall(window))
    return None


def validity_refusal(proposal: Proposal, moment: datetime) -> str | None:
    """Why nothing can be submitted under the proposal's policy at ``moment`` (its document,
    文号 and validity, in the reader's language), or None while the policy is in force."""
    from lianmeng.core.validity import lapse_for, submit_refusal

    lapsed = lapse_for(proposal.profile, moment)
    return submit_refusal(lapsed) if lapsed is not None else None


def submission_review(proposal: Proposal, *, at: datetime | None = None) -> dict[str, Any]:
    """What stands between the proposal and its submission at ``at`` (default: now).

    ``{"window", "window_refusal", "complete", "path", "message", "findings", "required",
    "principle", "ready"}``: ``required`` are failed required rules (refuse), ``principle``
    failed principle rules (each needs an explanation).
    """
    moment = at or clock.now()
    window = submission_window(proposal)
    review: dict[str, Any] = {
        "at": moment,
        "window": window,
        "window_refusal": window_refusal(window, moment),
        #: the policy is not in force (submission and resubmission alike; core.validity)
        "validity_refusal": validity_refusal(proposal, moment),
        "findings": [],
        "required": [],
        "principle": [],
    }
    result = proposal_eligibility(proposal, at=moment)
    review["complete"] = result["complete"]
    if not result["complete"]:
        review["path"], review["message"] = result["path"], message_text(result["message"])
        review["where"] = path_label(result["path"])  # as the form names it
    else:
        findings = result["findings"]
        review["findings"] = findings
        review["required"] = [
            f for f in findings if f["status"] == "fail" and f["severity"] == "required"
        ]
        review["principle"] = [
            f for f in findings if f["status"] == "fail" and f["severity"] == "principle"
        ]
    review["passed"] = sum(1 for f in review["findings"] if f["status"] == "pass")
    review["ready"] = (
        review["complete"]
        and not review["required"]
        and review["window_refusal"] is None
        and review["validity_refusal"] is None
    )
    return review


def canonical_sha256(document: Any, writeups: Any, explanations: Any) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of the filed content."""
    payload = {"document": document, "writeups": writeups or {}, "explanations": explanations or {}}
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_verification_code() -> str:
    """12 characters from an alphabet without look-alikes, not used before."""
    return unique_code(ProposalVersion)


def verify_url(code: str, site_url: str | None = None) -> str:
    """``<site>/verify/<code>`` on the site's configured public address (setting
    ``SITE_URL``); ``site_url`` (the address a request came to) is no longer used: behind a
    proxy it is the internal address, which a paper copy's reader cannot reach."""
    from lianmeng.core.site import absolute_url

    return absolute_url(f"/verify/{code}")


def _is_lead_staff(actor: User, proposal: Proposal) -> bool:
    return actor.has_role(Role.APPLICANT) and actor.unit_id == proposal.lead_unit_id


def _refuse(review: dict[str, Any], explanations: dict[str, str]) -> dict[str, str]:
    """Raise ValidationFailed for the first thing in the way; else the explanations to keep."""
    if review.get("validity_refusal"):
        raise ValidationFailed(review["validity_refusal"], details={"reason": "policy_lapsed"})
    if review["window_refusal"]:
        raise ValidationFailed(review["window_refusal"], details={"reason": "window"})
    if not review["complete"]:
        #: the message names the field as the form does; ``details.path`` is its JSON path
        raise ValidationFailed(
            gettext("申报书尚未填写完整，不能提交：%(path)s：%(problem)s")
            % {"path": review["where"], "problem": review["message"]},
            details={"reason": "incomplete", "path": review["path"]},
        )
    if review["required"]:
        #: each rule by its title in the message; ``details.rules`` names them by id
        titled = pgettext("list separator", "；").join(
            f"{RULE_TITLES.get(f['rule'], f['rule'])}：{f['message']}" for f in review["required"]
        )
        raise ValidationFailed(
            gettext("以下必须满足的条件未满足，不能提交：%(findings)s") % {"findings": titled},
            details={"reason": "required", "rules": [f["rule"] for f in review["required"]]},
        )
    kept: dict[str, str] = {}
    missing = []
    for finding in review["principle"]:
        text = (explanations.get(finding["rule"]) or "").strip()
        if len(text) < MIN_EXPLANATION:
            missing.append(finding)
        else:
            kept[finding["rule"]] = text
    if missing:
        lines = pgettext("list separator", "；").join(
            f"{RULE_TITLES.get(f['rule'], f['rule'])}：{f['message']}" for f in missing
        )
        raise ValidationFailed(
            gettext(
                "以下“原则上”条件未满足，请逐条填写说明（不少于 %(min)s 个字）后再提交：%(findings)s"
            )
            % {"min": MIN_EXPLANATION, "findings": lines},
            details={"reason": "explanation", "rules": [f["rule"] for f in missing]},
        )
    return kept


def _refuse_typed_errors(proposal: Proposal) -> None:
    """A value typed into the form that did not validate is not in the document: submitting
    would file something other than what the applicant typed. Refuse and say where."""
    from .editor import part_url
    from .sections import SECTIONS, form_errors

    errors = form_errors(proposal)
    if not errors:
        return
    first_section, fields = next(iter(errors.items()))
    label = SECTIONS[first_section].title
    raise ValidationFailed(
        gettext("申报书中有 %(count)s 处填写有误（如“%(section)s”：%(problem)s），请改正后再提交。")
        % {
            "count": sum(len(f) for f in errors.values()),
            "section": label,
            "problem": next(iter(fields.values())),
        },
        details={
            "reason": "form_errors",
            "sections": sorted(errors),
            "url": part_url(proposal, first_section),
        },
    )


#: the job that prints a submitted version's PDF (lianmeng.proposals.job_kinds)
PDF_JOB = "proposals.version_pdf"


def _stamp(version: ProposalVersion) -> VersionStamp:
    return VersionStamp(
        label=f"第 {version.number} 版 · {format_moment(version.submitted_at)} 提交",
        code=version.verification_code,
        number=version.number,
        submitted_at=version.submitted_at,
        sha256=version.sha256,
        verify_url=verify_url(version.verification_code),
    )


def _seal(version: ProposalVersion, actor: User | None, *, printed: bool) -> None:
    """The seal: the version's hash (document, PDF bytes, …) kept in the audit chain and
    re-checked by `lianmeng audit verify` (lianmeng.core.integrity). Sealed again when the
    PDF is added: the last seal is the one verified."""
    audit_record(
        actor=actor,
        action=(
            "lianmeng.proposal.version.pdf_sealed"
            if printed
            else "lianmeng.proposal.version.sealed"
        ),
        obj=version,
        after={
            "proposal": version.proposal_id,
            "number": version.number,
            **({"pdf_sha256": version.pdf_sha256} if printed else {}),
            **seal(version),
        },
    )


def store_version(
    *,
    proposal: Proposal,
    actor: User | None,
    at: datetime,
    site_url: str | None = None,
    print_pdf: bool = True,
) -> ProposalVersion:
    """Store version n+1 of ``proposal`` as it stands (document, write-ups, explanations),
    submitted at ``at``, with its SHA-256 and verification code, and (``print_pdf``) its
    printed PDF; without it the PDF is left to :func:`version_pdf_render`.

    The one way a version is made: :func:`proposal_submit` calls it inside its transaction
    (PDF by a job), and the demo data files its examples' versions through it at their filing
    dates (PDF at once).
    """
    document = proposal.document
    kept = proposal.explanations or {}
    number = (proposal.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    digest = canonical_sha256(document, proposal.writeups, kept)
    code = new_verification_code()
    version = ProposalVersion(
        proposal=proposal,
        number=number,
        document=copy.deepcopy(document),
        writeups=copy.deepcopy(proposal.writeups or {}),
        explanations=dict(kept),
        sha256=digest,
        verification_code=code,
        submitted_at=at,
        submitted_by=actor,
    )
    if print_pdf:
        pdf = render_proposal_pdf(document, writeups=proposal.writeups, version=_stamp(version))
        version.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        version.pdf.save(f"proposal-{proposal.pk}-v{number}.pdf", ContentFile(pdf), save=False)
    version.save()
    _seal(version, actor, printed=False)
    return version


def version_pdf_render(version_id: int, *, actor: User | None = None) -> ProposalVersion | None:
    """Print the PDF of a stored version that has none, store it with its SHA-256 and seal the
    version again; the version (None when it is gone). Printing twice stores one PDF."""
    version = ProposalVersion.objects.filter(pk=version_id).first()
    if version is None or version.pdf:
        return version
    # rendered outside the transaction: no lock is held while the PDF is printed
    pdf = render_proposal_pdf(version.document, writeups=version.writeups, version=_stamp(version))
    with transaction.atomic():
        locked = ProposalVersion.objects.select_for_update().get(pk=version_id)
        if locked.pdf:
            return locked
        locked.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        locked.pdf.save(
            f"proposal-{locked.proposal_id}-v{locked.number}.pdf", ContentFile(pdf), save=False
        )
        locked.save(update_fields=["pdf", "pdf_sha256"])
        _seal(locked, actor, printed=True)
    return locked


def version_pdf_pending(version: ProposalVersion) -> bool:
    """The version's PDF is still being printed (a job is queued or running for it)."""
    from lianmeng.jobs.models import Job

    return (
        not version.pdf
        and Job.objects.filter(
            kind=PDF_JOB, parameters_key=_pdf_job_key(version.pk), state__in=Job.ACTIVE
        ).exists()
    )


def version_pdf_ensure(version: ProposalVersion) -> None:
    """For a page or API call that finds no PDF: make sure a job is printing it (started
    again, for its filer, when an earlier job was lost)."""
    if not version.pdf and not version_pdf_pending(version):
        version_pdf_start(version, owner=version.submitted_by)


def _pdf_job_key(version_id: int) -> str:
    from lianmeng.jobs.services import parameters_key

    return parameters_key({"version": version_id})


def version_pdf_start(version: ProposalVersion, *, owner: User | None) -> None:
    """Have the version's PDF printed by a job (again, when an earlier job was lost)."""
    from lianmeng.jobs.services import job_start

    owner = owner or version.submitted_by
    if version.pdf or owner is None:
        return
    job_start(
        owner=owner,
        kind=PDF_JOB,
        parameters={"version": version.pk},
        title=gettext("生成申报书 PDF（第 %(n)s 版）") % {"n": version.number},
    )


def proposal_submit(
    *,
    actor: User,
    pk: int,
    explanations: dict[str, str] | None = None,
    revision: int | None = None,
    site_url: str | None = None,
) -> ProposalVersion:
    """Submit the proposal: refuse or lock it and store version n+1; its PDF is printed by a
    background job started after the commit (:data:`PDF_JOB`).

    Raises :class:`AlreadySubmitted` when it is already submitted (nothing is stored),
    ValidationFailed naming what to fix, PermissionDenied / NotFound / Conflict as
    ``lock_for_edit`` does.
    """
    explanations = {str(k): str(v) for k, v in (explanations or {}).items()}
    with transaction.atomic():
        current = Proposal.objects.select_for_update().filter(pk=pk).first()
        if current is None:
            raise NotFound(gettext("未找到该申报，或您无权查看。"))
        if current.status == Proposal.Status.SUBMITTED and _is_lead_staff(actor, current):
            raise AlreadySubmitted(current.versions.order_by("-number").first())
        proposal = lock_for_edit(actor=actor, pk=pk, revision=revision)
        now = clock.now()
        _refuse_typed_errors(proposal)
        review = submission_review(proposal, at=now)
        kept = _refuse(review, explanations)
        from_state = proposal.status

        document = copy.deepcopy(proposal.document)
        document["submitted_at"] = as_beijing(now).replace(microsecond=0).isoformat()
        if proposal.call_id is not None:
            document["call_year"] = proposal.call.year  # the call answered decides the year
        proposal.document = document
        proposal.explanations = kept
        proposal.status = Proposal.Status.SUBMITTED
        proposal.submitted_at = now

        version = store_version(
            proposal=proposal, actor=actor, at=now, site_url=site_url, print_pdf=False
        )
        number, code, digest = version.number, version.verification_code, version.sha256
        record_state_change(
            proposal=proposal,
            from_state=from_state,
            to_state=Proposal.Status.SUBMITTED,
            transition="submit",
            actor=actor,
            data={"version": number},
        )
        document_saved(
            actor=actor,
            proposal=proposal,
            action="lianmeng.proposal.submitted",
            after={
                "version": number,
                "verification_code": code,
                "sha256": digest,
                "explained": sorted(kept),
            },
        )
    # after the commit: the PDF is printed by a job, not in this request
    version_pdf_start(version, owner=actor)
    version.refresh_from_db()
    return version


def proposal_explanations_save(
    *, actor: User, pk: int, explanations: dict[str, str], revision: int | None = None
) -> Proposal:
    """Keep typed explanations when a submission is refused (nothing typed is lost)."""
    cleaned = {str(k): str(v).strip() for k, v in explanations.items() if str(v).strip()}
    with transaction.atomic():
        proposal = lock_for_edit(actor=actor, pk=pk, revision=revision)
        before = proposal.explanations
        if cleaned == before:
            return proposal
        proposal.explanations = cleaned
        return document_saved(
            actor=actor,
            proposal=proposal,
            action="lianmeng.proposal.explanations.saved",
            before={"rules": sorted(before or {})},
            after={"rules": sorted(cleaned)},
        )


def _withdrawable_states(proposal: Proposal) -> set[str]:
    """The states the profile's lifecycle lets the lead unit withdraw from (before 受理)."""
    from lianmeng.policy.loader import get_profile

    lifecycle = get_profile(proposal.profile).lifecycle
    if lifecycle is None:
        return {Proposal.Status.SUBMITTED, Proposal.Status.RETURNED}
    return {state for t in lifecycle.of_kind("withdraw") for state in t.from_}


def proposal_withdraw(*, actor: User, pk: int, reason: str) -> Proposal:
    """Withdraw a submitted (or returned) proposal before it is accepted (撤回)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(gettext("请填写撤回原因。"), details={"field": "reason"})
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().filter(pk=pk).first()
        if proposal is None or not _is_lead_staff(actor, proposal):
            raise NotFound(gettext("未找到该申报，或您无权查看。"))
        allowed = _withdrawable_states(proposal)
        if proposal.status not in allowed:
            raise PermissionDenied(
                gettext("该申报当前状态为“%(state)s”，只有尚未受理的申报可以撤回。")
                % {"state": gettext(state_label(proposal.profile, proposal.status))}
            )
        before = proposal.status
        proposal.status = Proposal.Status.WITHDRAWN
        proposal.save(update_fields=["status", "updated_at"])
        record_state_change(
            proposal=proposal,
            from_state=before,
            to_state=Proposal.Status.WITHDRAWN,
            transition="withdraw",
            actor=actor,
            reason=reason,
        )
        audit_record(
            actor=actor,
            action="lianmeng.proposal.withdrawn",
            obj=proposal,
            before={"status": before},
            after={"status": proposal.status, "reason": reason},
        )
    return proposal


def proposal_return(*, actor: User, pk: int, reason: str) -> Proposal:
    """Return a proposal to its lead unit for revision (退回修改), through the lifecycle engine.

    The profile's table says who may return from which state (each recommending level has
    its own return transition); this picks the one open to ``actor`` now.
    """
    from .lifecycle import allowed_transitions, proposal_transition
    from .selectors import proposal_get

    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            gettext("请填写退回原因，告诉申报单位需要修改什么。"), details={"field": "reason"}
        )
    proposal = proposal_get(viewer=actor, pk=pk)  # NotFound outside the actor's area
    returning = [
        t
        for t in allowed_transitions(actor=actor, proposal=proposal)
        if t.to == Proposal.Status.RETURNED
    ]
    if not returning:
        raise PermissionDenied(
            gettext("该申报当前状态为“%(state)s”，您现在不能退回。")
            % {"state": gettext(state_label(proposal.profile, proposal.status))}
        )
    return proposal_transition(actor=actor, pk=pk, transition=returning[0].id, reason=reason)


def return_reason(proposal: Proposal) -> str:
    """Why the proposal was last returned (empty if never), from its state history."""
    change = (
        StateChange.objects.of(proposal)
        .filter(to_state=Proposal.Status.RETURNED)
        .order_by("-at", "-id")
        .first()
    )
    return change.reason if change else ""
