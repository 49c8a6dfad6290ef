"""Pages of the web shell. Every view declares who may open it (deny by default).

Views read through selectors and write through services; they never scope a query
themselves. What a user cannot see is "not found", never "forbidden".
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from lianmeng.core import two_factor
from lianmeng.core.access import login_only, permission, public
from lianmeng.core.audit import audit_record, audit_verify
from lianmeng.core.credentials import normalise_username
from lianmeng.core.errors import NotFound
from lianmeng.core.reauth import recent_auth
from lianmeng.core.roles import Role
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.policy.uscc import IdentityError, uscc_region
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.selectors import LIST_FIELDS, proposal_get, proposal_list
from lianmeng.proposals.services import proposal_export
from lianmeng.ui.context import role_labels
from lianmeng.ui.errors import error_page

from . import inbox, lockout, presenters, security, views_two_factor
from .forms import AuditFilterForm, LoginForm, ProposalFilterForm
from .selectors import audit_search, jurisdiction_names, login_failure_list, user_list

PROPOSALS_PER_PAGE = 20
AUDIT_PER_PAGE = 50
USERS_PER_PAGE = 50
#: 10 attempts a minute per account name, 60 per address (a whole office behind one NAT
#: address must still be able to sign in at nine o'clock)
LOGIN_RATE = "10/m"
LOGIN_RATE_PER_IP = "60/m"


def _paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int) -> dict[str, Any]:
    page: Page = Paginator(queryset, per_page).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }


_LEVEL_ORDER = {"national": 0, "provincial": 1, "municipal": 2}


def _profile_summaries() -> list[dict[str, Any]]:
    """Every profile for the public pages: national first, then provinces, then cities."""
    profiles = sorted(
        load_profiles().values(),
        key=lambda p: (_LEVEL_ORDER.get(p.level.value, 9), p.jurisdiction.value, p.id),
    )
    names = jurisdiction_names({p.jurisdiction.value for p in profiles})
    return [presenters.profile_summary(p, names) for p in profiles]


def _profile_names() -> dict[str, str]:
    return {pid: profile.name.value for pid, profile in load_profiles().items()}


# -- public pages ------------------------------------------------------------------------


@public
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "web/index.html", {"profiles": _profile_summaries()})


@public
def policy_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/policy_list.html", {"profiles": _profile_summaries()})


@public
def policy_detail(request: HttpRequest, profile_id: str) -> HttpResponse:
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return error_page(
            request, 404, _("未找到政策档案"), _("没有这个政策档案，请从政策档案列表中选择。")
        )
    names = jurisdiction_names({profile.jurisdiction.value})
    return render(
        request,
        "web/policy_detail.html",
        {
            "profile": presenters.profile_summary(profile, names),
            "documents": profile.documents,
            "rules": presenters.rule_views(profile),
            "materials": presenters.material_views(profile, profile.materials),
            "calls": presenters.call_views(profile),
            "facts": presenters.profile_facts(profile),
        },
    )


@public
def set_language(request: HttpRequest) -> HttpResponse:
    return i18n_views.set_language(request)


# -- sign-in ----------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "web/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:
        user = form.get_user()
        if two_factor.needs_second_step(user):
            # not signed in yet: the code comes first (views_two_factor)
            return views_two_factor.second_step(self.request, user, self.get_redirect_url())
        response = super().form_valid(form)
        messages.success(self.request, _("欢迎，%(name)s。") % {"name": form.get_user()})
        return response


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule since 5.0); a GET gets a Chinese 405 page."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("您已安全退出。"))
        return response

    def http_method_not_allowed(
        self, request: HttpRequest, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        response = error_page(
            request,
            405,
            _("请使用退出按钮"),
            _("退出须通过页面右上角的“退出”按钮提交，不能直接打开此地址。"),
        )
        response["Allow"] = "POST"
        return response


_login_view = LoginView.as_view()


def _login_name_key(group: str, request: HttpRequest) -> str:
    """The limiter counts the name as the form and the audit see it (``"  pinggu"`` is
    ``pinggu``)."""
    return normalise_username(request.POST.get("username"))


@public
@ratelimit(key=_login_name_key, rate=LOGIN_RATE, method="POST", block=False)
@ratelimit(key="ip", rate=LOGIN_RATE_PER_IP, method="POST", block=False)
def login(request: HttpRequest) -> HttpResponse:
    if getattr(request, "limited", False):
        security.login_blocked(request.POST.get("username"), "rate_limited")
        return error_page(
            request,
            429,
            _("登录尝试过于频繁"),
            _("该账号或本地址一分钟内登录尝试次数过多。请等待一分钟后再试。"),
        )
    return _login_view(request)


logout = public(LogoutView.as_view())


# -- home -------------------------------------------------------------------------------

DEPARTMENT_ROLES = frozenset({Role.RECOMMENDER, Role.COMPETENT, Role.COORDINATION})


def _home_sections(roles: frozenset[str]) -> list[str]:
    """Template names under web/home/, one per kind of work the roles give."""
    sections: list[str] = []
    for role in Role:
        if role not in roles:
            continue
        if role in DEPARTMENT_ROLES:
            if "department" not in sections:
                sections.append("department")
            if role == Role.COORDINATION:
                sections.append("coordination")
        else:
            sections.append(role.value)
    return sections


def _open_calls_for(user: Any) -> list[dict[str, Any]]:
    """Calls open now whose area covers the applicant's unit (a Baoding unit is not offered
    Luoyang's call) and whose policy is in force, soonest closing first."""
    from lianmeng.calls.presenters import call_card
    from lianmeng.calls.selectors import call_list_public
    from lianmeng.core import clock

    now = clock.now()
    region = user.unit.region if user.unit_id and user.unit.region_id else None
    calls = call_list_public().filter(online_opens_at__lte=now, online_closes_at__gte=now)
    cards = [
        call_card(call, now)
        for call in calls.order_by("online_closes_at", "id")[:20]
        if region is None or call.jurisdiction.contains(region)
    ]
    # a call whose policy is not in force is not open (calls.presenters.call_state)
    return [card for card in cards if card["state"] == "open"][:5]


