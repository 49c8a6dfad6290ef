"""Exports of the annual evaluation (issue 14, 5): the campaign's results and score sheets as
XLSX, the results, one alliance's score sheet and the warning notice (警告并限期整改通知) as PDF.

- XLSX go through :mod:`lianmeng.documents.xlsx` (write-only workbook: constant memory, 10,000
  rows in well under a second, tests/bench/evaluation_bench.py); what an applicant typed is
  never a formula.
- PDFs are rendered like the proposal PDF (:func:`lianmeng.documents.pdf.html_to_pdf`: Noto
  Serif CJK embedded as a subset, nothing fetched). The published results and the warning
  notice carry a verification code and a QR code of ``/verify/<code>``; both are registered
  with :mod:`lianmeng.proposals.verifiable` (:func:`register`), so the page names what the
  code certifies.

Who may export what is the views' business (lianmeng.evaluation.views_exports, through
:mod:`lianmeng.evaluation.selectors`); these functions print what they are given.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lianmeng.alliances.plaque import chinese_date
from lianmeng.core import clock
from lianmeng.core.site import absolute_url
from lianmeng.documents.pdf import (
    DEFAULT_FONT,
    FONTS,
    code_display,
    html_to_pdf,
    normalise_code,
    qr_data_uri,
)
from lianmeng.documents.xlsx import write_table
from lianmeng.policy.citation import cite
from lianmeng.policy.evaluation_config import EvaluationConfig
from lianmeng.policy.loader import UnknownProfileError, get_profile
from lianmeng.proposals.verifiable import Verified, register_verifiable

from .models import Assignment, Campaign, CampaignEvaluator, Evaluation, Rectification

#: rows read per round trip when streaming a campaign's evaluations
CHUNK = 2_000
#: column widths (Excel character units) of the results workbook
RESULT_WIDTHS = (6, 40, 32, 14, 12, 10, 36, 10, 8)

__all__ = [
    "department_of",
    "register",
    "results_filename",
    "results_pdf",
    "results_xlsx",
    "score_sheet_pdf",
    "scores_xlsx",
    "warning_pdf",
]


# -- helpers -------------------------------------------------------------------------------------


def _config(profile_id: str) -> EvaluationConfig | None:
    try:
        return get_profile(profile_id).evaluation
    except UnknownProfileError:
        return None


def department_of(profile_id: str) -> str:
    """The department that runs the profile's evaluation and signs its documents."""
    try:
        profile = get_profile(profile_id)
    except UnknownProfileError:
        return ""
    if profile.authority is not None:
        return profile.authority.value
    return profile.issuer.value


def _documents(profile_id: str) -> list[Any]:
    try:
        return list(get_profile(profile_id).documents)
    except UnknownProfileError:
        return []


def _grade_labels(config: EvaluationConfig | None) -> dict[str, str]:
    return {g.id: g.label for g in (config.grades if config else [])}


def _score(value: Decimal | None) -> Decimal | None:
    """A score as printed: two decimals (stored with three)."""
    return value.quantize(Decimal("0.01")) if value is not None else None


def _text(value: Decimal | None) -> str:
    found = _score(value)
    return f"{found}" if found is not None else "—"


def _verify_url(code: str) -> str:
    return absolute_url(reverse("documents:verify", args=[code]))


def _stamp(code: str) -> dict[str, str]:
    if not code:
        return {}
    url = _verify_url(code)
    return {"code": code_display(code), "verify_url": url, "qr": qr_data_uri(url)}


def _render(template: str, context: dict[str, Any]) -> bytes:
    with translation.override("zh-hans"):
        html = render_to_string(template, {**context, "font_family": FONTS[DEFAULT_FONT]})
    return html_to_pdf(html)


def _stream(rows: Iterable[Evaluation]) -> Iterable[Evaluation]:
    """A queryset is read in chunks (constant memory at 10,000 rows); a list as it is."""
    iterator = getattr(rows, "iterator", None)
    return iterator(chunk_size=CHUNK) if callable(iterator) else rows


def _ordered(rows: Any) -> Any:
    """Ranked rows first by rank, the unranked after them (by alliance)."""
    from django.db.models import F

    if hasattr(rows, "order_by"):
        return rows.order_by(F("rank").asc(nulls_last=True), "alliance__name", "pk")
    return rows


