"""变更备案 (M-31): member join and exit, key-person and address changes and the agreement's
renewal, filed by the lead unit and acknowledged (知悉) or queried (质询) by the department.

Every write checks who acts, runs in one transaction with its audit entry and refuses a stale
``revision`` (the workspace's for the lead unit's changes, the filing's for the department's
answer). A filing is created and submitted in one step: its submission, acknowledgement, query
and the lead unit's answer are transitions of the profile's ``[report_lifecycle]`` fired
through the lifecycle engine (subject kind ``change``), each with its history row and audit
entry. The workspace is updated when the change is filed (the alliance decides its own
membership); a membership change re-runs the roster rules and records what the alliance no
longer meets on the filing, and both sides are told.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, ValidationFailed
from lianmeng.core.models import Unit, User
from lianmeng.core.roles import Role
from lianmeng.core.validity import BASIS_FIELD
from lianmeng.proposals import roster_xlsx
from lianmeng.proposals.roster_fields import (
    code_label,
    identity_keys,
    known_region_codes,
    member_clean,
)
from lianmeng.workflow import engine
from lianmeng.workflow.models import Deadline, StateChange

from . import change_selectors, eligibility, lifecycle, notices, selectors
from .models import KEY_PEOPLE, ChangeFiling, Member, Signature, Workspace
from .services import _check_revision, _lead_workspace, _person, document_upload

__all__ = [
    "ImportRefused",
    "address_change",
    "agreement_deadline_sync",
    "change_acknowledge",
    "change_answer",
    "change_query",
    "key_person_change",
    "member_exit",
    "member_import_xlsx",
    "member_join",
    "renewal_file",
    "signature_confirm",
    "signature_paper",
]

MAX_NOTE = 2000
MAX_REASON = 200
#: the most units one join (or one workbook) adds
MAX_JOIN = roster_xlsx.MAX_ROWS
EARLIEST = date(1990, 1, 1)
AGREEMENT_DEADLINE = "agreement_term"


class ImportRefused(ValidationFailed):
    """A roster workbook with bad rows: nothing was stored; ``rows`` are (row number, reason)."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        self.rows = rows
        super().__init__(
            gettext(
                "名单中有 %(n)s 行需要修改，本次没有加入任何单位。请按每行的提示改正后重新导入。"
            )
            % {"n": len(rows)},
            details={"rows": [{"row": r, "reason": t} for r, t in rows]},
        )


# -- shared ---------------------------------------------------------------------------------


def _today() -> date:
    return clock.beijing_now().date()


def _day(value: Any, field_name: str, label: str, *, future_ok: bool = False) -> date:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        raise ValidationFailed(
            gettext("请填写%(label)s（年-月-日）。") % {"label": label},
            details={"fields": {field_name: "date"}},
        )
    if value < EARLIEST or (not future_ok and value > _today()):
        raise ValidationFailed(
            gettext("%(label)s应在 1990 年到今天之间，请核对。") % {"label": label},
            details={"fields": {field_name: "range"}},
        )
    return value


def _note(text: Any) -> str:
    note = str(text or "").strip()
    if len(note) > MAX_NOTE:
        raise ValidationFailed(
            gettext("说明不能超过 %(max)s 字。") % {"max": MAX_NOTE},
            details={"fields": {"note": "too_long"}},
        )
    return note


def _current(workspace: Workspace) -> list[Member]:
    return list(
        Member.objects.filter(workspace=workspace, left_on__isnull=True).order_by("role", "id")
    )


def _bump(workspace: Workspace, *changed: str) -> None:
    workspace.revision += 1
    workspace.updated_at = clock.now()
    workspace.save(update_fields=["revision", "updated_at", *changed])


