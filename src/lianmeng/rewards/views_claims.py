"""奖补申请 pages (M-50): the claims list, a new claim, one claim — the lead unit's form, the
department's review and decision panels, the expert's score — the evidence files and the public
reward calculator.

Every write goes through :mod:`lianmeng.rewards.services` (which checks who acts), every read
through :mod:`lianmeng.rewards.selectors`. Forms post, redirect and show a message; a refused form
is shown again with what was typed and what to do.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.core.access import permission, public
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.money import LIMIT
from lianmeng.core.roles import Role
from lianmeng.experts.selectors import expert_pool
from lianmeng.policy.loader import UnknownProfileError, get_profile, load_profiles
from lianmeng.policy.rewards import (
    FIGURE_LABELS,
    LEVEL_LABELS,
    AllianceFacts,
    OtherSupport,
    RewardInputError,
    calculate,
    money,
    required_figure,
)
from lianmeng.policy.rewards import (
    Claim as ClaimInput,
)
from lianmeng.policy.rewards_config import RewardKind
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.ui.errors import error_page

from . import selectors, services
from .models import Award, Batch, Claim, ClaimFile, ClaimReview
from .reasons import award_reason, calc_reason

PER_PAGE = 20
OTHER_ROWS = 5
S = Claim.Status


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error_page(request, 404, _("未找到"), _(exc.message))
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, _("无权操作"), _(exc.message))
    return error_page(request, exc.status, _("无法完成"), _(exc.message))


def _level_label(level: str) -> str:
    return _(LEVEL_LABELS[level]) if level in LEVEL_LABELS else (level or "—")


def _kind_of(profile_id: str, kind_id: str) -> RewardKind | None:
    config = selectors.config_of(profile_id)
    return config.kind(kind_id) if config is not None else None


def _kind_label(profile_id: str, kind_id: str) -> str:
    kind = _kind_of(profile_id, kind_id)
    return _(kind.label) if kind is not None else kind_id


def _whole(value: int | Decimal) -> str:
    amount = Decimal(value)
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def rule_summary(kind: RewardKind) -> str:
    """One line: the rate, the cap or the range of the kind, and its conditions."""
    if kind.method == "fixed_by_level":
        parts = [
            _("%(level)s %(amount)s 万元")
            % {"level": _level_label(level), "amount": _whole(amount)}
            for level, amount in (kind.amounts or {}).items()
        ]
        text = _("按获批层级定额奖励：%(amounts)s") % {"amounts": "，".join(parts)}
    elif kind.method == "rate":
        text = _("%(figure)s × %(rate)s%%，最高 %(cap)s 万元") % {
            "figure": _(kind.figure_label or FIGURE_LABELS[kind.figure or ""]),
            "rate": kind.rate_percent,
            "cap": _whole(kind.cap or 0),
        }
    elif kind.max is not None:
        text = _("%(low)s–%(high)s 万元，经专家评审确定") % {
            "low": _whole(kind.min or 0),
            "high": _whole(kind.max),
        }
    else:
        text = _("%(figure)s × %(rate)s%%，%(low)s 万元起，经专家评审确定") % {
            "figure": _(kind.figure_label or FIGURE_LABELS[kind.figure or ""]),
            "rate": kind.rate_percent,
            "low": _whole(kind.min or 0),
        }
        if kind.cap is not None:
            text += _("，最高 %(cap)s 万元") % {"cap": _whole(kind.cap)}
    conditions = {
        "key_support": _("须纳入重点支持"),
        "legal_entity": _("须已注册独立法人机构"),
        "major_contribution": _("须做出重大贡献"),
    }
    extra = [conditions[c] for c in kind.requires]
    if kind.years_after_registration:
        extra.append(_("注册后连续 %(n)s 年，每年一次") % {"n": kind.years_after_registration})
    if extra:
        text += "；" + "，".join(extra)
    return text


def _kinds(profile_id: str) -> list[dict[str, Any]]:
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return []
    if profile.rewards is None:
        return []
    return [
        {
            "id": kind.id,
            "label": _(kind.label),
            "article": profile.cite(kind.citation),
            "rule": rule_summary(kind),
            "profile": profile_id,
        }
        for kind in profile.rewards.kinds
    ]


def _profile_name(profile_id: str) -> str:
    try:
        return get_profile(profile_id).name.value
    except UnknownProfileError:
        return profile_id


def _amount_text(claim: Claim) -> str:
    if claim.range_max is not None and claim.range_min is not None:
        return f"{claim.range_min:,.2f}–{claim.range_max:,.2f}"
    return f"{claim.computed_amount:,.2f}"


# -- the list -----------------------------------------------------------------------------------


def _filters(request: HttpRequest) -> dict[str, str]:
    get = request.GET
    status = get.get("status", "")
    kind = get.get("kind", "")
    return {
        "status": status if status in S.values else "",
        "kind": kind if _known_kind(kind) else "",
        "q": (get.get("q") or "").strip()[:60],
    }


def _known_kind(kind_id: str) -> bool:
    from lianmeng.policy.rewards_config import KINDS

    return kind_id in KINDS


def _kind_choices() -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for profile in load_profiles().values():
        if profile.rewards is None:
            continue
        for kind in profile.rewards.kinds:
            seen.setdefault(kind.id, _(kind.label))
    return list(seen.items())


def _may_file(user: User) -> bool:
    if selectors.department_profiles(user):
        return True
    return user.has_role(Role.APPLICANT) and selectors.lead_alliances(user).exists()


@permission("rewards.view")
def claims(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = _filters(request)
    qs = selectors.claims(user).select_related("alliance")
    if filters["status"]:
        qs = qs.filter(status=filters["status"])
    if filters["kind"]:
        qs = qs.filter(kind=filters["kind"])
    if filters["q"]:
        qs = qs.filter(
            Q(alliance__name__icontains=filters["q"]) | Q(number__icontains=filters["q"])
        )
    page = Paginator(qs.order_by("-created_at", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    mine: dict[int, ClaimReview] = {}
    if user.has_role(Role.EXPERT) and rows:
        mine = {
            r.claim_id: r
            for r in ClaimReview.objects.filter(expert=user, claim_id__in=[c.pk for c in rows])
        }
    for row in rows:
        row.kind_label = _kind_label(row.profile, row.kind)
        row.amount_text = _amount_text(row)
        review = mine.get(row.pk)
        row.my_review = review
        if review is not None:
            row.my_review_label = _("已提交") if review.submitted_at else _("待评审")
    department = bool(selectors.department_profiles(user))
    context = {
        "page_obj": page,
        "claims": rows,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "filters": filters,
        "statuses": list(S.choices),
        "kinds": _kind_choices(),
        "department": department,
        "may_file": _may_file(user),
        "expert": bool(mine) or user.has_role(Role.EXPERT),
    }
    return render(request, "rewards/claims.html", context)


# -- a new claim --------------------------------------------------------------------------------


def _starting_data(profile_id: str, kind_id: str) -> dict[str, Any] | None:
    """A new draft of a kind computed from a figure starts at 0 (the claimant fills it in);
    the calculation needs the figure (and the year where the item is yearly)."""
    kind = _kind_of(profile_id, kind_id)
    if kind is None or kind.figure is None:
        return None
    data: dict[str, Any] = {kind.figure: "0"}
    if "year" in kind.item:
        data["year"] = str(selectors.today().year)
    return data


@permission("rewards.file")
def claim_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    department = bool(selectors.department_profiles(user))
    alliances = list(
        selectors.department_alliances(user) if department else selectors.lead_alliances(user)
    )
    profile_ids = list(dict.fromkeys(a.profile for a in alliances))
    groups = [
        {"profile": pid, "name": _profile_name(pid), "kinds": _kinds(pid)} for pid in profile_ids
    ]
    form = {
        "alliance": (request.POST.get("alliance") or request.GET.get("alliance") or "").strip(),
        "kind": (request.POST.get("kind") or request.GET.get("kind") or "").strip(),
    }
    error, status = "", 200
    if request.method == "POST":
        try:
            chosen = next((a for a in alliances if str(a.pk) == form["alliance"]), None)
            if chosen is None:
                raise ValidationFailed(_("请选择联盟。"))
            if not form["kind"]:
                raise ValidationFailed(_("请选择奖补类别。"))
            claim = services.claim_create(
                actor=user,
                alliance_id=chosen.pk,
                kind=form["kind"],
                data=_starting_data(chosen.profile, form["kind"]),
            )
        except PermissionDenied as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(
                request,
                _("已创建奖补申请 %(number)s（草稿）。请填写申报数据、上传证明材料后提交。")
                % {"number": claim.number},
            )
            return redirect("rewards:claim", pk=claim.pk)
    context = {
        "alliances": alliances,
        "groups": groups,
        "form": form,
        "error": error,
        "department": department,
    }
    return render(request, "rewards/claim_new.html", context, status=status)


# -- one claim ----------------------------------------------------------------------------------


def _form_of(claim: Claim) -> dict[str, Any]:
    """The edit form's values from the stored claim."""
    others = [dict(entry) for entry in (claim.other_support or [])]
    others += [{"source": "", "amount": ""}] * max(0, OTHER_ROWS - len(others))
    form: dict[str, Any] = {name: (claim.figures or {}).get(name, "") for name in services.FIGURES}
    form.update(
        {
            "level": claim.level,
            "year": claim.year or "",
            "event_date": claim.event_date.isoformat() if claim.event_date else "",
            "project": claim.project,
            "platform": claim.platform,
            "major_contribution": claim.major_contribution,
            "statement": claim.statement,
            "other_support": others,
        }
    )
    return form


