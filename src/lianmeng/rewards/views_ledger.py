"""奖补决定、预算与资金台账 pages of the department (M-51), and the public notices of published
decisions.

- ``batches`` / ``batch`` / ``batch_publish``: the department's decision batches, one batch with
  its staged awards, the budget each year has left, and publishing (文号, confirmed);
- ``budgets``: the budgets of the department's profiles (fund source × year) with what is
  committed, paid and available; a search of the department's alliances leads to ``facts``;
- ``ledger`` / ``payment_record``: the instalments due with a form to record a payment each,
  the payments recorded (filterable), totals per fund source and year; a lead unit sees its
  own payments read-only;
- ``facts``: what the department records of an alliance (纳入重点支持, the legal entity);
- ``public_batches`` / ``public_batch``: published decisions for anyone — alliance, kind,
  amount and article, never figures, evidence or reasons.

Every read goes through lianmeng.rewards.selectors, every write through
lianmeng.rewards.services (which check who acts); a refused form is shown again with what was
typed and what to do.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.alliances.models import Alliance
from lianmeng.core.access import permission, public
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied
from lianmeng.core.roles import Role
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.policy.rewards import money
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.ui.errors import error_page

from . import selectors, services
from .exports import department_of, kinds_of
from .models import Award, Batch, Budget, Instalment, Payment

PER_PAGE = 20
ROWS_PER_PAGE = 50
ZERO = Decimal("0.00")
BATCH_NOT_FOUND = "未找到该批次，或您无权查看。"


# -- helpers --------------------------------------------------------------------------------------


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error_page(request, 404, _("未找到"), _(exc.message))
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, _("无权操作"), _(exc.message))
    return error_page(request, exc.status, _("无法完成"), _(exc.message))


def _not_found(request: HttpRequest, message: str = "") -> HttpResponse:
    return error_page(request, 404, _("未找到"), message or _(BATCH_NOT_FOUND))


def _none_message() -> str:
    return _(
        "本辖区适用的政策档案没有奖补规定：奖补决定、预算和资金台账由规定了奖补的"
        "政策的主管部门办理。"
    )


def _page(request: HttpRequest, rows: Any, per_page: int = PER_PAGE, key: str = "page") -> Any:
    page = Paginator(rows, per_page).get_page(request.GET.get(key))
    page.range = page.paginator.get_elided_page_range(page.number, on_each_side=2)
    return page


def _profile_name(profile_id: str) -> str:
    try:
        return get_profile(profile_id).name.value
    except UnknownProfileError:
        return profile_id


def _post(request: HttpRequest, *names: str) -> dict[str, str]:
    return {name: (request.POST.get(name) or "").strip() for name in names}


# -- batches ---------------------------------------------------------------------------------------


def _department_batches(request: HttpRequest, profiles: list[str]) -> QuerySet[Batch]:
    return (
        selectors.batches(request.user)
        .filter(profile__in=profiles, jurisdiction_id=request.user.jurisdiction_id)
        .annotate(
            award_count=Count("awards"),
            total=Sum("awards__amount"),
        )
        .order_by("-created_at", "-id")
    )


@permission("rewards.decide")
def batches(request: HttpRequest) -> HttpResponse:
    """The department's decision batches and a form to open one."""
    profiles = selectors.department_profiles(request.user)
    form = {"title": "", "profile": profiles[0] if profiles else ""}
    error, status = "", 200
    if request.method == "POST" and profiles:
        form = _post(request, "title", "profile")
        if form["profile"] not in profiles:
            form["profile"] = profiles[0]
        try:
            batch = services.batch_create(
                actor=request.user, profile_id=form["profile"], title=form["title"]
            )
        except (NotFound, PermissionDenied) as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(
                request, _("批次已建立。请在奖补申请中将决定拟定到本批次，然后统一公布。")
            )
            return redirect("rewards:batch", pk=batch.pk)
    elif request.method == "POST":
        status = 422
    state = request.GET.get("status", "")
    if state not in Batch.Status.values:
        state = ""
    rows = _department_batches(request, profiles) if profiles else Batch.objects.none()
    if state:
        rows = rows.filter(status=state)
    page = _page(request, rows)
    context = {
        "page_obj": page,
        "page_range": page.range,
        "batches": list(page.object_list),
        "profiles": [(p, _profile_name(p)) for p in profiles],
        "none": "" if profiles else _none_message(),
        "form": form,
        "error": error,
        "state": state,
        "states": Batch.Status.choices,
    }
    return render(request, "rewards/batches.html", context, status=status)