def _file(
    *,
    actor: User,
    access: selectors.Access,
    kind: str,
    before: dict[str, Any],
    after: dict[str, Any],
    note: str,
    warnings: list[dict[str, Any]] | None = None,
    basis: str = "",
) -> ChangeFiling:
    """Create the filing and submit it through the engine (in the caller's transaction)."""
    alliance: Alliance = access.alliance
    now = clock.now()
    filing = ChangeFiling.objects.create(
        workspace=access.workspace,
        alliance=alliance,
        kind=kind,
        profile=alliance.profile,
        region=alliance.region,
        lead_unit_id=alliance.lead_unit_id,
        before=before,
        after=after,
        note=note,
        warnings=warnings or [],
        warned=bool(warnings),
        filed_by=actor,
        filed_at=now,
        created_at=now,
        updated_at=now,
    )
    audit_record(
        actor=actor,
        action="lianmeng.running.change.filed",
        obj=filing,
        after={
            "alliance": alliance.pk,
            "kind": kind,
            "before": before,
            "after": after,
            "warnings": [w["rule"] for w in warnings or []],
        },
    )
    data = {BASIS_FIELD: basis} if basis else {}
    engine.transition(
        actor=actor,
        kind=lifecycle.KIND,
        pk=filing.pk,
        transition=lifecycle.SUBMIT,
        reason=note,
        data=data,
    )
    filing.refresh_from_db()
    _tell_filed(filing)
    return filing


def _warning_text(filing: ChangeFiling) -> str:
    return "\n".join(f"· {w['message']}（{w['cited']}）" for w in filing.warnings)


def _tell_filed(filing: ChangeFiling) -> None:
    alliance = filing.alliance
    kind = str(filing.get_kind_display())
    subject = f"{alliance.name}报送了{kind}备案"
    body = f"{alliance.lead_unit.name}报送了{kind}备案，请知悉或质询。"
    if filing.warned:
        subject = f"{alliance.name}的{kind}后不再符合条件"
        body += f"\n\n变更后联盟不再符合以下条件：\n{_warning_text(filing)}"
        notices.send(
            notices.lead_unit_staff(filing),
            notices.EVENT_WARNING,
            f"{kind}后，{alliance.name}不再符合条件",
            f"本次{kind}已备案，但变更后联盟不再符合以下条件，请及时调整：\n{_warning_text(filing)}",
            filing,
        )
    notices.send(notices.department_staff(filing), notices.EVENT_FILED, subject, body, filing)


def _sync_member_count(alliance: Alliance, count: int) -> None:
    # the registry's 成员总数 follows the roster (a field, not the alliance's state)
    Alliance.objects.filter(pk=alliance.pk).update(member_count=count)


def _roster_view(members: list[Member]) -> list[dict[str, str]]:
    return [{"name": m.name, "uscc": m.uscc, "kind": m.kind} for m in members]


# -- join and exit --------------------------------------------------------------------------


def _clean_rows(
    rows: list[tuple[int, dict[str, Any]]], current: list[Member]
) -> tuple[list[dict[str, Any]], list[tuple[int, str]]]:
    """Each row checked like a unit of the proposal roster (codes with their check digits,
    enumerations, field limits), against the roster and the rows above it."""
    known = known_region_codes(str(d.get("region_code") or "") for _, d in rows)
    existing: dict[tuple[str, str], Member] = {}
    for m in current:
        for key in identity_keys({"uscc": m.uscc}) if m.uscc else []:
            existing[key] = m
    seen: dict[tuple[str, str], int] = {}
    cleaned, errors = [], []
    for number, data in rows:
        member, problems = member_clean(data, known_regions=known)
        keys = identity_keys(member) if not ({"uscc", "org_code"} & set(problems)) else []
        for key in keys:
            if key in seen:
                problems = {
                    "duplicate": f"{code_label(key[0])}与第 {seen[key]} 行重复",
                    **problems,
                }
                break
            if key in existing:
                problems = {
                    "duplicate": f"“{existing[key].name}”已是联盟成员单位（{code_label(key[0])}相同）",
                    **problems,
                }
                break
        for key in keys:
            seen.setdefault(key, number)
        if problems:
            errors.append((number, "；".join(dict.fromkeys(problems.values()))))
        else:
            cleaned.append(member)
    return cleaned, errors


