"""绩效评价 pages of the lead unit, the evaluators and the public.

- ``mine`` — the lead unit's evaluations (stage, self-evaluation, result once public,
  rectification);
- ``self_edit`` — the self-evaluation form, pre-filled with what the platform found in the
  alliance's reports (:func:`lianmeng.evaluation.services.ensure_facts`);
- ``tasks`` / ``score`` — the evaluator's inbox and his scoring form (only his own scores);
- ``notice`` / ``objection_new`` — the public notice of the results and the objection form.

Every write goes through :mod:`lianmeng.evaluation.services`, every read through
:mod:`lianmeng.evaluation.selectors`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from lianmeng.core.access import permission, public
from lianmeng.core.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from lianmeng.policy.citation import cite
from lianmeng.policy.evaluation_config import EvaluationConfig
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.ui.errors import error_page

from . import selectors, services
from .models import Assignment, Campaign, Evaluation

PER_PAGE = 20
#: objections per client address: enough for a few honest ones, not for flooding the department
OBJECTION_RATE = "5/h"
Stage = Campaign.Stage


def _refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if isinstance(exc, NotFound):
        return error_page(request, 404, _("未找到"), _(exc.message))
    if isinstance(exc, PermissionDenied):
        return error_page(request, 403, _("无权操作"), _(exc.message))
    return error_page(request, exc.status, _("无法完成"), _(exc.message))


def _grade_label(config: EvaluationConfig | None, grade_id: str) -> str:
    grade = config.grade(grade_id) if config and grade_id else None
    return _(grade.label) if grade else (grade_id or "")


def _documents(profile_id: str) -> list[Any]:
    try:
        return list(get_profile(profile_id).documents)
    except UnknownProfileError:
        return []


def _families(
    evaluation: Evaluation,
    config: EvaluationConfig,
    values: dict[str, dict[str, str]],
    *,
    typed: bool = False,
    suggest: bool = True,
) -> list[dict[str, Any]]:
    """The indicator system with what is known about each indicator: the facts found in the
    reports (text and suggested score), and the ``values`` to show in the inputs. The suggestion
    fills an empty score unless the values were just typed (an error keeps them as typed)."""
    facts = evaluation.facts or {}
    documents = _documents(evaluation.campaign.profile)
    families = []
    for family in config.families:
        rows = []
        for indicator in family.indicators:
            fact = facts.get(indicator.id) or {}
            value = values.get(indicator.id) or {}
            score = str(value.get("score") or "")
            suggested = fact.get("suggested")
            if not score and suggest and not typed and suggested not in (None, ""):
                score = str(suggested)
            rows.append(
                {
                    "id": indicator.id,
                    "label": _(indicator.label),
                    "weight": indicator.weight,
                    "guidance": _(indicator.guidance),
                    "citation": cite(indicator.citation, documents),
                    "fact": fact.get("text") or "",
                    "suggested": suggested,
                    "score": score,
                    "statement": value.get("statement") or value.get("comment") or "",
                    "self": (evaluation.self_content or {}).get(indicator.id) or {},
                }
            )
        families.append({"label": _(family.label), "weight": family.weight, "indicators": rows})
    return families


def _self_state(row: Evaluation) -> tuple[str, str]:
    """(code, label) of the self-evaluation."""
    if row.self_filed_at is not None:
        return "filed", _("已提交")
    if row.self_content:
        return "draft", _("已保存，未提交")
    return "empty", _("未填写")


# -- the lead unit -------------------------------------------------------------------------------


@permission("evaluation.self_evaluate")
def mine(request: HttpRequest) -> HttpResponse:
    qs = selectors.lead_evaluations(request.user).select_related("rectification")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for row in page.object_list:
        campaign = row.campaign
        config = selectors.config_of(campaign.profile)
        visible = selectors.results_visible(campaign, selectors.LEAD)
        try:
            rectification = row.rectification
        except Evaluation.rectification.RelatedObjectDoesNotExist:
            rectification = None
        state, state_label = _self_state(row)
        rows.append(
            {
                "row": row,
                "campaign": campaign,
                "stage": campaign.get_stage_display(),
                "self_state": state,
                "self_label": state_label,
                "may_edit": campaign.stage == Stage.SELF and row.self_filed_at is None,
                "visible": visible,
                "grade": _grade_label(config, row.grade) if visible else "",
                "rectification": rectification,
            }
        )
    context = {
        "page_obj": page,
        "rows": rows,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }
    return render(request, "evaluation/party_mine.html", context)


def _posted_self(request: HttpRequest, config: EvaluationConfig) -> dict[str, dict[str, str]]:
    return {
        i.id: {
            "score": (request.POST.get(f"score_{i.id}") or "").strip(),
            "statement": request.POST.get(f"statement_{i.id}") or "",
        }
        for i in config.indicators()
    }


@permission("evaluation.self_evaluate")
def self_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        row, relation = selectors.evaluation_get(viewer=request.user, pk=pk)
        if relation != selectors.LEAD:
            raise NotFound(selectors.NOT_FOUND)
    except DomainError as exc:
        return _refused(request, exc)
    campaign = row.campaign
    config = selectors.config_of(campaign.profile)
    if config is None:
        return error_page(request, 404, _("未找到"), _("该政策档案没有绩效评价的规定。"))
    services.ensure_facts(row)
    values: dict[str, dict[str, str]] = dict(row.self_content or {})
    typed = False
    error = ""
    problems: list[str] = []
    status = 200
    editable = campaign.stage == Stage.SELF and row.self_filed_at is None
    if request.method == "POST":
        content = _posted_self(request, config)
        final = request.POST.get("action") == "file"
        try:
            services.self_save(
                actor=request.user,
                evaluation_id=row.pk,
                content=content,
                revision=request.POST.get("revision", ""),
                final=final,
            )
        except (NotFound, PermissionDenied) as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
            values, typed = content, True
            if isinstance(exc, ValidationFailed):
                problems = list((exc.details or {}).get("missing") or [])
        else:
            if final:
                messages.success(request, _("自评已提交，主管部门和评价人将看到您的自评。"))
            else:
                messages.success(request, _("自评已保存，可继续修改；填写完整后请提交自评。"))
            return redirect("evaluation:self_edit", pk=row.pk)
    context = {
        "row": row,
        "campaign": campaign,
        "alliance": row.alliance,
        "families": _families(row, config, values, typed=typed, suggest=editable),
        "editable": editable,
        "error": error,
        "missing": problems,
        "self_state": _self_state(row)[1],
        "stage": campaign.get_stage_display(),
    }
    return render(request, "evaluation/party_self_edit.html", context, status=status)


# -- the evaluators -----------------------------------------------------------------------------


def _task_state(task: Assignment) -> tuple[str, str]:
    if task.submitted_at is not None:
        return "submitted", _("已提交")
    if task.evaluation.campaign.stage not in (Stage.SELF, Stage.SCORING):
        return "closed", _("评分已结束")
    if task.scores:
        return "draft", _("已保存草稿")
    return "open", _("待评分")


@permission("evaluation.score")
def tasks(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.tasks(request.user), PER_PAGE).get_page(request.GET.get("page"))
    rows = []
    for task in page.object_list:
        state, label = _task_state(task)
        rows.append(
            {
                "task": task,
                "campaign": task.evaluation.campaign,
                "alliance": task.evaluation.alliance,
                "state": state,
                "state_label": label,
            }
        )
    context = {
        "page_obj": page,
        "rows": rows,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }
    return render(request, "evaluation/party_tasks.html", context)


@permission("evaluation.score")
def score(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = selectors.own_task(viewer=request.user, evaluation_id=pk)
    except DomainError as exc:
        return _refused(request, exc)
    row = task.evaluation
    campaign = row.campaign
    config = selectors.config_of(campaign.profile)
    if config is None:
        return error_page(request, 404, _("未找到"), _("该政策档案没有绩效评价的规定。"))
    services.ensure_facts(row)
    values = {
        i.id: {
            "score": (task.scores or {}).get(i.id, ""),
            "comment": (task.comments or {}).get(i.id, ""),
        }
        for i in config.indicators()
    }
    typed = False
    error = ""
    status = 200
    editable = task.submitted_at is None and campaign.stage in (Stage.SELF, Stage.SCORING)
    if request.method == "POST":
        scores = {
            i.id: (request.POST.get(f"score_{i.id}") or "").strip() for i in config.indicators()
        }
        comments = {i.id: request.POST.get(f"comment_{i.id}") or "" for i in config.indicators()}
        final = request.POST.get("action") == "submit"
        try:
            services.score_save(
                actor=request.user,
                evaluation_id=row.pk,
                scores=scores,
                comments=comments,
                final=final,
            )
        except (NotFound, PermissionDenied) as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
            values = {k: {"score": scores[k], "comment": comments[k]} for k in scores}
            typed = True
        else:
            if final:
                messages.success(request, _("评分已提交。"))
                return redirect("evaluation:tasks")
            messages.success(request, _("评分草稿已保存，可继续修改后提交。"))
            return redirect("evaluation:score", pk=row.pk)
    families = _families(row, config, values, typed=typed, suggest=False)
    context = {
        "task": task,
        "row": row,
        "campaign": campaign,
        "alliance": row.alliance,
        "families": families,
        "self_filed": row.self_filed_at is not None,
        "editable": editable,
        "error": error,
        "state_label": _task_state(task)[1],
    }
    return render(request, "evaluation/party_score.html", context, status=status)


# -- the public ---------------------------------------------------------------------------------


def _notice_running(campaign: Campaign) -> bool:
    today = selectors.today()
    return bool(
        campaign.stage == Stage.NOTICE
        and campaign.notice_starts_on
        and campaign.notice_ends_on
        and campaign.notice_starts_on <= today <= campaign.notice_ends_on
    )


def _public_campaign(request: HttpRequest, pk: Any) -> Campaign:
    """The campaign whose results are public (from the notice on); NotFound before."""
    campaign, _relation = selectors.campaign_get(viewer=request.user, pk=pk)
    if campaign.stage not in selectors.RESULT_STAGES:
        raise NotFound(_("该绩效评价的结果尚未公示。"))
    return campaign


@public
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        campaign = _public_campaign(request, pk)
    except DomainError as exc:
        return _refused(request, exc)
    config = selectors.config_of(campaign.profile)
    grades = [(g.id, _(g.label)) for g in (config.grades if config else [])]
    grade = request.GET.get("grade", "")
    if grade not in {g for g, _label in grades}:
        grade = ""
    qs = selectors.evaluations(request.user, campaign, selectors.PUBLIC).order_by("rank", "id")
    if grade:
        qs = qs.filter(grade=grade)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    labels = dict(grades)
    rows = [{"row": r, "grade": labels.get(r.grade, r.grade)} for r in page.object_list]
    context = {
        "campaign": campaign,
        "running": _notice_running(campaign),
        "published": campaign.stage == Stage.PUBLISHED,
        "grades": grades,
        "grade": grade,
        "rows": rows,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "profile_name": _profile_name(campaign.profile),
    }
    return render(request, "evaluation/party_notice.html", context)


@public
def notices(request: HttpRequest) -> HttpResponse:
    """评价结果公示: every campaign on public notice or published, for anyone."""
    page = Paginator(selectors.public_campaigns(), PER_PAGE).get_page(request.GET.get("page"))
    today = selectors.today()
    rows = [
        {
            "campaign": c,
            "running": c.stage == Stage.NOTICE
            and c.notice_starts_on is not None
            and c.notice_ends_on is not None
            and c.notice_starts_on <= today <= c.notice_ends_on,
            "profile_name": _profile_name(c.profile),
        }
        for c in page.object_list
    ]
    context = {
        "rows": rows,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
    }
    return render(request, "evaluation/party_notices.html", context)


def _profile_name(profile_id: str) -> str:
    try:
        return get_profile(profile_id).name.value
    except UnknownProfileError:
        return profile_id


@public
@ratelimit(key="ip", rate=OBJECTION_RATE, method="POST", block=False)
def objection_new(request: HttpRequest, pk: int, eid: int) -> HttpResponse:
    try:
        campaign = _public_campaign(request, pk)
        row = selectors.evaluations(request.user, campaign, selectors.PUBLIC).filter(pk=eid).first()
        if row is None:
            raise NotFound(selectors.NOT_FOUND)
    except DomainError as exc:
        return _refused(request, exc)
    running = _notice_running(campaign)
    form = {"name": "", "contact": "", "text": ""}
    problems: dict[str, str] = {}
    error = ""
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            return error_page(
                request,
                429,
                _("提交过于频繁"),
                _("本地址一小时内提交的异议过多，请一小时后再试，或直接联系组织评价的主管部门。"),
            )
        form = {k: request.POST.get(k, "") for k in form}
        user = request.user if request.user.is_authenticated else None
        try:
            objection = services.objection_file(
                viewer=user,
                evaluation_id=row.pk,
                name=form["name"],
                contact=form["contact"],
                text=form["text"],
            )
        except NotFound as exc:
            return _refused(request, exc)
        except DomainError as exc:
            error, status = exc.message, exc.status
            problems = dict((exc.details or {}).get("fields") or {})
        else:
            return render(
                request,
                "evaluation/party_objection_done.html",
                {"campaign": campaign, "row": row, "objection": objection},
            )
    context = {
        "campaign": campaign,
        "row": row,
        "running": running,
        "form": form,
        "problems": problems,
        "error": error,
    }
    return render(request, "evaluation/party_objection_new.html", context, status=status)