@login_only
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    roles = user.role_set()
    labels = role_labels(user)
    if len(labels) == 1:
        heading = _("%(role)s工作台") % {"role": labels[0]}
    else:
        heading = _("我的工作台")
    context: dict[str, Any] = {"heading": heading, "sections": _home_sections(roles)}
    if Role.APPLICANT in roles:
        context["own_proposals"] = list(proposal_list(viewer=user)[:10])
        context["open_calls"] = _open_calls_for(user)
        # 警告并限期整改: the lead unit's rectifications still open (lianmeng.evaluation)
        from lianmeng.evaluation.selectors import rectifications as evaluation_rectifications

        context["open_rectifications"] = list(
            evaluation_rectifications(user).filter(status__in=("draft", "submitted"))[:5]
        )
    if roles & DEPARTMENT_ROLES:
        context["status_counts"] = inbox.status_counts(user)
        context["tasks"], context["task_total"] = inbox.department_tasks(user)
        context["zone_tasks"] = inbox.zone_filing_tasks(user)
        context["alliance_work"] = inbox.alliance_work(user)
        filed = proposal_list(viewer=user).exclude(status=Proposal.Status.DRAFT)
        # the five ids first (no join of the lead units to every proposal of the area)
        latest = list(filed.values_list("pk", flat=True)[:5])
        context["latest_filed"] = list(filed.filter(pk__in=latest)) if latest else []
    if Role.COORDINATION in roles:
        context["pilot"] = inbox.pilot_selection(user)
    if Role.EXPERT in roles:
        context["expert_tasks"], context["expert_task_total"] = inbox.expert_tasks(user)
    if Role.MEMBER in roles:
        context["memberships"] = inbox.memberships(user)
    if roles & {Role.APPLICANT, Role.MEMBER}:
        context["my_alliances"] = inbox.my_alliances(user)
    if Role.EVALUATOR in roles:
        context["registry_count"] = inbox.registry_count()
        from lianmeng.evaluation.selectors import tasks as evaluation_tasks

        context["evaluation_open"] = (
            evaluation_tasks(user).filter(submitted_at__isnull=True).count()
        )
    if Role.SYSADMIN in roles:
        context["user_count"] = user_list(viewer=user).count()
    if Role.SECADMIN in roles:
        context["login_failures"] = list(login_failure_list(viewer=user)[:10])
    if Role.AUDITADMIN in roles:
        context["audit_count"] = audit_search(viewer=user).count()
    return render(request, "web/home.html", context)