def stage_note(campaign: Campaign) -> str:
    """What the copy is: 公布稿 with a code, 公示稿, or the department's draft."""
    if campaign.stage == Campaign.Stage.PUBLISHED:
        return _("正式公布")
    if campaign.stage == Campaign.Stage.NOTICE:
        return _("公示稿（%(start)s 至 %(end)s 公示，结果以正式公布为准）") % {
            "start": campaign.notice_starts_on.isoformat() if campaign.notice_starts_on else "",
            "end": campaign.notice_ends_on.isoformat() if campaign.notice_ends_on else "",
        }
    return _("核定稿（未公布，仅供主管部门内部使用）")


# -- results -------------------------------------------------------------------------------------


def result_headers() -> list[str]:
    return [
        _("名次"),
        _("联盟名称"),
        _("牵头单位"),
        _("所属地区"),
        _("评价人平均分"),
        _("核定得分"),
        _("调整理由"),
        _("最终得分"),
        _("等级"),
    ]


def result_values(row: Evaluation, grades: dict[str, str]) -> list[Any]:
    return [
        row.rank,
        row.alliance.name,
        row.lead_unit.name,
        row.region.name,
        _score(row.score),
        _score(row.adjusted_score),
        row.adjustment_reason,
        _score(row.final_score),
        grades.get(row.grade, row.grade),
    ]


#: the fields of a results row, in the order of :func:`result_headers`
RESULT_FIELDS = (
    "rank",
    "alliance__name",
    "lead_unit__name",
    "region__name",
    "score",
    "adjusted_score",
    "adjustment_reason",
    "final_score",
    "grade",
)


def results_xlsx(campaign: Campaign, rows: Any) -> bytes:
    """评价结果 (XLSX): one row per alliance, best first, under Chinese headers (frozen).
    ``rows`` is the viewer's queryset of the campaign's evaluations (read as plain tuples in
    chunks: 10,000 rows without building a model instance each) or a list of them."""
    grades = _grade_labels(_config(campaign.profile))
    ordered = _ordered(rows)
    if hasattr(ordered, "values_list"):

        def line(values: tuple[Any, ...]) -> list[Any]:
            rank, name, lead, region, score, adjusted, reason, final, grade = values
            return [
                rank,
                name,
                lead,
                region,
                _score(score),
                _score(adjusted),
                reason,
                _score(final),
                grades.get(grade, grade),
            ]

        table = (
            line(values)
            for values in ordered.values_list(*RESULT_FIELDS).iterator(chunk_size=CHUNK)
        )
    else:
        table = (result_values(row, grades) for row in ordered)
    return write_table(result_headers(), table, sheet_title=_("评价结果"), widths=RESULT_WIDTHS)


def results_filename(campaign: Campaign, ext: str) -> str:
    return f"{campaign.title}-评价结果.{ext}"


def results_pdf(campaign: Campaign, rows: Any) -> bytes:
    """评价结果 (PDF): the campaign, the grade counts and the ranked table; once published with
    its verification code and QR."""
    config = _config(campaign.profile)
    grades = _grade_labels(config)
    table = [
        {
            "rank": row.rank if row.rank is not None else "—",
            "name": row.alliance.name,
            "lead_unit": row.lead_unit.name,
            "region": row.region.name,
            "score": _text(row.final_score),
            "grade": grades.get(row.grade, row.grade) or "—",
            "adjusted": row.adjusted_score is not None,
        }
        for row in _stream(_ordered(rows))
    ]
    counts: dict[str, int] = {}
    for row in table:
        counts[row["grade"]] = counts.get(row["grade"], 0) + 1
    summary = [(g.label, counts.get(g.label, 0)) for g in (config.grades if config else [])]
    published = campaign.stage == Campaign.Stage.PUBLISHED
    day = (
        clock.as_beijing(campaign.published_at).date()
        if published and campaign.published_at
        else clock.beijing_now().date()
    )
    return _render(
        "evaluation/results_pdf.html",
        {
            "campaign": campaign,
            "title": _("%(title)s结果") % {"title": campaign.title},
            "department": department_of(campaign.profile),
            "rows": table,
            "summary": summary,
            "count": len(table),
            "note": stage_note(campaign),
            "published": published,
            "date": chinese_date(day),
            **(_stamp(campaign.verification_code) if published else {}),
        },
    )


# -- score sheets --------------------------------------------------------------------------------