def _join(
    *,
    actor: User,
    alliance_id: Any,
    revision: Any,
    rows: list[tuple[int, dict[str, Any]]],
    joined_on: Any,
    note: str,
    basis: str,
    source: str,
) -> ChangeFiling:
    joined = _day(joined_on, "joined_on", gettext("加入日期"))
    note = _note(note)
    if not rows:
        raise ValidationFailed(gettext("请至少填写一家加入的单位。"))
    if len(rows) > MAX_JOIN:
        raise ValidationFailed(gettext("一次至多加入 %(max)s 家单位。") % {"max": MAX_JOIN})
    with transaction.atomic():
        access = _lead_workspace(actor, alliance_id)
        workspace = access.workspace
        _check_revision(workspace.revision, revision, gettext("成员名单"))
        before = _current(workspace)
        cleaned, errors = _clean_rows(rows, before)
        if errors:
            raise ImportRefused(errors)
        units = dict(
            Unit.objects.filter(uscc__in=[m["uscc"] for m in cleaned if m.get("uscc")]).values_list(
                "uscc", "pk"
            )
        )
        added = Member.objects.bulk_create(
            [
                Member(
                    workspace=workspace,
                    unit_id=units.get(m.get("uscc", "")),
                    name=m["name"],
                    uscc=m.get("uscc", ""),
                    kind=m.get("kind", ""),
                    role=Member.Role.MEMBER,
                    joined_on=joined,
                    details={
                        k: v
                        for k, v in m.items()
                        if k not in {"name", "uscc", "kind", "role", "liaison", "standing"}
                    },
                )
                for m in cleaned
            ]
        )
        after = _current(workspace)
        _bump(workspace)
        _sync_member_count(access.alliance, len(after))
        warnings = eligibility.warnings_after(workspace, before, after)
        return _file(
            actor=actor,
            access=access,
            kind=ChangeFiling.Kind.MEMBER_JOIN,
            before={"count": len(before)},
            after={
                "count": len(after),
                "joined_on": joined.isoformat(),
                "source": source,
                "members": _roster_view(added),
            },
            note=note,
            warnings=warnings,
            basis=basis,
        )


def member_join(
    *,
    actor: User,
    alliance_id: Any,
    revision: Any,
    members: list[dict[str, Any]],
    joined_on: Any,
    note: str = "",
    basis: str = "",
) -> ChangeFiling:
    """Add one or several member units (name, USCC validated, kind …) and file the join."""
    rows = [(i + 1, dict(m) if isinstance(m, dict) else {}) for i, m in enumerate(members)]
    return _join(
        actor=actor,
        alliance_id=alliance_id,
        revision=revision,
        rows=rows,
        joined_on=joined_on,
        note=note,
        basis=basis,
        source="form",
    )


def member_import_xlsx(
    *,
    actor: User,
    alliance_id: Any,
    revision: Any,
    file: Any,
    joined_on: Any,
    note: str = "",
    basis: str = "",
) -> ChangeFiling:
    """Add the units of a roster workbook (the proposal roster's template and columns, read by
    the same bounded reader). Any bad row refuses the whole file: nothing is stored, and every
    bad row is named with its reason (:class:`ImportRefused`)."""
    from lianmeng.proposals.roster import _read_upload

    with transaction.atomic():
        _lead_workspace(actor, alliance_id)  # another alliance's file is not read
    content = _read_upload(file)
    sheet = roster_xlsx.read_rows(content)
    bad = [(r.number, "；".join(dict.fromkeys(r.errors.values()))) for r in sheet if r.errors]
    if bad:
        raise ImportRefused(bad)
    if not sheet:
        raise ValidationFailed(gettext("名单中没有单位。请在模板第 2 行起每行填写一家单位。"))
    return _join(
        actor=actor,
        alliance_id=alliance_id,
        revision=revision,
        rows=[(r.number, r.data) for r in sheet],
        joined_on=joined_on,
        note=note,
        basis=basis,
        source="xlsx",
    )