def _posted_claim(request: HttpRequest) -> dict[str, Any]:
    post = request.POST
    data: dict[str, Any] = {name: (post.get(name) or "").strip() for name in services.FIGURES}
    for name in ("level", "year", "event_date", "project", "platform", "statement"):
        data[name] = post.get(name) or ""
    data["major_contribution"] = post.get("major_contribution") == "1"
    data["other_support"] = [
        {
            "source": (post.get(f"other_source_{i}") or "").strip(),
            "amount": (post.get(f"other_amount_{i}") or "").strip(),
        }
        for i in range(OTHER_ROWS)
    ]
    return data


def _fields(kind: RewardKind | None) -> dict[str, Any]:
    """Which inputs the claim's kind needs."""
    if kind is None:
        return {}
    figure = None
    if kind.figure:
        figure = {
            "name": kind.figure,
            "label": _(kind.figure_label or FIGURE_LABELS[kind.figure]),
        }
    return {
        "figure": figure,
        "level": kind.method == "fixed_by_level",
        "year": "year" in kind.item,
        "project": "project" in kind.item,
        "platform": "platform" in kind.item,
        "major_contribution": "major_contribution" in kind.requires,
    }


def _facts_panel(claim: Claim) -> list[dict[str, str]]:
    """What the system knows of the alliance, with where it comes from."""
    alliance = claim.alliance
    record = selectors.support_record(alliance)
    facts = selectors.facts_of(alliance)
    registry = _("联盟名录（认定决定）")
    department = _("主管部门录入的扶持认定情况")
    rows = [
        {"label": _("获批层级"), "value": _level_label(alliance.level), "source": registry},
        {
            "label": _("认定决定日期"),
            "value": alliance.decided_on.isoformat() if alliance.decided_on else "—",
            "source": registry,
        },
        {
            "label": _("纳入重点支持"),
            "value": (
                _("是") + (f"（{record.key_support_reason}）" if record.key_support_reason else "")
                if record and record.key_support
                else _("否")
            ),
            "source": department if record else _("主管部门尚未录入"),
        },
        {
            "label": _("独立法人机构注册"),
            "value": (
                f"{record.legal_entity_name} · {record.legal_entity_registered_on.isoformat()}"
                if record and record.legal_entity_registered_on
                else _("未注册")
            ),
            "source": department if record else _("主管部门尚未录入"),
        },
        {
            "label": _("享受扶持与奖励政策的资格"),
            "value": (
                _("已丧失：%(why)s") % {"why": facts.support_revoked_reason or "—"}
                if facts.support_revoked
                else _("有")
            ),
            "source": _("绩效评价整改复查结果、联盟状态"),
            "bad": "1" if facts.support_revoked else "",
        },
    ]
    return rows