def scores_xlsx(campaign: Campaign) -> bytes:
    """评分表 (XLSX): one row per evaluator and alliance with each indicator's score and comment
    and the weighted total. The organiser's only (the view checks)."""
    config = _config(campaign.profile)
    indicators = config.indicators() if config else []
    kinds = dict(CampaignEvaluator.Kind.choices)
    headers = [_("联盟名称"), _("牵头单位"), _("评价人"), _("评价主体")]
    widths = [40, 32, 16, 14]
    for indicator in indicators:
        headers += [
            _("%(label)s（权重 %(weight)s）得分")
            % {"label": indicator.label, "weight": indicator.weight},
            _("%(label)s 评语") % {"label": indicator.label},
        ]
        widths += [14, 30]
    headers += [_("加权总分"), _("提交时间")]
    widths += [10, 18]
    tasks = (
        Assignment.objects.filter(evaluation__campaign=campaign)
        .select_related("evaluation__alliance", "evaluation__lead_unit", "evaluator")
        .only(
            "scores",
            "comments",
            "total",
            "submitted_at",
            "kind",
            "evaluation__alliance__name",
            "evaluation__lead_unit__name",
            "evaluator__display_name",
            "evaluator__username",
        )
        .order_by("evaluation__alliance__name", "evaluation_id", "id")
    )

    def values(task: Assignment) -> list[Any]:
        evaluator = task.evaluator
        line: list[Any] = [
            task.evaluation.alliance.name,
            task.evaluation.lead_unit.name,
            evaluator.display_name or evaluator.username,
            str(kinds.get(task.kind, task.kind)),
        ]
        for indicator in indicators:
            raw = task.scores.get(indicator.id)
            line += [
                Decimal(raw) if raw not in (None, "") else None,
                task.comments.get(indicator.id, ""),
            ]
        line += [_score(task.total), task.submitted_at or _("未提交")]
        return line

    return write_table(
        headers,
        (values(task) for task in tasks.iterator(chunk_size=CHUNK)),
        sheet_title=_("评分表"),
        widths=[min(60, w) for w in widths],
    )


def score_sheet_pdf(evaluation: Evaluation, assignments: list[Assignment]) -> bytes:
    """一个联盟的评分表 (PDF): each evaluator's scores and comments per indicator, the weighted
    totals, the mean, the department's adjustment with its reason and the grade."""
    campaign = evaluation.campaign
    config = _config(campaign.profile)
    grades = _grade_labels(config)
    kinds = dict(CampaignEvaluator.Kind.choices)
    families = []
    for family in config.families if config else []:
        families.append(
            {
                "label": family.label,
                "weight": family.weight,
                "indicators": [
                    {"id": i.id, "label": i.label, "weight": i.weight} for i in family.indicators
                ],
            }
        )
    sheets = []
    for task in assignments:
        scores = []
        for family in families:
            for indicator in family["indicators"]:
                scores.append(
                    {
                        "family": family["label"],
                        "label": indicator["label"],
                        "weight": indicator["weight"],
                        "score": task.scores.get(indicator["id"], "") or "—",
                        "comment": task.comments.get(indicator["id"], ""),
                    }
                )
        sheets.append(
            {
                "evaluator": task.evaluator.display_name or task.evaluator.username,
                "unit": task.evaluator.unit.name if task.evaluator.unit_id else "",
                "kind": str(kinds.get(task.kind, task.kind)),
                "scores": scores,
                "total": _text(task.total),
                "submitted": clock.as_beijing(task.submitted_at).strftime("%Y-%m-%d %H:%M")
                if task.submitted_at
                else _("未提交"),
            }
        )
    return _render(
        "evaluation/score_sheet_pdf.html",
        {
            "campaign": campaign,
            "evaluation": evaluation,
            "title": _("%(name)s绩效评价评分表") % {"name": evaluation.alliance.name},
            "department": department_of(campaign.profile),
            "sheets": sheets,
            "mean": _text(evaluation.score),
            "adjusted": _text(evaluation.adjusted_score)
            if evaluation.adjusted_score is not None
            else "",
            "final": _text(evaluation.final_score),
            "grade": grades.get(evaluation.grade, evaluation.grade) or "—",
            "note": stage_note(campaign),
            "date": chinese_date(clock.beijing_now().date()),
        },
    )


def score_sheet_filename(evaluation: Evaluation) -> str:
    return f"评分表-{evaluation.alliance.name}.pdf"


# -- the warning notice --------------------------------------------------------------------------