def member_exit(
    *,
    actor: User,
    alliance_id: Any,
    revision: Any,
    member_id: Any,
    left_on: Any,
    reason: str,
    note: str = "",
    basis: str = "",
) -> ChangeFiling:
    """Mark a member unit as left (date, reason) and file the exit; the roster rules are
    re-run on the members that remain."""
    left = _day(left_on, "left_on", gettext("退出日期"))
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationFailed(
            gettext("请填写退出原因。"), details={"fields": {"reason": "required"}}
        )
    if len(reason) > MAX_REASON:
        raise ValidationFailed(
            gettext("退出原因不能超过 %(max)s 字。") % {"max": MAX_REASON},
            details={"fields": {"reason": "too_long"}},
        )
    note = _note(note)
    with transaction.atomic():
        access = _lead_workspace(actor, alliance_id)
        workspace = access.workspace
        try:
            member = Member.objects.select_for_update().get(workspace=workspace, pk=member_id)
        except (Member.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound(gettext("未找到该成员单位。")) from exc
        if member.left_on is not None:
            raise Conflict(
                gettext("“%(name)s”已于 %(day)s 退出联盟，无需再次办理。")
                % {"name": member.name, "day": member.left_on.isoformat()}
            )
        _check_revision(workspace.revision, revision, gettext("成员名单"))
        if member.role == Member.Role.LEAD:
            raise ValidationFailed(
                gettext("牵头单位不能退出联盟。如需更换牵头单位，请联系主管部门。")
            )
        if member.joined_on and left < member.joined_on:
            raise ValidationFailed(
                gettext("退出日期不能早于加入日期（%(day)s）。")
                % {"day": member.joined_on.isoformat()},
                details={"fields": {"left_on": "before_join"}},
            )
        before = _current(workspace)
        member.left_on = left
        member.left_reason = reason
        member.save(update_fields=["left_on", "left_reason"])
        after = _current(workspace)
        _bump(workspace)
        _sync_member_count(access.alliance, len(after))
        warnings = eligibility.warnings_after(workspace, before, after)
        return _file(
            actor=actor,
            access=access,
            kind=ChangeFiling.Kind.MEMBER_EXIT,
            before={"count": len(before)},
            after={
                "count": len(after),
                "member": {"id": member.pk, "name": member.name, "uscc": member.uscc},
                "left_on": left.isoformat(),
                "reason": reason,
            },
            note=note,
            warnings=warnings,
            basis=basis,
        )


# -- key people and address -----------------------------------------------------------------


def key_person_change(
    *,
    actor: User,
    alliance_id: Any,
    revision: Any,
    key: str,
    person: dict[str, Any],
    note: str = "",
    basis: str = "",
) -> ChangeFiling:
    """理事长、秘书长或联络员的变更: the workspace is updated and the change filed."""
    if key not in KEY_PEOPLE:
        raise ValidationFailed(
            gettext("请选择变更的职务（理事长、秘书长或联络员）。"),
            details={"fields": {"key": "choice"}},
        )
    new = _person(person)
    if not new["name"]:
        raise ValidationFailed(
            gettext("请填写新任人员的姓名。"), details={"fields": {"name": "required"}}
        )
    note = _note(note)
    with transaction.atomic():
        access = _lead_workspace(actor, alliance_id)
        workspace = access.workspace
        _check_revision(workspace.revision, revision, gettext("联盟基本情况"))
        old = _person((workspace.key_people or {}).get(key))
        if old == new:
            raise ValidationFailed(gettext("填写的内容与现任人员相同，没有变更。"))
        workspace.key_people = {**(workspace.key_people or {}), key: new}
        _bump(workspace, "key_people")
        return _file(
            actor=actor,
            access=access,
            kind=ChangeFiling.Kind.KEY_PERSON,
            before={"key": key, **old},
            after={"key": key, **new},
            note=note,
            basis=basis,
        )


def address_change(
    *, actor: User, alliance_id: Any, revision: Any, address: str, note: str = "", basis: str = ""
) -> ChangeFiling:
    """办公地址变更: the workspace is updated and the change filed."""
    new = " ".join(str(address or "").split())
    if not new:
        raise ValidationFailed(
            gettext("请填写新的办公地址。"), details={"fields": {"address": "required"}}
        )
    if len(new) > 200:
        raise ValidationFailed(
            gettext("办公地址不能超过 200 字。"), details={"fields": {"address": "too_long"}}
        )
    note = _note(note)
    with transaction.atomic():
        access = _lead_workspace(actor, alliance_id)
        workspace = access.workspace
        _check_revision(workspace.revision, revision, gettext("联盟基本情况"))
        old = workspace.office_address
        if old == new:
            raise ValidationFailed(gettext("新地址与现在的办公地址相同，没有变更。"))
        workspace.office_address = new
        _bump(workspace, "office_address")
        return _file(
            actor=actor,
            access=access,
            kind=ChangeFiling.Kind.ADDRESS,
            before={"address": old},
            after={"address": new},
            note=note,
            basis=basis,
        )


# -- agreement renewal ----------------------------------------------------------------------


def _term(alliance: Alliance, term_years: Any) -> int:
    try:
        years = int(term_years)
    except (TypeError, ValueError):
        years = 0
    allowed = selectors.agreement_range(alliance.profile)
    low, high = (allowed.value.min_years, allowed.value.max_years) if allowed else (1, 50)
    if isinstance(term_years, bool) or not low <= years <= high:
        cited = ""
        if allowed is not None:
            from lianmeng.core.names import cite_text

            cited = "（" + cite_text(allowed.citation, alliance.profile) + "）"
        raise ValidationFailed(
            gettext("协议期限应为 %(low)s–%(high)s 年%(cited)s。")
            % {"low": low, "high": high, "cited": cited},
            details={"fields": {"term_years": f"{low}-{high}"}},
        )
    return years


def renewal_file(
    *,
    actor: User,
    alliance_id: Any,
    revision: Any,
    signed_on: Any,
    term_years: Any,
    file: Any,
    note: str = "",
    basis: str = "",
) -> ChangeFiling:
    """联盟协议续签 (Heilongjiang 002 art. 6: re-signed every 3–5 years): the new signing date,
    term and agreement file. Every current member unit's signature is then recorded (online by
    its staff, or from the paper copy by the lead unit); the lead unit, filing it, has signed.
    The workspace's agreement date and term change once all have signed."""
    day = _day(signed_on, "signed_on", gettext("新协议签订日期"), future_ok=True)
    note = _note(note)
    with transaction.atomic():
        access = _lead_workspace(actor, alliance_id)
        years = _term(access.alliance, term_years)
        _check_revision(access.workspace.revision, revision, gettext("联盟基本情况"))
        if change_selectors.open_renewal(access.workspace) is not None:
            raise Conflict(
                gettext("已有一份协议续签尚未全部签署，请在该备案中登记各成员单位的签署。")
            )
    if file is None:
        raise ValidationFailed(
            gettext("请上传续签后的联盟协议文件。"), details={"fields": {"file": "required"}}
        )
    document = document_upload(
        actor=actor, alliance_id=alliance_id, file=file, title=gettext("联盟协议（续签）")
    )
    with transaction.atomic():
        access = _lead_workspace(actor, alliance_id)
        workspace = access.workspace
        _check_revision(workspace.revision, revision, gettext("联盟基本情况"))
        members = _current(workspace)
        _bump(workspace)
        filing = _file(
            actor=actor,
            access=access,
            kind=ChangeFiling.Kind.AGREEMENT_RENEWAL,
            before={
                "signed_on": str(workspace.agreement_signed_on or ""),
                "term_years": workspace.agreement_term_years,
            },
            after={
                "signed_on": day.isoformat(),
                "term_years": years,
                "document": document.pk,
                "members": len(members),
            },
            note=note,
            basis=basis,
        )
        now = clock.now()
        Signature.objects.bulk_create(
            [
                Signature(
                    filing=filing,
                    member=m,
                    **(
                        {"signed_at": now, "method": Signature.Method.ONLINE, "signed_by": actor}
                        if m.role == Member.Role.LEAD
                        else {}
                    ),
                )
                for m in members
            ]
        )
        _complete_if_signed(filing, actor)
    return filing


def _complete_if_signed(filing: ChangeFiling, actor: User | None) -> bool:
    """When every member has signed: the workspace's agreement date and term become the
    renewed ones, and the calendar's renewal date moves with them."""
    if filing.signatures.filter(signed_at__isnull=True).exists():
        return False
    workspace = Workspace.objects.select_for_update().get(pk=filing.workspace_id)
    before = {
        "signed_on": str(workspace.agreement_signed_on or ""),
        "term_years": workspace.agreement_term_years,
    }
    workspace.agreement_signed_on = date.fromisoformat(filing.after["signed_on"])
    workspace.agreement_term_years = int(filing.after["term_years"])
    _bump(workspace, "agreement_signed_on", "agreement_term_years")
    audit_record(
        actor=actor,
        action="lianmeng.running.agreement.renewed",
        obj=workspace,
        before=before,
        after={**filing.after, "filing": filing.pk},
    )
    workspace.alliance = filing.alliance
    agreement_deadline_sync(workspace)
    return True


def _renewal_for(actor: User, filing_id: Any) -> ChangeFiling:
    try:
        filing = (
            ChangeFiling.objects.select_for_update()
            .select_related("alliance", "workspace")
            .get(pk=filing_id, kind=ChangeFiling.Kind.AGREEMENT_RENEWAL)
        )
    except (ChangeFiling.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound(gettext(lifecycle.NOT_FOUND)) from exc
    return filing


def signature_confirm(*, actor: User, filing_id: Any) -> Signature:
    """A member unit's staff sign the renewed agreement online (idempotent: a second click
    answers with the signature already recorded)."""
    if not actor.is_authenticated or actor.unit_id is None:
        raise NotFound(gettext(lifecycle.NOT_FOUND))
    with transaction.atomic():
        filing = _renewal_for(actor, filing_id)
        signature = (
            Signature.objects.select_for_update()
            .filter(filing=filing, member__unit_id=actor.unit_id, member__left_on__isnull=True)
            .select_related("member")
            .first()
        )
        if signature is None or not actor.role_set() & {Role.MEMBER, Role.APPLICANT}:
            raise NotFound(gettext(lifecycle.NOT_FOUND))
        if signature.signed_at is not None:
            return signature
        signature.signed_at = clock.now()
        signature.method = Signature.Method.ONLINE
        signature.signed_by = actor
        signature.save(update_fields=["signed_at", "method", "signed_by"])
        audit_record(
            actor=actor,
            action="lianmeng.running.agreement.signed",
            obj=filing,
            after={"member": signature.member.name, "method": "online"},
        )
        _complete_if_signed(filing, actor)
    return signature


def signature_paper(*, actor: User, filing_id: Any, member_id: Any, file: Any) -> Signature:
    """The lead unit records a member's paper signature with the scanned page."""
    with transaction.atomic():
        filing = _renewal_for(actor, filing_id)
        _lead_workspace(actor, filing.alliance_id)
        signature = Signature.objects.filter(filing=filing, member_id=member_id).first()
        if signature is None:
            raise NotFound(gettext("该成员单位不在本次续签的签署名单中。"))
        if signature.signed_at is not None:
            return signature
    if file is None:
        raise ValidationFailed(
            gettext("请上传该成员单位签署页的扫描件。"), details={"fields": {"file": "required"}}
        )
    scan = document_upload(
        actor=actor,
        alliance_id=filing.alliance_id,
        file=file,
        title=gettext("协议签署页（%(name)s）") % {"name": signature.member.name},
    )
    with transaction.atomic():
        filing = _renewal_for(actor, filing_id)
        signature = Signature.objects.select_for_update().get(pk=signature.pk)
        if signature.signed_at is not None:
            return signature
        signature.signed_at = clock.now()
        signature.method = Signature.Method.PAPER
        signature.signed_by = actor
        signature.scan = scan
        signature.save(update_fields=["signed_at", "method", "signed_by", "scan"])
        audit_record(
            actor=actor,
            action="lianmeng.running.agreement.signed",
            obj=filing,
            after={"member": signature.member.name, "method": "paper", "scan": scan.pk},
        )
        _complete_if_signed(filing, actor)
    return signature


def agreement_deadline_sync(workspace: Workspace) -> Deadline | None:
    """The agreement's renewal date on the engine's deadline table (the calendar and the
    reminders read it): due when the term ends. An alliance without a history row, or an
    agreement without a date and term, has none; a renewal replaces the old date."""
    term = selectors.agreement(workspace, workspace.alliance.profile)
    alliance = workspace.alliance
    rows = Deadline.objects.filter(
        subject_kind="alliance", subject_id=alliance.pk, kind=AGREEMENT_DEADLINE
    )
    if term.ends_on is None:
        rows.delete()
        return None
    due = datetime.combine(term.ends_on, time(23, 59, 59), tzinfo=clock.BEIJING)
    current = rows.filter(due_at=due).first()
    if current is not None:
        return current
    try:
        change = StateChange.objects.of(alliance).order_by("-at", "-id").first()
    except LookupError:
        change = None
    if change is None:
        return None
    rows.delete()
    return Deadline.objects.create(
        subject_kind="alliance",
        subject_id=alliance.pk,
        kind=AGREEMENT_DEADLINE,
        starts_at=datetime.combine(
            term.signed_on or term.ends_on, time(0, 0), tzinfo=clock.BEIJING
        ),
        due_at=due,
        state_change=change,
    )


# -- the department's answer ----------------------------------------------------------------


def _act(
    *,
    actor: User,
    filing_id: Any,
    revision: Any,
    transition: str,
    reason: str,
    basis: str,
) -> ChangeFiling:
    with transaction.atomic():
        filing = (
            ChangeFiling.objects.select_for_update()
            .filter(lifecycle.change_visibility(actor), pk=filing_id)
            .first()
            if str(filing_id).isdigit()
            else None
        )
        if filing is None:
            raise NotFound(gettext(lifecycle.NOT_FOUND))
        if revision is not None and str(revision) != str(filing.revision):
            raise Conflict(
                gettext("该变更备案已被办理（当前版本 %(current)s）。请刷新页面查看最新状态。")
                % {"current": filing.revision},
                details={"revision": filing.revision},
            )
        data = {BASIS_FIELD: basis} if basis else {}
        engine.transition(
            actor=actor,
            kind=lifecycle.KIND,
            pk=filing.pk,
            transition=transition,
            reason=reason,
            data=data,
        )
        filing.refresh_from_db()
        filing.revision += 1
        filing.save(update_fields=["revision"])
    return filing


def change_acknowledge(
    *, actor: User, filing_id: Any, revision: Any = None, reason: str = "", basis: str = ""
) -> ChangeFiling:
    """知悉 (the department): the filing is accepted; the lead unit is told."""
    filing = _act(
        actor=actor,
        filing_id=filing_id,
        revision=revision,
        transition=lifecycle.ACKNOWLEDGE,
        reason=reason,
        basis=basis,
    )
    kind = str(filing.get_kind_display())
    notices.send(
        notices.lead_unit_staff(filing),
        notices.EVENT_DECIDED,
        f"{kind}备案已知悉",
        f"主管部门已知悉{filing.alliance.name}的{kind}备案。"
        + (f"\n意见：{reason}" if reason else ""),
        filing,
    )
    return filing


def change_query(
    *, actor: User, filing_id: Any, revision: Any = None, reason: str = "", basis: str = ""
) -> ChangeFiling:
    """质询 (the department, reason required): the lead unit answers and files it again."""
    if not str(reason or "").strip():
        raise ValidationFailed(
            gettext("请填写质询意见，说明需要牵头单位解释或补充什么。"),
            details={"field": "reason"},
        )
    filing = _act(
        actor=actor,
        filing_id=filing_id,
        revision=revision,
        transition=lifecycle.QUERY,
        reason=reason,
        basis=basis,
    )
    kind = str(filing.get_kind_display())
    notices.send(
        notices.lead_unit_staff(filing),
        notices.EVENT_DECIDED,
        f"{kind}备案被质询",
        f"主管部门对{filing.alliance.name}的{kind}备案提出质询：{reason}\n请答复后重新报送。",
        filing,
    )
    return filing


def change_answer(
    *, actor: User, filing_id: Any, revision: Any = None, reason: str = "", basis: str = ""
) -> ChangeFiling:
    """The lead unit answers a query and files the change again (``submit`` from 已质询)."""
    if not str(reason or "").strip():
        raise ValidationFailed(gettext("请填写对质询的答复。"), details={"field": "reason"})
    filing = _act(
        actor=actor,
        filing_id=filing_id,
        revision=revision,
        transition=lifecycle.SUBMIT,
        reason=reason,
        basis=basis,
    )
    kind = str(filing.get_kind_display())
    notices.send(
        notices.department_staff(filing),
        notices.EVENT_FILED,
        f"{filing.alliance.name}答复了{kind}备案的质询",
        f"{filing.alliance.lead_unit.name}答复：{reason}\n请知悉或再次质询。",
        filing,
    )
    return filing