def _calculation(claim: Claim) -> dict[str, Any]:
    calc = dict(claim.calculation or {})
    if not calc:
        return {}
    granted = calc.get("code") not in (
        "revoked",
        "lapsed",
        "double_support",
        "duplicate",
        "condition",
        "out_of_years",
        "no_rule",
    )
    rng = calc.get("range")
    return {
        "amount": calc.get("amount"),
        "range": rng,
        "reason": calc_reason(calc),
        "code": calc.get("code", ""),
        "granted": granted,
        "cap": calc.get("cap") if calc.get("code") == "capped" else None,
        "article": (calc.get("citation") or {}).get("text", ""),
    }


def _mean(values: list[Decimal]) -> Decimal | None:
    if not values:
        return None
    return money(sum(values, Decimal("0")) / len(values))


def _award_view(claim: Claim) -> dict[str, Any] | None:
    try:
        award = Award.objects.select_related("batch").get(claim=claim)
    except Award.DoesNotExist:
        return None
    instalments = list(award.instalments.prefetch_related("payments").order_by("year", "id"))
    for row in instalments:
        row.remaining = row.amount - row.paid
    payments = [p for row in instalments for p in row.payments.all()]
    return {
        "award": award,
        "batch": award.batch,
        "instalments": instalments,
        "payments": payments,
        "paid": sum((r.paid for r in instalments), Decimal("0.00")),
    }