def warning_context(rect: Rectification) -> dict[str, Any]:
    evaluation = rect.evaluation
    campaign = evaluation.campaign
    config = _config(rect.profile)
    consequences = config.consequences if config else None
    documents = _documents(rect.profile)
    grade = config.grade(evaluation.grade) if config else None
    return {
        "rect": rect,
        "campaign": campaign,
        "alliance": rect.alliance,
        "lead_unit": rect.lead_unit.name,
        "title": _("关于对%(name)s予以警告并限期整改的通知") % {"name": rect.alliance.name},
        "department": department_of(rect.profile),
        "grade": grade.label if grade else evaluation.grade,
        "score": _text(evaluation.final_score),
        "citation": cite(consequences.warning.citation, documents) if consequences else "",
        "warning": consequences.warning.value if consequences else "",
        "loss": consequences.on_failed_recheck.text if consequences else "",
        "loss_citation": cite(consequences.on_failed_recheck.citation, documents)
        if consequences
        else "",
        "deadline": chinese_date(rect.deadline),
        "date": chinese_date(clock.as_beijing(rect.created_at).date()),
        **_stamp(rect.warning_code),
    }


def warning_pdf(rect: Rectification) -> bytes:
    """警告并限期整改通知 (PDF): the alliance, its grade, the article it rests on, the deadline,
    what failing the re-check costs, the department and the date, with the verification code
    and QR of ``/verify/<code>``."""
    return _render("evaluation/warning_pdf.html", warning_context(rect))


def warning_filename(rect: Rectification) -> str:
    return f"警告并限期整改通知-{rect.alliance.name}.pdf"


# -- /verify/<code> ------------------------------------------------------------------------------


def verify_results(code: str) -> Verified | None:
    value = normalise_code(code)
    if not value:
        return None
    campaign = (
        Campaign.objects.filter(verification_code=value, stage=Campaign.Stage.PUBLISHED)
        .select_related("jurisdiction")
        .first()
    )
    if campaign is None:
        return None
    config = _config(campaign.profile)
    from django.db.models import Count

    counts = dict(
        Evaluation.objects.filter(campaign=campaign)
        .order_by()
        .values_list("grade")
        .annotate(n=Count("id"))
    )
    rows = [
        (_("文件"), _("%(title)s结果") % {"title": campaign.title}),
        (_("评价年度"), str(campaign.year)),
        (_("组织部门"), department_of(campaign.profile)),
        (_("参评联盟数"), str(campaign.alliance_count)),
    ]
    for grade in config.grades if config else []:
        rows.append((grade.label, _("%(n)s 个") % {"n": counts.get(grade.id, 0)}))
    if campaign.published_at:
        rows.append(
            (_("公布日期"), clock.as_beijing(campaign.published_at).strftime("%Y年%-m月%-d日"))
        )
    return Verified(
        kind="evaluation_results",
        title=_("核验码有效：这是本系统公布的绩效评价结果。"),
        rows=rows,
        note=_("核对方法：结果文件每页下方印有核验码；各等级的联盟数与文件一致即为真实。"),
    )


def verify_warning(code: str) -> Verified | None:
    value = normalise_code(code)
    if not value:
        return None
    rect = (
        Rectification.objects.filter(warning_code=value)
        .select_related("alliance", "lead_unit", "evaluation__campaign")
        .first()
    )
    if rect is None:
        return None
    from .lifecycle import state_label_of

    context = warning_context(rect)
    rows = [
        (_("文件"), context["title"]),
        (_("联盟名称"), rect.alliance.name),
        (_("牵头单位"), rect.lead_unit.name),
        (_("评价等级"), context["grade"]),
        (_("整改期限"), rect.deadline.strftime("%Y年%-m月%-d日")),
        (_("发文部门"), context["department"]),
        (_("日期"), clock.as_beijing(rect.created_at).strftime("%Y年%-m月%-d日")),
        (_("整改状态"), _(state_label_of(rect))),
    ]
    if context["citation"]:
        rows.insert(4, (_("依据"), context["citation"]))
    return Verified(
        kind="rectification_warning",
        title=_("核验码有效：这是本系统出具的警告并限期整改通知。"),
        rows=rows,
        note=_("核对方法：通知下方印有核验码和二维码；核验结果与通知内容一致即为真实。"),
    )


def register() -> None:
    register_verifiable("evaluation_results", verify_results)
    register_verifiable("rectification_warning", verify_warning)