def _batch_of(request: HttpRequest, pk: Any) -> Batch:
    """The batch, if the viewer is the department that decides it; NotFound otherwise."""
    batch = Batch.objects.select_related("jurisdiction").filter(pk=pk).first()
    if (
        batch is None
        or not selectors.decides(request.user, batch.profile)
        or batch.jurisdiction_id != request.user.jurisdiction_id
    ):
        raise NotFound(_(BATCH_NOT_FOUND))
    return batch


def _availability(batch: Batch, instalments: list[Instalment]) -> list[dict[str, Any]]:
    """Per year of the batch's instalments: the budget, what is committed on it (this batch
    included), what is left, and this batch's share."""
    share: dict[int, Decimal] = {}
    for row in instalments:
        share[row.year] = share.get(row.year, ZERO) + row.amount
    fund = ""
    config = selectors.config_of(batch.profile)
    if config is not None:
        fund = config.fund_source.value
    budgets = Budget.objects.filter(
        profile=batch.profile, jurisdiction_id=batch.jurisdiction_id, fund=fund, year__in=share
    ).order_by("year")
    uses = {u.budget.year: u for u in selectors.budget_uses(budgets)}
    rows = []
    for year in sorted(share):
        use = uses.get(year)
        rows.append(
            {
                "year": year,
                "fund": fund,
                "budget": use.budget.amount if use else None,
                "committed": use.committed if use else None,
                "available": use.available if use else None,
                "share": share[year],
                "short": use is not None and use.available < 0,
            }
        )
    return rows