def _claim_page(
    request: HttpRequest,
    claim: Claim,
    relation: str,
    *,
    form: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    posted: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    errors = errors or {}
    posted = posted or {}
    kind = _kind_of(claim.profile, claim.kind)
    try:
        profile = get_profile(claim.profile)
    except UnknownProfileError:
        profile = None
    editable = claim.status in services.EDITABLE and (
        relation == selectors.LEAD or (relation == selectors.DEPARTMENT and claim.on_behalf)
    )
    withdrawable = claim.status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.REVIEWING) and (
        relation == selectors.LEAD or (relation == selectors.DEPARTMENT and claim.on_behalf)
    )
    department = relation == selectors.DEPARTMENT
    form = form if form is not None else _form_of(claim)
    decidable = department and claim.status in services.DECIDABLE
    files = list(claim.files.all())
    context: dict[str, Any] = {
        "claim": claim,
        "alliance": claim.alliance,
        "relation": relation,
        "kind": kind,
        "kind_label": _kind_label(claim.profile, claim.kind),
        "kind_article": profile.cite(kind.citation) if (profile and kind) else "",
        "kind_rule": rule_summary(kind) if kind else "",
        "profile_name": _profile_name(claim.profile),
        "fields": _fields(kind),
        "form": form,
        "figure_value": form.get(kind.figure, "") if (kind and kind.figure) else "",
        "levels": [(k, _level_label(k)) for k in LEVEL_LABELS],
        "alliance_level": _level_label(claim.alliance.level),
        "facts": _facts_panel(claim),
        "calc": _calculation(claim),
        "files": files,
        "editable": editable,
        "withdrawable": withdrawable,
        "department": department,
        "decidable": decidable,
        "errors": errors,
        "posted": posted,
        "needs_evidence": services.needs_evidence(claim),
        "award_view": _award_view(claim),
        "is_range": claim.range_max is not None,
    }
    if department:
        reviews = list(claim.reviews.select_related("expert").order_by("id"))
        done = [r for r in reviews if r.submitted_at]
        mean_score = _mean([r.score for r in done if r.score is not None])
        mean_suggested = _mean([r.suggested for r in done if r.suggested is not None])
        context.update(
            {
                "reviews": reviews,
                "mean_score": mean_score,
                "mean_suggested": mean_suggested,
                "pool": list(
                    expert_pool(viewer=user).exclude(user_id__in=[r.expert_id for r in reviews])[
                        :200
                    ]
                )
                if decidable and claim.range_max is not None
                else [],
                "batches": list(
                    selectors.batches(user).filter(status=Batch.Status.DRAFT, profile=claim.profile)
                )
                if decidable
                else [],
                "stage": posted.get("stage")
                or {
                    "amount": str(
                        mean_suggested
                        if (claim.range_max is not None and mean_suggested is not None)
                        else claim.computed_amount
                    ),
                    "reason": "",
                    "first_year": str(selectors.today().year),
                    "years": "1",
                    "batch": "",
                },
                "return_reason": posted.get("return_reason", ""),
                "skipped": posted.get("skipped") or [],
            }
        )
    if relation == selectors.EXPERT:
        review = ClaimReview.objects.filter(claim=claim, expert=user).first()
        context["review"] = review
        context["review_form"] = posted.get("review") or {
            "score": "" if review is None or review.score is None else str(review.score),
            "suggested": ""
            if review is None or review.suggested is None
            else str(review.suggested),
            "comment": review.comment if review else "",
        }
        context["review_editable"] = bool(
            review and review.submitted_at is None and claim.status == S.REVIEWING
        )
    return render(request, "rewards/claim.html", context, status=status)


