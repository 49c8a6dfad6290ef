"""绩效评价 pages of the departments: the campaigns (``/staff/evaluations/``), one campaign with
its stages, progress, score distribution and alliances, its evaluators and objections, one
alliance's evaluation (indicators, facts, self-evaluation, scores, 核定调整), the 择优支持 list
and the rectifications with their re-check.

Every write goes through lianmeng.evaluation.services (which checks who acts); every read
through lianmeng.evaluation.selectors. Forms post, redirect and show a message; a refused form
is shown again with what was typed and what to do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianmeng.core.access import permission
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import User
from lianmeng.core.revisions import check_revision
from lianmeng.core.roles import Role
from lianmeng.core.validity import lapse_status
from lianmeng.jobs.views import direct_rows, start_response
from lianmeng.policy.loader import get_profile
from lianmeng.ui.confirm import confirmation_page, confirmed
from lianmeng.ui.errors import error_page
from lianmeng.workflow.engine import basis_lapse
from lianmeng.workflow.selectors import state_history

from . import lifecycle, selectors, services
from .models import Campaign, CampaignEvaluator, Evaluation, Objection, Rectification

PER_PAGE = 20
ROWS_PER_PAGE = 50
Stage = Campaign.Stage


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error_page(request, 404, _("未找到"), _(exc.message))
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, _("无权操作"), _(exc.message))
    return error_page(request, exc.status, _("无法完成"), _(exc.message))


def _not_found(request: HttpRequest) -> HttpResponse:
    return error_page(request, 404, _("未找到"), _(selectors.NOT_FOUND))


def _field(exc: DomainError) -> str:
    details = getattr(exc, "details", None) or {}
    return str(details.get("field", "")) if isinstance(details, dict) else ""


def _grade_label(config: Any, grade_id: str) -> str:
    grade = config.grade(grade_id) if config is not None and grade_id else None
    return _(grade.label) if grade is not None else grade_id


# -- the campaigns --------------------------------------------------------------------------------


def _decorate_campaigns(rows: list[Campaign]) -> list[Campaign]:
    for row in rows:
        row.stage_name = _(Stage(row.stage).label)
    return rows


@permission("evaluation.department")
def campaigns(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.campaigns(request.user), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "campaigns": _decorate_campaigns(list(page.object_list)),
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "organiser": bool(selectors.organiser_profiles(request.user)),
    }
    return render(request, "evaluation/staff_campaigns.html", context)


def _parse_date(value: str, label: str, field: str) -> date:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError as exc:
        raise ValidationFailed(
            _("请按“年-月-日”填写%(label)s。") % {"label": label}, details={"field": field}
        ) from exc


@permission("evaluation.organise")
def campaign_new(request: HttpRequest) -> HttpResponse:
    profile_ids = selectors.organiser_profiles(request.user)
    if not profile_ids:
        # competent staff of a jurisdiction whose policy has no annual evaluation
        message = _(
            "本辖区适用的政策档案没有绩效评价的规定，不能开展绩效评价；"
            "由省级或市级主管部门开展的评价会出现在绩效评价列表中。"
        )
        return render(
            request,
            "evaluation/staff_campaign_new.html",
            {"profiles": [], "form": {}, "error": "", "none": message},
            status=422 if request.method == "POST" else 200,
        )
    profiles = [(pid, get_profile(pid).name.value) for pid in profile_ids]
    today = selectors.today()
    form = {
        "profile": profile_ids[0],
        "year": str(today.year - 1),
        "self_due": "",
        "scoring_due": "",
        "title": "",
    }
    error, error_field, status = "", "", 200
    if request.method == "POST":
        form = {key: (request.POST.get(key) or "").strip() for key in form}
        if len(profile_ids) == 1:
            form["profile"] = profile_ids[0]
        try:
            if form["profile"] not in profile_ids:
                raise ValidationFailed(_("请选择政策档案。"), details={"field": "profile"})
            campaign = services.campaign_open(
                actor=request.user,
                profile_id=form["profile"],
                year=form["year"],
                self_due=_parse_date(form["self_due"], _("自评截止日期"), "self_due"),
                scoring_due=_parse_date(form["scoring_due"], _("评分截止日期"), "scoring_due"),
                title=form["title"],
            )
        except PermissionDenied as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, error_field, status = exc.message, _field(exc), exc.status
        else:
            messages.success(
                request,
                _("绩效评价已开展，%(n)s 个联盟参评。请为评价安排评价人。")
                % {"n": campaign.alliance_count},
            )
            return redirect("evaluation:campaign", pk=campaign.pk)
    context = {
        "profiles": profiles,
        "form": form,
        "error": error,
        "error_field": error_field,
        "today": today,
    }
    return render(request, "evaluation/staff_campaign_new.html", context, status=status)


# -- one campaign ---------------------------------------------------------------------------------

ADVANCE_LABELS = {
    Stage.SELF: "进入评分阶段",
    Stage.SCORING: "结束评分并核定",
    Stage.VERIFYING: "开始公示",
    Stage.NOTICE: "公布结果",
}


def _advance(campaign: Campaign) -> dict[str, str] | None:
    """The button moving the campaign on: its label and what it does."""
    if campaign.stage == Stage.PUBLISHED:
        return None
    stage = Stage(campaign.stage)
    label = _(ADVANCE_LABELS[stage])
    if stage == Stage.SELF:
        text = _(
            "自评阶段结束：尚未提交自评的联盟不能再提交，评价人开始评分（评分截止 %(day)s）。"
        ) % {"day": campaign.scoring_due.isoformat()}
    elif stage == Stage.SCORING:
        text = _(
            "评分结束：评价人不能再保存或提交评分；平台按已提交的评分计算各联盟得分、等级和名次。"
            "没有评分的联盟须在核定阶段填写核定得分。"
        )
    elif stage == Stage.VERIFYING and campaign.notice_days:
        text = _(
            "评价结果（最终得分、等级、名次）向社会公示 %(days)s 天，公示期间任何人可以提出异议；"
            "核定得分不能再调整（异议成立的除外）。"
        ) % {"days": campaign.notice_days}
    else:
        label = _(ADVANCE_LABELS[Stage.NOTICE])
        text = _(
            "评价结果成为最终结果并公布；评为不合格的联盟将收到警告并限期整改。此操作不能撤销。"
        )
    return {
        "label": label,
        "title": _("确认%(action)s？") % {"action": label},
        "text": text,
    }


def _steps(campaign: Campaign) -> list[dict[str, Any]]:
    order = services.ORDER
    current = order.index(Stage(campaign.stage))
    dates = {
        Stage.SELF: _("截止 %(day)s") % {"day": campaign.self_due.isoformat()},
        Stage.SCORING: _("截止 %(day)s") % {"day": campaign.scoring_due.isoformat()},
        Stage.VERIFYING: "",
        Stage.NOTICE: (
            f"{campaign.notice_starts_on.isoformat()} — {campaign.notice_ends_on.isoformat()}"
            if campaign.notice_starts_on and campaign.notice_ends_on
            else (
                _("%(days)s 天") % {"days": campaign.notice_days}
                if campaign.notice_days
                else _("本政策不设公示期")
            )
        ),
        Stage.PUBLISHED: campaign.published_at.date().isoformat() if campaign.published_at else "",
    }
    return [
        {
            "label": _(stage.label),
            "when": dates[stage],
            "done": index < current,
            "current": index == current,
            "number": index + 1,
        }
        for index, stage in enumerate(order)
    ]


def _row_filters(request: HttpRequest, grades: list[tuple[str, str]]) -> dict[str, str]:
    get = request.GET
    grade = get.get("grade", "")
    filed = get.get("filed", "")
    return {
        "grade": grade if grade in {g for g, _label in grades} else "",
        "q": (get.get("q") or "").strip()[:60],
        "filed": filed if filed in ("yes", "no") else "",
    }


@permission("evaluation.department")
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row, relation = selectors.campaign_get(viewer=request.user, pk=pk)
    except DomainError as exc:
        return _refused(request, exc)
    if relation == selectors.PUBLIC:
        return _not_found(request)
    config = selectors.config_of(row.profile)
    grades = [(g.id, _(g.label)) for g in (config.grades if config else [])]
    visible = selectors.results_visible(row, relation)
    filters = _row_filters(request, grades)
    base = selectors.evaluations(request.user, row, relation)
    qs = base
    if filters["grade"] and visible:
        qs = qs.filter(grade=filters["grade"])
    if filters["q"]:
        qs = qs.filter(
            Q(alliance__name__icontains=filters["q"]) | Q(lead_unit__name__icontains=filters["q"])
        )
    if filters["filed"]:
        qs = qs.filter(self_filed_at__isnull=filters["filed"] == "no")
    qs = qs.annotate(
        task_total=Count("assignments", distinct=True),
        task_done=Count(
            "assignments", filter=Q(assignments__submitted_at__isnull=False), distinct=True
        ),
    ).order_by(*(("rank", "id") if visible else ("alliance__name", "id")))
    page = Paginator(qs, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for item in rows:
        item.grade_name = _grade_label(config, item.grade)
    organiser = relation == selectors.ORGANISER
    progress = (
        services.progress(row) if relation in (selectors.ORGANISER, selectors.DEPARTMENT) else None
    )
    distribution = None
    if visible:
        distribution = selectors.distribution(row, None if organiser else base)
    if progress:
        total = progress["alliances"] or 0
        progress["self_percent"] = round(100 * progress["self_filed"] / total) if total else 0
        progress["tasks_percent"] = (
            round(100 * progress["tasks_done"] / progress["tasks"]) if progress["tasks"] else 0
        )
    top = max((n for _g, _l, n in distribution.grades), default=0) if distribution else 0
    top_bin = max((n for _b, n in distribution.bins), default=0) if distribution else 0
    open_objections = (
        selectors.objections(request.user, row, relation)
        .filter(status=Objection.Status.OPEN)
        .count()
        if organiser
        else 0
    )
    context = {
        "campaign": row,
        "relation": relation,
        "organiser": organiser,
        "stage_name": _(Stage(row.stage).label),
        "steps": _steps(row),
        "progress": progress,
        "distribution": distribution,
        "grade_max": top,
        "bin_max": top_bin,
        "visible": visible,
        "filters": filters,
        "grades": grades,
        "page_obj": page,
        "rows": rows,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "advance": _advance(row) if organiser else None,
        "open_objections": open_objections,
        "profile_name": get_profile(row.profile).name.value,
    }
    return render(request, "evaluation/staff_campaign.html", context)


@permission("evaluation.organise")
@require_POST
def campaign_advance(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row, relation = selectors.campaign_get(viewer=request.user, pk=pk)
        if relation != selectors.ORGANISER:
            raise NotFound(_(selectors.NOT_FOUND))
    except DomainError as exc:
        return _refused(request, exc)
    step = _advance(row)
    if step is None:
        messages.info(request, _("评价结果已公布。"))
        return redirect("evaluation:campaign", pk=pk)
    if not confirmed(request):
        return confirmation_page(
            request,
            title=step["title"],
            consequence=step["text"],
            confirm_label=step["label"],
            back_url=reverse("evaluation:campaign", args=[pk]),
            details=[row.title],
            danger=row.stage in (Stage.VERIFYING, Stage.NOTICE),
        )
    revision = request.POST.get("revision", "")
    if row.stage != Stage.SELF and row.evaluations.count() > direct_rows():
        # a large campaign is ranked by a background job (its progress page, then back here)
        return _advance_as_job(request, row, step, revision)
    try:
        done = services.advance(actor=request.user, campaign_id=pk, revision=revision)
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("评价已进入“%(stage)s”阶段。") % {"stage": _(Stage(done.stage).label)},
        )
    return redirect("evaluation:campaign", pk=pk)


#: the job kind of a large campaign's advance (lianmeng.evaluation.job_kinds)
ADVANCE_JOB = "evaluation.advance"


def _advance_as_job(
    request: HttpRequest, row: Campaign, step: dict[str, str], revision: str
) -> HttpResponse:
    """Start (or, on a double click, find) the job advancing ``row``; a form of an older
    revision is refused here already (the job's service checks it again)."""
    try:
        check_revision(row, revision)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:campaign", pk=row.pk)
    return start_response(
        request,
        kind=ADVANCE_JOB,
        parameters={
            "campaign": row.pk,
            "revision": revision,
            "return_to": reverse("evaluation:campaign", args=[row.pk]),
        },
        title=_("%(action)s：%(title)s") % {"action": step["label"], "title": row.title},
    )


def _organised(request: HttpRequest, pk: Any) -> Campaign:
    row, relation = selectors.campaign_get(viewer=request.user, pk=pk)
    if relation != selectors.ORGANISER:
        raise NotFound(_(selectors.NOT_FOUND))
    return row


@permission("evaluation.organise")
def campaign_evaluators(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = _organised(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    error, chosen, status = "", "", 200
    if request.method == "POST":
        chosen = (request.POST.get("user") or "").strip()
        try:
            if not chosen:
                raise ValidationFailed(_("请选择评价人。"))
            seat, added, skipped = services.evaluator_add(
                actor=request.user, campaign_id=pk, user_id=chosen
            )
        except (NotFound, PermissionDenied) as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(
                request,
                _("已为 %(name)s 分配 %(n)s 个联盟。") % {"name": str(seat.user), "n": added},
            )
            for item in skipped[:20]:
                messages.warning(
                    request,
                    _("未分配“%(alliance)s”：%(reason)s。")
                    % {"alliance": item.alliance, "reason": _(item.reason)},
                )
            if len(skipped) > 20:
                messages.warning(
                    request, _("另有 %(n)s 个联盟因回避未分配。") % {"n": len(skipped) - 20}
                )
            return redirect("evaluation:campaign_evaluators", pk=pk)
    from lianmeng.experts.selectors import expert_pool

    config = selectors.config_of(row.profile)
    seats = list(row.evaluators.select_related("user__unit").order_by("id"))
    counts = {r["evaluator_id"]: (r["n"], r["done"]) for r in _task_counts(row)}
    for seat in seats:
        seat.kind_name = _(CampaignEvaluator.Kind(seat.kind).label)
        seat.task_count, seat.done_count = counts.get(seat.user_id, (0, 0))
    seated = {s.user_id for s in seats}
    experts = []
    if config is not None and config.evaluator(CampaignEvaluator.Kind.EXPERTS) is not None:
        experts = [p.user for p in expert_pool(viewer=request.user) if p.user_id not in seated]
    third = []
    if config is not None and config.evaluator(CampaignEvaluator.Kind.THIRD_PARTY) is not None:
        third = list(
            User.objects.filter(is_active=True, role_grants__role=Role.EVALUATOR)
            .exclude(pk__in=seated)
            .select_related("unit")
            .distinct()
            .order_by("id")
        )
    context = {
        "campaign": row,
        "seats": seats,
        "experts": experts,
        "third_parties": third,
        "open": row.stage in (Stage.SELF, Stage.SCORING),
        "error": error,
        "chosen": chosen,
        "evaluator_roles": [(_(e.label), e) for e in (config.evaluators if config else [])],
    }
    return render(request, "evaluation/staff_evaluators.html", context, status=status)


def _task_counts(campaign: Campaign) -> list[dict[str, Any]]:
    from .models import Assignment

    return list(
        Assignment.objects.filter(evaluation__campaign=campaign)
        .values("evaluator_id")
        .annotate(n=Count("id"), done=Count("id", filter=Q(submitted_at__isnull=False)))
        .order_by()
    )


# -- objections -----------------------------------------------------------------------------------


def _objections_page(
    request: HttpRequest,
    row: Campaign,
    *,
    typed: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    items = list(
        selectors.objections(request.user, row, selectors.ORGANISER)
        .select_related("handled_by")
        .order_by("status", "filed_at", "id")
    )
    for item in items:
        item.status_name = _(Objection.Status(item.status).label)
    context = {
        "campaign": row,
        "objections": items,
        "typed": typed or {},
        "may_handle": row.stage == Stage.NOTICE,
    }
    return render(request, "evaluation/staff_objections.html", context, status=status)


@permission("evaluation.organise")
def objections(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row = _organised(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    return _objections_page(request, row)


@permission("evaluation.organise")
@require_POST
def objection_handle(request: HttpRequest, oid: int) -> HttpResponse:
    decision = request.POST.get("decision", "")
    response = (request.POST.get("response") or "").strip()
    campaign_id = (
        Objection.objects.filter(pk=oid).values_list("evaluation__campaign_id", flat=True).first()
    )
    try:
        row = _organised(request, campaign_id)
    except DomainError:
        return error_page(request, 404, _("未找到"), _("未找到该异议。"))
    try:
        if decision not in ("upheld", "dismissed"):
            raise ValidationFailed(_("请选择处理结果：异议成立或不成立。"))
        objection = services.objection_handle(
            actor=request.user, objection_id=oid, upheld=decision == "upheld", response=response
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        typed = {"id": int(oid), "decision": decision, "response": response, "error": exc.message}
        return _objections_page(request, row, typed=typed, status=exc.status)
    if objection.status == Objection.Status.UPHELD:
        messages.success(
            request,
            _("异议已处理（异议成立）。如需调整该联盟的得分，请在其评价页面填写核定得分和理由。"),
        )
    else:
        messages.success(request, _("异议已处理（异议不成立）。"))
    return redirect("evaluation:objections", pk=objection.evaluation.campaign_id)


# -- one alliance's evaluation --------------------------------------------------------------------


def _indicators(config: Any, row: Evaluation, facts: dict[str, Any]) -> list[dict[str, Any]]:
    families = []
    for family in config.families if config else []:
        items = []
        for indicator in family.indicators:
            own = (row.self_content or {}).get(indicator.id) or {}
            fact = (facts or {}).get(indicator.id) or {}
            items.append(
                {
                    "indicator": indicator,
                    "label": _(indicator.label),
                    "guidance": _(indicator.guidance),
                    "fact": fact.get("text", ""),
                    "suggested": fact.get("suggested"),
                    "self_score": own.get("score", ""),
                    "self_statement": own.get("statement", ""),
                }
            )
        families.append({"family": family, "label": _(family.label), "items": items})
    return families


def _evaluation_context(request: HttpRequest, row: Evaluation, relation: str) -> dict[str, Any]:
    campaign = row.campaign
    config = selectors.config_of(campaign.profile)
    organiser = relation == selectors.ORGANISER
    facts = (
        services.ensure_facts(row)
        if relation in (selectors.ORGANISER, selectors.LEAD)
        else (row.facts or {})
    )
    assignments = selectors.assignments_visible(row, request.user, relation)
    labels = {i.id: _(i.label) for i in (config.indicators() if config else [])}
    # indicators down, evaluators across: each cell the score and the comment
    score_rows = [
        (
            label,
            [((t.scores or {}).get(k, ""), (t.comments or {}).get(k, "")) for t in assignments],
        )
        for k, label in labels.items()
    ]
    objections = (
        list(
            selectors.objections(request.user, campaign, relation)
            .filter(evaluation=row)
            .order_by("filed_at", "id")
        )
        if organiser
        else []
    )
    for item in objections:
        item.status_name = _(Objection.Status(item.status).label)
    upheld = any(o.status == Objection.Status.UPHELD for o in objections)
    may_adjust = organiser and (
        campaign.stage == Stage.VERIFYING or (campaign.stage == Stage.NOTICE and upheld)
    )
    return {
        "evaluation": row,
        "campaign": campaign,
        "alliance": row.alliance,
        "relation": relation,
        "organiser": organiser,
        "is_lead": relation == selectors.LEAD,
        "is_evaluator": relation == selectors.EVALUATOR,
        "staff": relation in (selectors.ORGANISER, selectors.DEPARTMENT),
        "stage_name": _(Stage(campaign.stage).label),
        "families": _indicators(config, row, facts),
        "assignments": assignments,
        "score_rows": score_rows,
        "visible": selectors.results_visible(campaign, relation),
        "grade_name": _grade_label(config, row.grade),
        "objections": objections,
        "may_adjust": may_adjust,
        "adjust": {
            "score": "" if row.adjusted_score is None else str(row.adjusted_score.normalize()),
            "reason": row.adjustment_reason,
        },
        "adjust_error": "",
        "adjust_field": "",
        "self_open": campaign.stage == Stage.SELF and row.self_filed_at is None,
        "config": config,
    }


@permission("evaluation.view")
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row, relation = selectors.evaluation_get(viewer=request.user, pk=pk)
    except DomainError as exc:
        return _refused(request, exc)
    if relation == selectors.PUBLIC:
        return _not_found(request)
    return render(
        request, "evaluation/evaluation_detail.html", _evaluation_context(request, row, relation)
    )


@permission("evaluation.organise")
@require_POST
def evaluation_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    score = (request.POST.get("score") or "").strip()
    reason = (request.POST.get("reason") or "").strip()
    try:
        row, relation = selectors.evaluation_get(viewer=request.user, pk=pk)
        if relation != selectors.ORGANISER:
            raise NotFound(_(selectors.NOT_FOUND))
        services.adjust(
            actor=request.user,
            evaluation_id=pk,
            score=score,
            reason=reason,
            revision=request.POST.get("revision", ""),
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        row, relation = selectors.evaluation_get(viewer=request.user, pk=pk)
        context = _evaluation_context(request, row, relation)
        context["adjust"] = {"score": score, "reason": reason}
        context["adjust_error"] = exc.message
        context["adjust_field"] = _field(exc)
        return render(request, "evaluation/evaluation_detail.html", context, status=exc.status)
    messages.success(request, _("核定得分已保存，等级和名次已重新计算。"))
    return redirect("evaluation:evaluation", pk=pk)


# -- 择优支持 ---------------------------------------------------------------------------------------


@permission("evaluation.department")
def preferential(request: HttpRequest) -> HttpResponse:
    qs = selectors.preferential(request.user)
    year = (request.GET.get("year") or "").strip()
    chosen = int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None
    years = sorted(set(qs.values_list("campaign__year", flat=True)), reverse=True)
    if chosen is not None:
        qs = qs.filter(campaign__year=chosen)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for item in rows:
        item.grade_name = _grade_label(selectors.config_of(item.campaign.profile), item.grade)
    context = {
        "page_obj": page,
        "rows": rows,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "years": years,
        "year": chosen,
    }
    return render(request, "evaluation/staff_preferential.html", context)


# -- rectifications -------------------------------------------------------------------------------


@permission("evaluation.rectification")
def rectifications(request: HttpRequest) -> HttpResponse:
    today = selectors.today()
    qs = (
        selectors.rectifications(request.user)
        .annotate(
            overdue=Case(
                When(status=lifecycle.DRAFT, deadline__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("-overdue", "status", "deadline", "id")
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for item in rows:
        item.state_name = _(lifecycle.state_label_of(item))
    context = {
        "page_obj": page,
        "rows": rows,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "today": today,
    }
    return render(request, "evaluation/rectifications.html", context)


def _recheck_steps(rect: Rectification) -> list[dict[str, Any]]:
    table = get_profile(rect.profile).rectification_lifecycle
    steps = []
    for kind, value in (("accept", "pass"), ("refuse", "fail")):
        step = next((t for t in (table.transitions if table else []) if t.kind == kind), None)
        if step is None or rect.status not in step.from_:
            continue
        lapsed = basis_lapse(lifecycle.KIND, rect.profile, step)
        steps.append(
            {
                "value": value,
                "label": _(step.label),
                "reason_label": _(step.reason_label),
                "lapse": lapse_status(lapsed) if lapsed is not None else "",
            }
        )
    return steps


def _rectification_context(request: HttpRequest, rect: Rectification) -> dict[str, Any]:
    user = request.user
    is_lead = bool(user.unit_id == rect.lead_unit_id and user.has_role(Role.APPLICANT))
    config = selectors.config_of(rect.profile)
    loss = config.consequences.on_failed_recheck if config and config.consequences else None
    rechecks = selectors.rechecks(user, rect)
    today = selectors.today()
    return {
        "rect": rect,
        "alliance": rect.alliance,
        "campaign": rect.evaluation.campaign,
        "state_name": _(lifecycle.state_label_of(rect)),
        "is_lead": is_lead,
        "may_edit": is_lead and rect.status == lifecycle.DRAFT,
        "may_submit": is_lead and rect.status == lifecycle.DRAFT,
        "overdue": rect.status == lifecycle.DRAFT and rect.deadline < today,
        "history": list(state_history(subject=rect)),
        "rechecks": rechecks,
        "recheck_steps": _recheck_steps(rect) if rechecks else [],
        "loss": loss,
        "loss_text": _(loss.text) if loss else "",
        "report_text": rect.report,
        "report_error": "",
        "recheck": {"result": "", "reason": "", "basis": ""},
        "recheck_error": "",
        "staff": not is_lead,
    }


def _rectification_get(request: HttpRequest, pk: Any) -> Rectification:
    rect = selectors.rectification_get(viewer=request.user, pk=pk)
    # the history and the page read the campaign too
    return Rectification.objects.select_related("alliance", "evaluation__campaign").get(pk=rect.pk)


@permission("evaluation.rectification")
def rectification(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        rect = _rectification_get(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    if request.method == "POST":
        report = request.POST.get("report", "")
        try:
            services.rectification_save(
                actor=request.user,
                rectification_id=pk,
                report=report,
                revision=request.POST.get("revision", ""),
            )
        except (NotFound, PermissionDenied) as exc:
            return _refused(request, exc)
        except DomainError as exc:
            context = _rectification_context(request, rect)
            context["report_text"] = report
            context["report_error"] = exc.message
            return render(request, "evaluation/rectification.html", context, status=exc.status)
        messages.success(request, _("整改报告已保存。"))
        return redirect("evaluation:rectification", pk=pk)
    return render(request, "evaluation/rectification.html", _rectification_context(request, rect))


@permission("evaluation.rectify")
@require_POST
def rectification_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """提交整改报告: saves what was typed and submits, after the confirmation."""
    try:
        rect = _rectification_get(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    report = request.POST.get("report")
    if not confirmed(request):
        return confirmation_page(
            request,
            title=_("确认提交整改报告？"),
            consequence=_("提交后不能再修改整改报告，主管部门将进行复查。"),
            confirm_label=_("提交整改报告"),
            back_url=reverse("evaluation:rectification", args=[pk]),
            details=[rect.alliance.name],
            danger=False,
        )
    try:
        if report is not None:
            services.rectification_save(
                actor=request.user,
                rectification_id=pk,
                report=report,
                revision=request.POST.get("revision", ""),
            )
        services.rectification_submit(
            actor=request.user, rectification_id=pk, note=request.POST.get("note", "")
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        rect = _rectification_get(request, pk)
        context = _rectification_context(request, rect)
        if report is not None:
            context["report_text"] = report
        context["report_error"] = exc.message
        return render(request, "evaluation/rectification.html", context, status=exc.status)
    messages.success(request, _("整改报告已提交，请等待主管部门复查。"))
    return redirect("evaluation:rectification", pk=pk)


@permission("evaluation.organise")
@require_POST
def recheck(request: HttpRequest, pk: int) -> HttpResponse:
    typed = {
        "result": request.POST.get("result", ""),
        "reason": (request.POST.get("reason") or "").strip(),
        "basis": (request.POST.get("basis") or "").strip(),
    }
    try:
        rect = _rectification_get(request, pk)
        if not selectors.rechecks(request.user, rect):
            raise PermissionDenied(_("只有组织评价的主管部门可以复查整改。"))
    except DomainError as exc:
        return _refused(request, exc)
    context = _rectification_context(request, rect)
    error = ""
    if typed["result"] not in ("pass", "fail"):
        error = _("请选择复查结论：复查合格或复查不合格。")
    elif not typed["reason"]:
        error = _("请填写复查意见（整改是否达到要求及其事实）。")
    if error:
        context["recheck"], context["recheck_error"] = typed, error
        return render(request, "evaluation/rectification.html", context, status=422)
    passed = typed["result"] == "pass"
    if not confirmed(request):
        consequence = (
            _("整改事项将办结为“整改合格”。")
            if passed
            else _("复查不合格的后果将立即执行：%(loss)s。此操作不能撤销。")
            % {"loss": context["loss_text"]}
        )
        return confirmation_page(
            request,
            title=_("确认复查结论？"),
            consequence=consequence,
            confirm_label=_("复查合格") if passed else _("复查不合格"),
            back_url=reverse("evaluation:rectification", args=[pk]),
            details=[rect.alliance.name, typed["reason"]],
            danger=not passed,
        )
    try:
        services.recheck(
            actor=request.user,
            rectification_id=pk,
            passed=passed,
            reason=typed["reason"],
            basis=typed["basis"],
        )
    except (NotFound, PermissionDenied) as exc:
        return _refused(request, exc)
    except DomainError as exc:
        context["recheck"], context["recheck_error"] = typed, exc.message
        return render(request, "evaluation/rectification.html", context, status=exc.status)
    if passed:
        messages.success(request, _("复查合格，整改事项已办结。"))
    else:
        messages.success(
            request, _("复查不合格，已执行：%(loss)s。") % {"loss": context["loss_text"]}
        )
    return redirect("evaluation:rectification", pk=pk)


# -- hooks for the registry page (lianmeng.alliances.links) ------------------------------------


def alliance_links(viewer: Any, alliance: Any) -> list[dict[str, str]]:
    """The lead unit's way to its evaluations and its rectifications, and the departments' to
    the alliance's rectifications, on the alliance's registry page."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    links: list[dict[str, str]] = []
    lead = viewer.unit_id == alliance.lead_unit_id and viewer.has_role(Role.APPLICANT)
    if lead and selectors.lead_evaluations(viewer).filter(alliance=alliance).exists():
        links.append(
            {"label": _("绩效评价"), "url": reverse("evaluation:mine"), "kind": "evaluation"}
        )
    for rect in selectors.rectifications(viewer).filter(alliance=alliance).order_by("-id")[:3]:
        links.append(
            {
                "label": _("整改（%(state)s）") % {"state": _(lifecycle.state_label_of(rect))},
                "url": reverse("evaluation:rectification", args=[rect.pk]),
                "kind": "rectification",
            }
        )
    return links