def _batch_page(
    request: HttpRequest,
    batch: Batch,
    *,
    form: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    awards_qs = (
        Award.objects.filter(batch=batch)
        .select_related("claim", "alliance")
        .prefetch_related("instalments")
        .order_by("id")
    )
    page = _page(request, awards_qs, ROWS_PER_PAGE)
    kinds = kinds_of(batch.profile, translate=True)
    rows = []
    for award in page.object_list:
        kind = kinds.get(award.claim.kind, {})
        rows.append(
            {
                "award": award,
                "claim": award.claim,
                "kind": kind.get("label", award.claim.kind),
                "article": kind.get("article", ""),
                "instalments": list(award.instalments.all()),
            }
        )
    totals = Award.objects.filter(batch=batch).aggregate(
        total=Sum("amount"),
        count=Count("id"),
        granted=Count("id", filter=Q(amount__gt=0)),
    )
    instalments = list(Instalment.objects.filter(award__batch=batch).only("year", "amount"))
    draft = batch.status == Batch.Status.DRAFT
    context = {
        "batch": batch,
        "rows": rows,
        "page_obj": page,
        "page_range": page.range,
        "total": money(totals["total"] or ZERO),
        "count": totals["count"],
        "granted": totals["granted"],
        "availability": _availability(batch, instalments),
        "profile_name": _profile_name(batch.profile),
        "draft": draft,
        "form": form or {"reference": batch.reference},
        "error": error,
        "publish_text": _(
            "本批次的全部决定（%(n)s 项，合计 %(total)s 万元）一并公布：给予奖补的决定占用预算，"
            "牵头单位收到通知，公示页面向社会公开联盟、奖补类别、金额和依据条款。公布后不能撤回。"
        )
        % {"n": totals["count"], "total": money(totals["total"] or ZERO)},
    }
    return render(request, "rewards/batch.html", context, status=status)


@permission("rewards.decide")
def batch(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = _batch_of(request, pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    return _batch_page(request, row)


@permission("rewards.decide")
@require_POST
def batch_publish(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = _batch_of(request, pk)
    except NotFound as exc:
        return _not_found(request, exc.message)
    form = _post(request, "reference", "revision")
    if row.status == Batch.Status.PUBLISHED:
        messages.info(request, _("该批次已公布。"))
        return redirect("rewards:batch", pk=pk)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认公布本批次的奖补决定？"),
            consequence=_(
                "本批次的全部决定一并公布，牵头单位收到通知，公示页面向社会公开。公布后不能撤回。"
            ),
            confirm_label=_("公布决定"),
            back_url=reverse("rewards:batch", args=[pk]),
            details=[row.title, form["reference"]],
        )
    try:
        services.batch_publish(
            actor=request.user,
            batch_id=pk,
            reference=form["reference"],
            revision=form["revision"],
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        row.refresh_from_db()
        return _batch_page(request, row, form=form, error=exc.message, status=exc.status)
    messages.success(request, _("奖补决定已公布，牵头单位已收到通知。"))
    return redirect("rewards:batch", pk=pk)


# -- budgets ---------------------------------------------------------------------------------------


@permission("rewards.decide")
def budgets(request: HttpRequest) -> HttpResponse:
    """The budgets of the department's profiles, a form to enter or change one, and a search
    of the department's alliances (→ ``facts``)."""
    profiles = selectors.department_profiles(request.user)
    rows = selectors.budgets(request.user).order_by("-year", "fund", "id")
    form = {
        "budget_id": "",
        "profile": profiles[0] if profiles else "",
        "year": "",
        "amount": "",
        "note": "",
        "revision": "",
    }
    editing = None
    error, status = "", 200
    if request.method == "POST" and profiles:
        form = _post(request, *form)
        if form["profile"] not in profiles:
            form["profile"] = profiles[0]
        if form["budget_id"]:
            if form["budget_id"].isdigit():
                editing = rows.filter(pk=form["budget_id"]).first()
            if editing is None:
                return _not_found(request, _("未找到该预算。"))
        try:
            saved = services.budget_save(
                actor=request.user,
                profile_id=editing.profile if editing else form["profile"],
                year=editing.year if editing else form["year"],
                amount=form["amount"],
                note=form["note"],
                budget_id=form["budget_id"] or None,
                revision=form["revision"] or None,
            )
        except PermissionDenied as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(
                request,
                _("已保存 %(year)s 年度%(fund)s预算 %(amount)s 万元。")
                % {"year": saved.year, "fund": saved.fund, "amount": saved.amount},
            )
            return redirect("rewards:budgets")
    elif request.method == "POST":
        status = 422
    elif request.GET.get("edit", "").isdigit():
        editing = rows.filter(pk=request.GET["edit"]).first()
        if editing is not None:
            form = {
                "budget_id": str(editing.pk),
                "profile": editing.profile,
                "year": str(editing.year),
                "amount": str(editing.amount),
                "note": editing.note,
                "revision": str(editing.revision),
            }
    year = request.GET.get("year", "")
    if year.isdigit():
        rows = rows.filter(year=int(year))
    else:
        year = ""
    page = _page(request, rows)
    uses = selectors.budget_uses(page.object_list)
    query = (request.GET.get("q") or "").strip()[:60]
    found = []
    if query and profiles:
        found = list(
            Alliance.objects.filter(profile__in=profiles, name__icontains=query)
            .only("id", "name", "status", "support_eligible")
            .order_by("name")[:20]
        )
    context = {
        "page_obj": page,
        "page_range": page.range,
        "uses": uses,
        "profiles": [(p, _profile_name(p)) for p in profiles],
        "funds": _funds(profiles),
        "none": "" if profiles else _none_message(),
        "form": form,
        "editing": editing,
        "error": error,
        "year": year,
        "q": query,
        "found": found,
    }
    return render(request, "rewards/budgets.html", context, status=status)


def _funds(profiles: list[str]) -> list[str]:
    out = []
    for profile_id in profiles:
        config = selectors.config_of(profile_id)
        if config is not None and config.fund_source.value not in out:
            out.append(config.fund_source.value)
    return out


# -- the ledger ------------------------------------------------------------------------------------


def ledger_filters(request: HttpRequest) -> dict[str, str]:
    """The ledger's filters from the query string: year, fund, alliance text."""
    year = (request.GET.get("year") or "").strip()
    return {
        "year": year if year.isdigit() else "",
        "fund": (request.GET.get("fund") or "").strip()[:120],
        "q": (request.GET.get("q") or "").strip()[:60],
    }


def filtered_ledger(request: HttpRequest, filters: dict[str, str]) -> QuerySet[Payment]:
    rows = selectors.ledger(request.user)
    if filters["year"]:
        rows = rows.filter(budget__year=int(filters["year"]))
    if filters["fund"]:
        rows = rows.filter(budget__fund=filters["fund"])
    if filters["q"]:
        rows = rows.filter(
            Q(alliance__name__icontains=filters["q"])
            | Q(instalment__award__claim__number__icontains=filters["q"])
            | Q(voucher__icontains=filters["q"])
        )
    return rows.order_by("-paid_on", "-id")


def filtered_due(request: HttpRequest, filters: dict[str, str]) -> QuerySet[Instalment]:
    rows = selectors.instalments_due(request.user)
    if filters["year"]:
        rows = rows.filter(year=int(filters["year"]))
    if filters["fund"]:
        rows = rows.filter(budget__fund=filters["fund"])
    if filters["q"]:
        rows = rows.filter(
            Q(award__alliance__name__icontains=filters["q"])
            | Q(award__claim__number__icontains=filters["q"])
        )
    return rows


def _ledger_page(
    request: HttpRequest,
    *,
    failed: int | None = None,
    values: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    profiles = selectors.department_profiles(user)
    department = bool(profiles)
    if not (department or user.has_role(Role.APPLICANT) or user.has_role(Role.COMPETENT)):
        return error_page(request, 403, _("无权访问"), _("资金台账由主管部门办理。"))
    filters = ledger_filters(request)
    payments = filtered_ledger(request, filters)
    page = _page(request, payments)
    totals = list(
        payments.order_by()
        .values("budget__fund", "budget__year")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by("budget__fund", "-budget__year")
    )
    grand = sum((t["total"] for t in totals), ZERO)
    due_page = None
    due_rows: list[dict[str, Any]] = []
    summary: list[Any] = []
    kinds: dict[str, dict[str, dict[str, str]]] = {}
    if department:
        due_page = _page(request, filtered_due(request, filters), PER_PAGE, "due_page")
        today = selectors.today().isoformat()
        for row in due_page.object_list:
            profile = row.budget.profile
            if profile not in kinds:
                kinds[profile] = kinds_of(profile, translate=True)
            kind = kinds[profile].get(row.award.claim.kind, {})
            mine = failed == row.pk
            remaining = row.amount - row.paid
            due_rows.append(
                {
                    "row": row,
                    "kind": kind.get("label", row.award.claim.kind),
                    "remaining": remaining,
                    "form": values
                    if mine and values
                    else {"paid_on": today, "voucher": "", "amount": str(remaining), "note": ""},
                    "error": error if mine else "",
                }
            )
        summary = selectors.budget_uses(selectors.budgets(user).order_by("-year", "fund")[:20])
    failed_shown = any(r["error"] for r in due_rows)
    context = {
        "department": department,
        "none": "" if department or user.has_role(Role.APPLICANT) else _none_message(),
        "filters": filters,
        "funds": _funds(profiles),
        "payments": list(page.object_list),
        "page_obj": page,
        "page_range": page.range,
        "totals": totals,
        "grand": grand,
        "due_page": due_page,
        "due_rows": due_rows,
        "summary": summary,
        "error": "" if failed_shown else error,
        "error_anchor": f"due-{failed}" if failed_shown else "",
    }
    return render(request, "rewards/ledger.html", context, status=status)


@permission("rewards.file")
def ledger(request: HttpRequest) -> HttpResponse:
    return _ledger_page(request)


@permission("rewards.decide")
@require_POST
def payment_record(request: HttpRequest, iid: int) -> HttpResponse:
    values = _post(request, "paid_on", "voucher", "amount", "note")
    try:
        payment = services.payment_record(
            actor=request.user,
            instalment_id=iid,
            paid_on=values["paid_on"],
            voucher=values["voucher"],
            amount=values["amount"],
            note=values["note"],
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        return _ledger_page(
            request, failed=int(iid), values=values, error=exc.message, status=exc.status
        )
    messages.success(
        request,
        _("已登记拨付：%(name)s %(amount)s 万元（凭证号 %(voucher)s）。")
        % {"name": payment.alliance.name, "amount": payment.amount, "voucher": payment.voucher},
    )
    return redirect("rewards:ledger")


# -- facts -----------------------------------------------------------------------------------------


@permission("rewards.decide")
def facts(request: HttpRequest, aid: int) -> HttpResponse:
    """纳入重点支持 and the legal entity's registration of one alliance (the department)."""
    alliance = Alliance.objects.select_related("lead_unit").filter(pk=aid).first()
    if alliance is None or not selectors.decides(request.user, alliance.profile):
        return _not_found(request, _("未找到该联盟，或它不适用本部门的奖补政策。"))
    record = selectors.support_record(alliance)
    form = {
        "key_support": "1" if record and record.key_support else "",
        "key_support_reason": record.key_support_reason if record else "",
        "legal_entity_name": record.legal_entity_name if record else "",
        "legal_entity_uscc": record.legal_entity_uscc if record else "",
        "legal_entity_registered_on": record.legal_entity_registered_on.isoformat()
        if record and record.legal_entity_registered_on
        else "",
        "revision": str(record.revision) if record else "",
    }
    error, status = "", 200
    if request.method == "POST":
        form = _post(request, *form)
        try:
            services.facts_save(
                actor=request.user,
                alliance_id=alliance.pk,
                data=form,
                revision=form["revision"] or None,
            )
        except (NotFound, PermissionDenied) as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, _("已保存%(name)s的扶持认定情况。") % {"name": alliance.name})
            return redirect("rewards:facts", aid=alliance.pk)
    known = selectors.facts_of(alliance)
    context = {
        "alliance": alliance,
        "record": record,
        "form": form,
        "error": error,
        "facts": known,
        "profile_name": _profile_name(alliance.profile),
    }
    return render(request, "rewards/facts.html", context, status=status)


# -- public notices --------------------------------------------------------------------------------


@public
def public_batches(request: HttpRequest) -> HttpResponse:
    """奖补决定公示: every published batch, for anyone."""
    rows = selectors.public_batches().annotate(
        granted=Count("awards", filter=Q(awards__amount__gt=0)),
        total=Sum("awards__amount"),
    )
    page = _page(request, rows)
    items = [{"batch": b, "profile_name": _profile_name(b.profile)} for b in page.object_list]
    context = {"rows": items, "page_obj": page, "page_range": page.range}
    return render(request, "rewards/public_batches.html", context)


def public_rows(batch: Batch, awards: Any) -> list[dict[str, Any]]:
    """What the public sees of a published batch's awards: the alliance, the kind, the amount
    and the article — never the figures, the evidence or the reasons."""
    kinds = kinds_of(batch.profile, translate=True)
    rows = []
    for award in awards:
        kind = kinds.get(award.claim.kind, {})
        rows.append(
            {
                "alliance": award.alliance.name,
                "kind": kind.get("label", award.claim.kind),
                "amount": award.amount,
                "granted": award.amount > 0,
                "article": kind.get("article", ""),
            }
        )
    return rows


@public
def public_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = selectors.public_batches().filter(pk=pk).first()
    if batch is None:
        return _not_found(request, _("未找到该奖补决定，或它尚未公布。"))
    awards = Award.objects.filter(batch=batch).select_related("alliance", "claim").order_by("id")
    page = _page(request, awards, ROWS_PER_PAGE)
    totals = Award.objects.filter(batch=batch).aggregate(
        total=Sum("amount"), granted=Count("id", filter=Q(amount__gt=0))
    )
    context = {
        "batch": batch,
        "rows": public_rows(batch, page.object_list),
        "page_obj": page,
        "page_range": page.range,
        "total": totals["total"] or ZERO,
        "granted": totals["granted"],
        "profile_name": _profile_name(batch.profile),
        "department": department_of(batch.profile),
    }
    return render(request, "rewards/public_batch.html", context)