def _get_claim(request: HttpRequest, pk: Any) -> tuple[Claim, str]:
    return selectors.claim_for(request.user, pk)


@permission("rewards.view")
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row, relation = _get_claim(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    return _claim_page(request, row, relation)


def _back(pk: int) -> HttpResponse:
    return redirect("rewards:claim", pk=pk)


def _fresh(request: HttpRequest, pk: Any) -> tuple[Claim, str]:
    return selectors.claim_for(request.user, pk)


@permission("rewards.file")
@require_POST
def claim_save(request: HttpRequest, pk: int) -> HttpResponse:
    data = _posted_claim(request)
    try:
        services.claim_save(
            actor=request.user, claim_id=pk, data=data, revision=request.POST.get("revision")
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        row, relation = _fresh(request, pk)
        form = {**data, "other_support": data["other_support"]}
        return _claim_page(
            request, row, relation, form=form, errors={"claim": exc.message}, status=exc.status
        )
    messages.success(request, _("已保存，测算结果已更新。"))
    return _back(pk)


@permission("rewards.file")
@require_POST
def claim_submit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row, relation = _fresh(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认提交奖补申请？"),
            consequence=_("提交后申请不能再修改，主管部门将审核；需要补正时主管部门会退回。"),
            confirm_label=_("提交申请"),
            back_url=reverse("rewards:claim", args=[pk]),
            danger=False,
        )
    data = _posted_claim(request) if request.POST.get("with_form") == "1" else None
    try:
        revision = request.POST.get("revision")
        if data is not None:
            saved = services.claim_save(
                actor=request.user, claim_id=pk, data=data, revision=revision
            )
            revision = saved.revision
        services.claim_submit(actor=request.user, claim_id=pk, revision=revision)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        row, relation = _fresh(request, pk)
        return _claim_page(
            request,
            row,
            relation,
            form=data if data is not None else None,
            errors={"claim": exc.message},
            status=exc.status,
        )
    messages.success(request, _("申请已提交，主管部门将进行审核。"))
    return _back(pk)


@permission("rewards.file")
@require_POST
def claim_upload(request: HttpRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("file")
    try:
        if upload is None:
            row, relation = _fresh(request, pk)
            return _claim_page(
                request,
                row,
                relation,
                errors={"upload": _("请选择要上传的文件。")},
                posted={"upload_title": request.POST.get("title", "")},
                status=422,
            )
        services.claim_upload(
            actor=request.user, claim_id=pk, file=upload, title=request.POST.get("title", "")
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        row, relation = _fresh(request, pk)
        return _claim_page(
            request,
            row,
            relation,
            errors={"upload": exc.message},
            posted={"upload_title": request.POST.get("title", "")},
            status=exc.status,
        )
    messages.success(request, _("证明材料已上传。"))
    return _back(pk)


@permission("rewards.file")
@require_POST
def claim_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        _fresh(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认撤回奖补申请？"),
            consequence=_("撤回后申请终止，不能恢复；如需申请须重新填写。"),
            confirm_label=_("撤回申请"),
            back_url=reverse("rewards:claim", args=[pk]),
        )
    try:
        services.claim_withdraw(
            actor=request.user, claim_id=pk, revision=request.POST.get("revision")
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        row, relation = _fresh(request, pk)
        return _claim_page(request, row, relation, errors={"claim": exc.message}, status=exc.status)
    messages.success(request, _("申请已撤回。"))
    return _back(pk)


@permission("rewards.decide")
@require_POST
def claim_return(request: HttpRequest, pk: int) -> HttpResponse:
    reason = request.POST.get("reason", "")
    try:
        _fresh(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认退回补正？"),
            consequence=_("申请退回牵头单位补正，退回意见将通知牵头单位。"),
            confirm_label=_("退回补正"),
            back_url=reverse("rewards:claim", args=[pk]),
        )
    try:
        services.claim_return(
            actor=request.user, claim_id=pk, reason=reason, revision=request.POST.get("revision")
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        row, relation = _fresh(request, pk)
        return _claim_page(
            request,
            row,
            relation,
            errors={"return": exc.message},
            posted={"return_reason": reason},
            status=exc.status,
        )
    messages.success(request, _("申请已退回补正，已通知牵头单位。"))
    return _back(pk)


@permission("rewards.decide")
@require_POST
def claim_reviewers(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        _fresh(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    try:
        skipped = services.reviewers_assign(
            actor=request.user, claim_id=pk, expert_ids=request.POST.getlist("experts")
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        row, relation = _fresh(request, pk)
        return _claim_page(
            request, row, relation, errors={"reviewers": exc.message}, status=exc.status
        )
    if skipped:
        messages.warning(
            request,
            _("以下专家因利益冲突未安排评审：%(names)s") % {"names": "；".join(skipped)},
        )
    messages.success(request, _("已安排专家评审，专家将收到通知。"))
    return _back(pk)


@permission("rewards.decide")
@require_POST
def award_stage(request: HttpRequest, pk: int) -> HttpResponse:
    post = request.POST
    stage = {
        "batch": post.get("batch", ""),
        "amount": post.get("amount", ""),
        "reason": post.get("reason", ""),
        "first_year": post.get("first_year", ""),
        "years": post.get("years", "1"),
    }
    try:
        # the claim first: a claim the viewer may not see is 404, whatever the batch
        _fresh(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    try:
        services.award_stage(
            actor=request.user,
            claim_id=pk,
            batch_id=stage["batch"],
            amount=stage["amount"],
            reason=stage["reason"],
            first_year=stage["first_year"],
            years=stage["years"],
            revision=post.get("revision"),
        )
    except PermissionDenied as exc:
        return _refused(request, exc)
    except NotFound as exc:
        if stage["batch"]:
            return _refused(request, exc)
        row, relation = _fresh(request, pk)
        return _claim_page(
            request,
            row,
            relation,
            errors={"stage": _("请选择决定批次。")},
            posted={"stage": stage},
            status=422,
        )
    except DomainError as exc:
        row, relation = _fresh(request, pk)
        return _claim_page(
            request,
            row,
            relation,
            errors={"stage": exc.message},
            posted={"stage": stage},
            status=exc.status,
        )
    messages.success(request, _("已拟定决定，将随批次一并公布。"))
    return _back(pk)


@permission("rewards.decide")
@require_POST
def award_unstage(request: HttpRequest, aid: int) -> HttpResponse:
    try:
        claim = services.award_unstage(actor=request.user, award_id=aid)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(request, _("已撤回拟定的决定，预算安排已释放。"))
    return _back(claim.pk)


# -- files --------------------------------------------------------------------------------------


def _claim_file(request: HttpRequest, fid: Any) -> ClaimFile:
    try:
        row = ClaimFile.objects.get(pk=int(fid))
    except (ClaimFile.DoesNotExist, TypeError, ValueError):
        raise NotFound(selectors.NOT_FOUND) from None
    selectors.claim_for(request.user, row.claim_id)
    return row


@permission("rewards.view")
def claim_file(request: HttpRequest, fid: int) -> HttpResponse:
    try:
        row = _claim_file(request, fid)
        handle = default_storage.open(row.file.name, "rb")
    except DomainError as exc:
        return _refused(request, exc)
    except FileNotFoundError:
        return error_page(request, 404, _("未找到"), _("未找到该文件。"))
    response = FileResponse(
        handle, as_attachment=True, filename=row.original_name, content_type=row.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@permission("rewards.file")
@require_POST
def claim_file_delete(request: HttpRequest, fid: int) -> HttpResponse:
    try:
        row = _claim_file(request, fid)
        pk = row.claim_id
        services.claim_file_delete(actor=request.user, file_id=fid)
    except DomainError as exc:
        return _refused(request, exc)
    messages.success(request, _("已删除证明材料。"))
    return _back(pk)


# -- the expert's review ------------------------------------------------------------------------


@permission("rewards.review")
@require_POST
def review_save(request: HttpRequest, rid: int) -> HttpResponse:
    post = request.POST
    form = {
        "score": (post.get("score") or "").strip(),
        "suggested": (post.get("suggested") or "").strip(),
        "comment": post.get("comment") or "",
    }
    submit = post.get("action") == "submit"
    try:
        review = ClaimReview.objects.filter(pk=int(rid), expert=request.user).first()
    except (TypeError, ValueError):
        review = None
    if review is None:
        return error_page(request, 404, _("未找到"), _("未找到该评审任务。"))
    try:
        services.review_save(
            actor=request.user,
            review_id=rid,
            score=form["score"],
            suggested=form["suggested"],
            comment=form["comment"],
            submit=submit,
            revision=post.get("revision"),
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        try:
            row, relation = _fresh(request, review.claim_id)
        except DomainError as inner:
            return _refused(request, inner)
        return _claim_page(
            request,
            row,
            relation,
            errors={"review": exc.message},
            posted={"review": form},
            status=exc.status,
        )
    if submit:
        messages.success(request, _("评审意见已提交。"))
    else:
        messages.success(request, _("评审意见已保存，可继续修改后提交。"))
    return _back(review.claim_id)


# -- the public calculator ----------------------------------------------------------------------

CALC_FIELDS = (
    "profile",
    "kind",
    "level",
    "approved_on",
    "date",
    "year",
    "project",
    "platform",
    "legal_entity_registered_on",
    "other_source",
    *services.FIGURES,
)
CALC_FLAGS = ("key_support", "support_revoked", "major_contribution")


def _calc_date(value: str, label: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise RewardInputError(label, _("日期格式无效，应为 2019-06-30")) from None


@public
def calculator(request: HttpRequest) -> HttpResponse:
    profiles = [(p.id, p.name.value) for p in load_profiles().values() if p.rewards is not None]
    get = request.GET
    form: dict[str, Any] = {name: (get.get(name) or "").strip()[:200] for name in CALC_FIELDS}
    for flag in CALC_FLAGS:
        form[flag] = get.get(flag) == "1"
    ids = [pid for pid, _name in profiles]
    if form["profile"] not in ids:
        form["profile"] = ids[0] if ids else ""
    profile = get_profile(form["profile"]) if form["profile"] else None
    kinds = _kinds(form["profile"]) if profile else []
    kind_ids = [k["id"] for k in kinds]
    if form["kind"] not in kind_ids:
        form["kind"] = ""
    if form["level"] not in LEVEL_LABELS:
        form["level"] = ""
    result, error = None, ""
    asked = "kind" in get
    if asked and profile is not None and profile.rewards is not None:
        try:
            if not form["kind"]:
                raise RewardInputError("kind", _("请选择奖补类别。"))
            kind = profile.rewards.kind(form["kind"])
            assert kind is not None
            figures: dict[str, Decimal] = {}
            for name in services.FIGURES:
                if form[name]:
                    try:
                        value = Decimal(form[name].replace(",", ""))
                    except InvalidOperation:
                        raise RewardInputError(
                            name, _("%(label)s应为金额（万元）") % {"label": FIGURE_LABELS[name]}
                        ) from None
                    if not value.is_finite() or value < 0 or value > LIMIT:
                        raise RewardInputError(
                            name, _("%(label)s应为金额（万元）") % {"label": FIGURE_LABELS[name]}
                        )
                    figures[name] = value
            year = None
            if form["year"]:
                if not form["year"].isdigit() or not 1949 <= int(form["year"]) <= 2200:
                    raise RewardInputError("year", _("年度应为年份，如 2020"))
                year = int(form["year"])
            approved = _calc_date(form["approved_on"], "approved_on")
            day = _calc_date(form["date"], "date") or approved
            if day is None:
                raise RewardInputError("date", _("请填写奖励事项日期或联盟获批日期。"))
            facts = AllianceFacts(
                level=form["level"] or "municipal",
                approved_on=approved,
                key_support=form["key_support"],
                legal_entity_registered_on=_calc_date(
                    form["legal_entity_registered_on"], "legal_entity_registered_on"
                ),
                support_revoked=form["support_revoked"],
            )
            item = ClaimInput(
                id="calc",
                kind=kind.id,
                date=day,
                level=form["level"] or None,
                year=year,
                project=form["project"],
                platform=form["platform"],
                major_contribution=form["major_contribution"],
                figures=figures,
            )
            required_figure(kind, item, "$")
            support = (
                [OtherSupport(claim="calc", source=form["other_source"])]
                if form["other_source"]
                else []
            )
            award = calculate(profile, facts, [item], support).awards[0]
        except RewardInputError as exc:
            error = exc.message
        else:
            result = {
                "award": award,
                "reason": award_reason(award),
                "article": profile.cite(award.citation),
                "granted": award.granted,
            }
    context = {
        "profiles": profiles,
        "kinds": kinds,
        "form": form,
        "levels": [(k, _level_label(k)) for k in LEVEL_LABELS],
        "figures": [(name, _(FIGURE_LABELS[name]), form[name]) for name in services.FIGURES],
        "result": result,
        "error": error,
    }
    return render(request, "rewards/calculator.html", context)