# -- proposals --------------------------------------------------------------------------


def _proposal_filtered(request: HttpRequest) -> tuple[ProposalFilterForm, QuerySet[Proposal]]:
    """The filter form (offering only the viewer's profiles and their states) and the list
    it selects; the page and its XLSX export share it."""
    from lianmeng.proposals.selectors import profiles_for
    from lianmeng.reviews.forms import state_choices

    applicable = profiles_for(request.user)
    form = ProposalFilterForm(
        request.GET or None,
        profiles=[(p.id, p.name.value) for p in applicable],
        states=state_choices(applicable, draft=request.user.has_role(Role.APPLICANT)),
    )
    filters: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()  # an invalid field is left out of cleaned_data; the valid ones still filter
        filters = form.cleaned_data
    queryset = proposal_list(
        viewer=request.user,
        status=filters.get("status") or None,
        profile=filters.get("profile") or None,
        search=(filters.get("q") or "").strip() or None,
    )
    return form, queryset


@permission("proposals.list_proposals")
def proposals(request: HttpRequest) -> HttpResponse:
    names = _profile_names()
    form, queryset = _proposal_filtered(request)
    queryset = queryset.only(*LIST_FIELDS)  # the columns the list shows
    context = {"form": form, **_paginate(request, queryset, PROPOSALS_PER_PAGE)}
    for proposal in context["page_obj"].object_list:
        proposal.profile_name = names.get(proposal.profile, proposal.profile)
    return render(request, "web/proposal_list.html", context)


#: the job kind of a large proposal-list export (lianmeng.web.job_kinds)
PROPOSALS_JOB = "web.proposal_list_xlsx"


@permission("proposals.list_proposals")
def proposals_xlsx(request: HttpRequest) -> HttpResponse:
    """The proposal list as filtered on the page, every row (not one page), as XLSX: at once
    up to ``LIANMENG_JOBS_DIRECT_ROWS`` rows, else by a background job (progress page)."""
    from lianmeng.documents.xlsx import xlsx_response
    from lianmeng.jobs.views import direct_rows, start_response

    _form, queryset = _proposal_filtered(request)
    if queryset.count() > direct_rows():
        query = request.GET.copy()
        query.pop("page", None)
        return start_response(
            request,
            kind=PROPOSALS_JOB,
            parameters={"query": query.urlencode()},
            title=_("导出申报列表（XLSX）"),
        )
    return xlsx_response(proposals_workbook(request), "申报列表.xlsx")


def proposals_workbook(request: HttpRequest, report: Any = None) -> bytes:
    """The proposal list XLSX for the request's filters and viewer (the job passes its
    ``report_progress``)."""
    from lianmeng.documents.xlsx import write_table
    from lianmeng.jobs.progress import tracked
    from lianmeng.workflow.routing import state_label

    names = _profile_names()
    _form, queryset = _proposal_filtered(request)
    headers = [
        _("联盟名称"),
        _("牵头单位"),
        _("政策档案"),
        _("年度"),
        _("所在地"),
        _("成员数"),
        _("状态"),
        _("更新时间"),
    ]
    proposals = queryset.order_by("-updated_at", "-id").iterator(chunk_size=1000)
    if report is not None:
        proposals = tracked(proposals, queryset.count(), report)
    rows = (
        [
            p.name,
            p.lead_unit.name,
            names.get(p.profile, p.profile),
            p.call_year,
            p.region.name if p.region_id else "",
            p.member_count,
            _(state_label(p.profile, p.status)),
            p.updated_at,
        ]
        for p in proposals
    )
    return write_table(headers, rows, sheet_title=_("申报列表"))


_ROLE_LABELS = {"lead": gettext_noop("牵头单位"), "member": gettext_noop("成员单位")}
_CHAIN_LABELS = {
    "upstream": gettext_noop("上游"),
    "midstream": gettext_noop("中游"),
    "downstream": gettext_noop("下游"),
}


def _member_region(member: dict[str, Any]) -> str:
    """Where a member is registered: its region_code, else the USCC's digits 3–8."""
    if member.get("region_code"):
        return str(member["region_code"])
    try:
        return uscc_region(member.get("uscc") or "")
    except IdentityError:
        return ""  # shown as unknown; the eligibility check reports the bad code


