"""Pages of the roster (成员单位名单), section 三 (主要成员单位) and member confirmation.

Views read through selectors and write through the services of ``roster``; a proposal the
user may not see is "not found". A form refused for a bad value is shown again with what was
typed and the reason beside each field.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.core.access import permission
from lianmeng.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from lianmeng.core.reauth import recent_auth
from lianmeng.ui.errors import error_page

from . import roster
from .editing import require_revision
from .editor import editor_context
from .models import MemberConfirmation, Proposal
from .roster_fields import (
    CHAIN_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    PLATFORM_KIND_LABELS,
    STANDING_MAX,
    member_code,
    member_region_code,
    region_labels,
    ui_label,
)
from .selectors import member_confirmations, proposal_get

MEMBERS_PER_PAGE = 20
CONFIRMATIONS_PER_PAGE = 20
PLATFORM_ROWS_MIN = 2  # empty platform rows offered below the existing ones
PLATFORM_ROWS_MAX = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_REPORT_KEY = "lianmeng.roster.import_report"


def with_proposal(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Fetch the proposal the user may see (``proposal_get``) or answer the Chinese 404."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, pk: int, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            proposal = proposal_get(viewer=request.user, pk=pk)
        except NotFound as exc:
            return error_page(request, 404, _("未找到"), _(exc.message))
        return view(request, proposal, *args, **kwargs)

    return wrapper


def _revision(request: HttpRequest) -> int:
    """The revision the form was rendered from (a hidden field of every roster form);
    missing: refused with a message to reload (proposals.editing.require_revision)."""
    raw = request.POST.get("revision", "")
    return require_revision(int(raw) if raw.isdigit() else None)


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    from django.utils.http import content_disposition_header

    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _choices(labels: dict[str, str]) -> list[tuple[str, Any]]:
    return [(value, ui_label(value)) for value in labels]


# -- the roster ------------------------------------------------------------------------------


def _row(index: int, member: dict[str, Any], regions: dict[str, str], confirmed: Any) -> dict:
    code = member_region_code(member)
    liaison = member.get("liaison") or {}
    return {
        "index": index,
        "number": index + 1,
        "name": member.get("name", ""),
        "lead": member.get("role") == "lead",
        "kind": ui_label(member.get("kind")),
        "code": member_code(member),
        "code_kind": _("统一社会信用代码") if member.get("uscc") else _("组织机构代码"),
        "region_code": code,
        "region": regions.get(code, ""),
        "region_from_uscc": bool(code) and not member.get("region_code"),
        "chain": ui_label(member.get("chain_position")),
        "legal_representative": member.get("legal_representative", ""),
        "liaison": liaison.get("name", ""),
        "mobile": liaison.get("mobile", ""),
        "platforms": [
            {"name": p.get("name", ""), "level": ui_label(p.get("level"))}
            for p in member.get("platforms") or []
        ],
        "signed": member.get("signed_agreement"),
        "confirmation": confirmed,
    }


def _kind_counts(members: list[dict[str, Any]]) -> list[tuple[Any, int]]:
    counts: dict[str, int] = {}
    for member in members:
        counts[member.get("kind", "other")] = counts.get(member.get("kind", "other"), 0) + 1
    return [(ui_label(kind), counts[kind]) for kind in KIND_LABELS if counts.get(kind)]


@permission("proposals.edit_drafts")
@with_proposal
def roster_page(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    return _roster_response(request, proposal)


def _roster_response(
    request: HttpRequest, proposal: Proposal, *, status: int = 200
) -> HttpResponse:
    members = roster.roster_members(proposal)
    page = Paginator(list(enumerate(members)), MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    regions = region_labels(member_region_code(m) for _, m in shown)
    confirmations = {
        c.member_code: c
        for c in MemberConfirmation.objects.filter(
            proposal=proposal, member_code__in=[member_code(m) for _, m in shown]
        )
    }
    rows = [_row(i, m, regions, confirmations.get(member_code(m))) for i, m in shown]
    context = editor_context(
        proposal,
        "members",
        rows=rows,
        page_obj=page,
        page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2),
        total=len(members),
        kind_counts=_kind_counts(members),
        confirmed_count=MemberConfirmation.objects.filter(proposal=proposal).count(),
        confirmation_required=roster.confirmation_required(proposal),
        report=request.session.pop(IMPORT_REPORT_KEY, None) if request.GET.get("report") else None,
    )
    return render(request, "proposals/roster/roster.html", context, status=status)


def _form_data(post: Any) -> dict[str, Any]:
    """The member form as the interchange shape (raw text; the service cleans it)."""
    data: dict[str, Any] = {
        key: post.get(key, "")
        for key in (
            "name",
            "kind",
            "uscc",
            "org_code",
            "region_code",
            "chain_position",
            "legal_representative",
            "standing",
        )
        if key in post
    }
    data["signed_agreement"] = post.get("signed_agreement") == "on"
    data["liaison"] = {
        key: post.get(f"liaison_{key}", "") for key in ("name", "phone", "mobile", "fax", "email")
    }
    platforms = []
    for number in range(PLATFORM_ROWS_MAX):
        if f"platform-{number}-name" not in post:
            continue
        platforms.append(
            {
                "name": post.get(f"platform-{number}-name", ""),
                "level": post.get(f"platform-{number}-level", ""),
                "kind": post.get(f"platform-{number}-kind", ""),
            }
        )
    data["platforms"] = platforms
    return data


def _form_context(
    proposal: Proposal,
    *,
    data: dict[str, Any],
    errors: dict[str, str] | None = None,
    index: int | None = None,
    lead: bool = False,
) -> dict[str, Any]:
    errors = errors or {}
    flat = {key.replace(".", "_"): message for key, message in errors.items()}
    platform_rows = []
    for number, platform in enumerate(
        [*(data.get("platforms") or []), *([{}] * PLATFORM_ROWS_MIN)], start=0
    ):
        platform_rows.append(
            {
                "number": number,
                "name": platform.get("name", ""),
                "level": platform.get("level", ""),
                "kind": platform.get("kind", ""),
                "errors": [
                    m for k, m in errors.items() if k.startswith(f"platforms.{number + 1}.")
                ],
            }
        )
    code = member_region_code(data) if not errors else ""
    return editor_context(
        proposal,
        "members",
        data=data,
        liaison=data.get("liaison") or {},
        errors=flat,
        error_list=list(dict.fromkeys(errors.values())),
        index=index,
        lead=lead,
        platform_rows=platform_rows,
        kinds=_choices(KIND_LABELS),
        chains=_choices(CHAIN_LABELS),
        levels=_choices(LEVEL_LABELS),
        platform_kinds=_choices(PLATFORM_KIND_LABELS),
        standing_max=STANDING_MAX,
        region=region_labels([code]).get(code, "") if code else "",
    )


@permission("proposals.edit_drafts")
@with_proposal
def member_add_page(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = _form_data(request.POST)
        try:
            roster.member_add(
                actor=request.user, pk=proposal.pk, revision=_revision(request), data=data
            )
        except ValidationFailed as exc:
            errors = exc.details.get("fields") or {"form": exc.message}
        except DomainError as exc:
            errors = _refused(proposal, exc)
        else:
            messages.success(request, _("已添加成员单位“%(name)s”。") % {"name": data.get("name")})
            total = proposal.member_count + 1
            last_page = (total - 1) // MEMBERS_PER_PAGE + 1
            return redirect(f"{_roster_url(proposal)}?page={last_page}")
    context = _form_context(proposal, data=data, errors=errors)
    return render(request, "proposals/roster/member_form.html", context)


def _refused(proposal: Proposal, exc: DomainError) -> dict[str, str]:
    """A refusal that is not about one field; after a colleague's save the form is re-rendered
    at the new revision, so checking it and saving again succeeds."""
    if isinstance(exc, Conflict):
        proposal.refresh_from_db(fields=["revision"])
    return {"form": exc.message}


def _roster_url(proposal: Proposal) -> str:
    return reverse("proposals:roster", args=[proposal.pk])


def _page_of(index: int) -> int:
    return index // MEMBERS_PER_PAGE + 1


@permission("proposals.edit_drafts")
@with_proposal
def member_edit_page(request: HttpRequest, proposal: Proposal, index: int) -> HttpResponse:
    members = roster.roster_members(proposal)
    if not 0 <= index < len(members):
        return error_page(request, 404, _("未找到"), _("成员名单中没有这一位，可能已被同事删除。"))
    lead = members[index].get("role") == "lead"
    data = members[index]
    errors: dict[str, str] = {}
    if request.method == "POST":
        data = _form_data(request.POST)
        if lead:
            for key in ("name", "uscc", "org_code"):
                data.pop(key, None)
        try:
            roster.member_update(
                actor=request.user,
                pk=proposal.pk,
                revision=_revision(request),
                index=index,
                data=data,
            )
        except ValidationFailed as exc:
            errors = exc.details.get("fields") or {"form": exc.message}
        except DomainError as exc:
            errors = _refused(proposal, exc)
        else:
            messages.success(request, _("已保存第 %(n)s 位成员单位。") % {"n": index + 1})
            return redirect(f"{_roster_url(proposal)}?page={_page_of(index)}#m{index}")
        if lead:
            data = {**data, **{k: members[index].get(k, "") for k in ("name", "uscc", "org_code")}}
    context = _form_context(proposal, data=data, errors=errors, index=index, lead=lead)
    return render(request, "proposals/roster/member_form.html", context)


@permission("proposals.edit_drafts")
@require_POST
@with_proposal
def member_remove_view(request: HttpRequest, proposal: Proposal, index: int) -> HttpResponse:
    members = roster.roster_members(proposal)
    name = members[index].get("name", "") if 0 <= index < len(members) else ""
    try:
        roster.member_remove(
            actor=request.user, pk=proposal.pk, revision=_revision(request), index=index
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已从成员名单中删除“%(name)s”。") % {"name": name})
    return redirect(f"{_roster_url(proposal)}?page={_page_of(max(index - 1, 0))}")


@permission("proposals.edit_drafts")
@require_POST
@with_proposal
def member_move_view(request: HttpRequest, proposal: Proposal, index: int) -> HttpResponse:
    offset = -1 if request.POST.get("direction") == "up" else 1
    back = request.POST.get("next") or ""
    try:
        roster.member_move(
            actor=request.user,
            pk=proposal.pk,
            revision=_revision(request),
            index=index,
            offset=offset,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    target = index + offset
    if back == "main":
        return redirect(reverse("proposals:main_members", args=[proposal.pk]) + f"#m{target}")
    return redirect(f"{_roster_url(proposal)}?page={_page_of(target)}#m{target}")


@permission("proposals.edit_drafts")
@with_proposal
def roster_import_view(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    if request.method != "POST":
        return redirect(_roster_url(proposal))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请先选择要导入的成员名单 Excel 文件（.xlsx）。"))
        return redirect(_roster_url(proposal))
    try:
        report = roster.roster_import_xlsx(
            actor=request.user, pk=proposal.pk, file=upload, revision=_revision(request)
        )
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(_roster_url(proposal))
    except ValidationFailed as exc:
        # the file as a whole is refused (not a workbook, a bomb, too many rows …): the roster
        # page again, with the reason, answered 400 (nothing was imported)
        messages.error(request, exc.message)
        return _roster_response(request, proposal, status=400)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_roster_url(proposal))
    request.session[IMPORT_REPORT_KEY] = {**report.to_dict(), "file": upload.name}
    return redirect(f"{_roster_url(proposal)}?report=1#import-report")


@permission("proposals.edit_drafts")
@recent_auth  # liaisons' mobiles and e-mails (issue 12)
@with_proposal
def roster_export_view(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    content = roster.roster_export_xlsx(proposal, viewer=request.user)
    return _xlsx_response(content, f"{proposal.name or '成员单位名单'}-成员单位名单.xlsx")


@permission("proposals.edit_drafts")
@with_proposal
def roster_template_view(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    content = roster.roster_template_xlsx(proposal.profile)
    return _xlsx_response(content, "成员单位名单模板.xlsx")


# -- section 三 ------------------------------------------------------------------------------

MAIN_FORM_FIELDS = (
    ("liaison.fax", "fax"),
    ("liaison.name", "liaison"),
    ("liaison.mobile", "mobile"),
    ("liaison.email", "email"),
    ("standing", "standing"),
)


def _main_cards(
    proposal: Proposal,
    members: list[dict[str, Any]],
    errors: dict[str, str],
    typed: dict[str, str] | None = None,
) -> list[dict[str, Any]]:
    """The five cards; ``typed`` ("<code>.<field>" → text) is what a refused form held."""
    kept = {**((proposal.form_state or {}).get("main_members") or {}), **(typed or {})}
    cards = []
    for position, member in enumerate(members[: roster.MAIN_MEMBER_COUNT]):
        code = member_code(member)
        liaison = member.get("liaison") or {}
        values = {
            "fax": liaison.get("fax", ""),
            "liaison": liaison.get("name", ""),
            "mobile": liaison.get("mobile", ""),
            "email": liaison.get("email", ""),
            "standing": member.get("standing", ""),
        }
        card_errors = {}
        for key, short in MAIN_FORM_FIELDS:
            state_key = f"{code}.{key}"
            if state_key in kept and kept[state_key] != values[short]:
                values[short] = kept[state_key]
                if typed and state_key in typed and state_key not in errors:
                    continue  # typed before a refusal of the whole form: shown, not flagged
                card_errors[short] = errors.get(state_key) or _(
                    "此处为上次填写但未通过校验的内容，尚未保存，请修改。"
                )
        cards.append(
            {
                "position": position,
                "number": position + 1,
                "name": member.get("name", ""),
                "lead": member.get("role") == "lead",
                "code": code,
                "org_code": member.get("org_code") or (member.get("uscc") or "")[8:17],
                "values": values,
                "errors": card_errors,
                "last": position == len(members) - 1,
            }
        )
    return cards


def _move_from_main(
    request: HttpRequest, proposal: Proposal, move: str, *, saved_with_errors: bool
) -> HttpResponse:
    """The 上移/下移 buttons of section 三 save the fields first, then move, so nothing typed
    is lost by reordering."""
    index_text, _sep, direction = move.partition(":")
    target = 0
    if index_text.isdigit():
        index = int(index_text)
        offset = -1 if direction == "up" else 1
        try:
            roster.member_move(
                actor=request.user,
                pk=proposal.pk,
                revision=proposal.revision,
                index=index,
                offset=offset,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            target = index + offset
            if saved_with_errors:
                messages.warning(
                    request,
                    _("已调整顺序。有未通过校验的内容已保留，尚未保存，请修改。"),
                )
    url = reverse("proposals:main_members", args=[proposal.pk])
    return redirect(f"{url}#m{target}")


@permission("proposals.edit_drafts")
@with_proposal
def main_members_page(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    errors: dict[str, str] = {}
    typed: dict[str, str] = {}
    if request.method == "POST":
        rows = []
        for position in range(roster.MAIN_MEMBER_COUNT):
            if f"m{position}-code" not in request.POST:
                continue
            row: dict[str, Any] = {"code": request.POST.get(f"m{position}-code", "")}
            for key, short in MAIN_FORM_FIELDS:
                name = f"m{position}-{short}"
                if name in request.POST:
                    row[key] = request.POST.get(name, "")
            rows.append(row)
        try:
            result = roster.main_members_update(
                actor=request.user, pk=proposal.pk, revision=_revision(request), rows=rows
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            proposal.refresh_from_db()
            typed = {
                f"{row['code']}.{key}": str(row[key])
                for row in rows
                for key, _short in MAIN_FORM_FIELDS
                if key in row
            }
        else:
            proposal = result.proposal
            errors = result.errors
            move = request.POST.get("move", "")
            if move:
                return _move_from_main(request, proposal, move, saved_with_errors=bool(errors))
            if errors:
                messages.warning(
                    request,
                    _(
                        "其余内容已保存；标出的 %(n)s 处未通过校验，已保留您填写的内容，请修改后再保存。"
                    )
                    % {"n": len(errors)},
                )
            else:
                messages.success(request, _("已保存主要成员单位情况。"))
                return redirect(reverse("proposals:main_members", args=[proposal.pk]))
    members = roster.roster_members(proposal)
    others = list(enumerate(members))[roster.MAIN_MEMBER_COUNT :]
    page = Paginator(others, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    context = editor_context(
        proposal,
        "main_members",
        cards=_main_cards(proposal, members, errors, typed),
        others=[
            {"index": i, "name": m.get("name", ""), "kind": ui_label(m.get("kind"))}
            for i, m in page.object_list
        ],
        page_obj=page,
        page_range=page.paginator.get_elided_page_range(page.number, on_each_side=2),
        standing_max=STANDING_MAX,
        main_count=roster.MAIN_MEMBER_COUNT,
    )
    return render(request, "proposals/roster/main_members.html", context)


# -- member confirmation ---------------------------------------------------------------------


@permission("proposals.confirm_membership")
def confirmations_page(request: HttpRequest) -> HttpResponse:
    items = member_confirmations(viewer=request.user)  # a page reads only its proposals
    page = Paginator(items, CONFIRMATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "unit": request.user.unit,
        "editable_statuses": {s.value for s in Proposal.EDITABLE},
    }
    return render(request, "proposals/roster/confirmations.html", context)


@permission("proposals.confirm_membership")
@require_POST
def member_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    signature = request.POST.get("signature") == "on"
    try:
        roster.member_confirm(actor=request.user, pk=pk, signature=signature)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if signature:
            messages.success(request, _("已确认加入联盟，并确认法定代表人已签署联盟协议。"))
        else:
            messages.success(request, _("已确认加入联盟。法定代表人签署协议后，请再次确认签署。"))
    if request.POST.get("next") == "home":
        return redirect(reverse("web:home"))
    return redirect(reverse("proposals:confirmations"))