def _roster(document: dict[str, Any]) -> list[dict[str, Any]]:
    kinds = dict(presenters.VALUE_LABELS)
    members = [m for m in document.get("members") or [] if isinstance(m, dict)]
    regions = jurisdiction_names({code for m in members if (code := _member_region(m))})
    rows = []
    for member in members:
        signed = member.get("signed_agreement")
        region_code = _member_region(member)
        rows.append(
            {
                "name": member.get("name", ""),
                "role": _(_ROLE_LABELS.get(member.get("role", "member"), "成员单位")),
                "kind": kinds.get(member.get("kind", ""), member.get("kind", "")),
                "code": member.get("uscc") or member.get("org_code") or "",
                "region_code": region_code,
                "region_name": regions.get(region_code, ""),
                "chain_position": _(_CHAIN_LABELS[member["chain_position"]])
                if member.get("chain_position") in _CHAIN_LABELS
                else "",
                "legal_representative": member.get("legal_representative", ""),
                "signed": _("已签署") if signed else (_("未签署") if signed is False else "—"),
                "platforms": len(member.get("platforms") or []),
            }
        )
    return rows


def _proposal_or_404(request: HttpRequest, pk: int) -> Proposal | HttpResponse:
    try:
        return proposal_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return error_page(request, 404, _("未找到"), _(exc.message))


@permission("proposals.view_proposal")
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    if isinstance(proposal, HttpResponse):
        return proposal
    return render(
        request,
        "web/proposal_detail.html",
        {
            "proposal": proposal,
            "profile_name": _profile_names().get(proposal.profile, proposal.profile),
            "members": _roster(proposal.document or {}),
        },
    )


@permission("proposals.view_proposal")
@recent_auth  # the roster's liaisons and contact person (issue 12)
def proposal_export_json(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(request, pk)
    if isinstance(proposal, HttpResponse):
        return proposal
    response = JsonResponse(
        proposal_export(proposal=proposal, viewer=request.user),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = f'attachment; filename="proposal-{proposal.pk}.json"'
    return response


# -- administration ---------------------------------------------------------------------


@permission("core.view_audit")
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    queryset = audit_search(
        viewer=request.user,
        action_prefix=(filters.get("action") or "").strip(),
        actor=(filters.get("actor") or "").strip(),
    )
    context = {"form": form, **_paginate(request, queryset, AUDIT_PER_PAGE)}
    from lianmeng.core.audit_mask import present_masked

    for entry in context["page_obj"].object_list:
        # 三员分立: who, what, which record, when — business values masked (display only)
        present_masked(entry)
        entry.summary_text = json.dumps(entry.summary_masked, ensure_ascii=False, sort_keys=True)
    return render(request, "web/audit_list.html", context)


@permission("core.verify_audit")
@require_POST
def audit_verify_view(request: HttpRequest) -> HttpResponse:
    result = audit_verify()
    with transaction.atomic():
        audit_record(
            actor=request.user,
            action="lianmeng.audit.verified",
            after={
                "intact": result.intact,
                "checked": result.checked,
                "broken_id": result.broken_id,
            },
        )
    if result.intact:
        messages.success(request, _("审计链完整（共 %(n)s 条）") % {"n": result.checked})
    else:
        messages.error(
            request,
            _("第 %(id)s 条记录被篡改：%(reason)s")
            % {"id": result.broken_id, "reason": _(result.reason)},
        )
    return redirect("web:audit_list")


@permission("core.manage_users")
def users(request: HttpRequest) -> HttpResponse:
    context = _paginate(request, user_list(viewer=request.user), USERS_PER_PAGE)
    return render(request, "web/user_list.html", context)


@permission("core.view_security")
def security_page(request: HttpRequest) -> HttpResponse:
    context = _paginate(request, login_failure_list(viewer=request.user), AUDIT_PER_PAGE)
    context["locked"] = list(lockout.locked_list(viewer=request.user)[:200])
    context["lockout_attempts"] = lockout.attempts()
    context["lockout_minutes"] = int(lockout.window().total_seconds() // 60)
    return render(request, "web/security.html", context)


@permission("core.view_security")
@require_POST
def security_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    from lianmeng.core.errors import DomainError

    try:
        user = lockout.user_unlock(actor=request.user, pk=pk)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已解除账号 %(username)s 的锁定，该账号现在可以登录。") % {"username": user.username},
        )
    return redirect("web:security")
