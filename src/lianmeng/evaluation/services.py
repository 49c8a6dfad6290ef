"""Writes of the annual evaluation: each checks who acts, runs in one transaction with its audit
entry and refuses a stale ``revision`` (409). Grades come only from
:func:`lianmeng.policy.evaluation.grade_of`; the rectification's states only from the lifecycle
engine.

Stages of a campaign (:class:`~.models.Campaign.Stage`), forward only (:func:`advance`):
自评 (lead units file) → 评分 (evaluators score) → 核定 (the department adjusts with a reason and
ranks) → 公示 (the profile's ``notice_days``; objections) → 已公布 (final; failing alliances are
warned and given a rectification deadline, :func:`publish`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext

from lianmeng.alliances.models import Alliance
from lianmeng.core import clock
from lianmeng.core.audit import audit_record
from lianmeng.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianmeng.core.models import Unit, User
from lianmeng.core.revisions import check_revision
from lianmeng.core.roles import Role
from lianmeng.core.selectors import profile_jurisdiction
from lianmeng.experts.conflicts import unit_codes
from lianmeng.policy.alliance_life import add_months
from lianmeng.policy.evaluation import ScoreError, grade_of, weighted_score
from lianmeng.policy.evaluation_config import EvaluationConfig
from lianmeng.policy.loader import get_profile
from lianmeng.workflow import engine

from . import lifecycle, selectors
from .models import (
    Assignment,
    Campaign,
    CampaignEvaluator,
    Evaluation,
    Objection,
    Rectification,
)

Stage = Campaign.Stage
ORDER = [Stage.SELF, Stage.SCORING, Stage.VERIFYING, Stage.NOTICE, Stage.PUBLISHED]
#: alliances in these states are evaluated (running ones; not those still being built)
EVALUATED_STATES = ("recognised", "filed", "pilot")
MAX_TEXT = 5_000
MAX_COMMENT = 2_000
BATCH = 1_000
TWO = Decimal("0.001")


_stale = check_revision

#: ``progress(percent, message)``: how far a long write is (a background job's
#: ``report_progress``); None where nobody watches (the request, the CLI, the API)
Progress = Callable[..., None] | None


def _config(profile_id: str) -> EvaluationConfig:
    config = selectors.config_of(profile_id)
    if config is None:
        raise ValidationFailed(gettext("该政策档案没有绩效评价的规定。"))
    return config


def _new_code(model: Any, field: str) -> str:
    from lianmeng.documents.pdf import unique_code

    return unique_code(model, field)


def parse_score(value: Any, label: str) -> Decimal | None:
    """0–100 with at most one decimal; blank is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise ValidationFailed(
            gettext("“%(label)s”的得分应为 0 至 100 之间的数。") % {"label": label}
        ) from exc
    if not number.is_finite() or not Decimal(0) <= number <= Decimal(100):
        raise ValidationFailed(gettext("“%(label)s”的得分应在 0 至 100 之间。") % {"label": label})
    if number != number.quantize(Decimal("0.1")):
        raise ValidationFailed(gettext("“%(label)s”的得分最多保留一位小数。") % {"label": label})
    return number


def _locked_campaign(actor: User, campaign_id: Any) -> Campaign:
    campaign, relation = selectors.campaign_get(viewer=actor, pk=campaign_id)
    if relation != selectors.ORGANISER:
        if relation == selectors.PUBLIC:
            raise NotFound(gettext(selectors.NOT_FOUND))
        raise PermissionDenied(gettext("只有组织本次评价的主管部门可以办理。"))
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


# -- campaign ------------------------------------------------------------------------------------


def in_scope(profile_id: str, config: EvaluationConfig) -> Any:
    """The alliances a campaign of the profile evaluates: running ones, not of an excluded
    level (洛阳 第十条)."""
    qs = Alliance.objects.filter(profile=profile_id, status__in=EVALUATED_STATES)
    if config.excluded_levels is not None:
        qs = qs.exclude(level__in=config.excluded_levels.value)
    return qs


def campaign_open(
    *,
    actor: User,
    profile_id: str,
    year: Any,
    self_due: date,
    scoring_due: date,
    title: str = "",
    alliance_ids: Iterable[Any] | None = None,
) -> Campaign:
    """开展年度绩效评价: competent staff of the profile's jurisdiction; every running alliance
    of the profile (or those listed) that the profile does not leave out."""
    if profile_id not in selectors.organiser_profiles(actor):
        raise PermissionDenied(gettext("只有该政策档案所属辖区的主管部门可以开展绩效评价。"))
    config = _config(profile_id)
    try:
        year = int(year)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(gettext("请填写评价年度。"), details={"field": "year"}) from exc
    today = selectors.today()
    if not 2000 <= year <= today.year:
        raise ValidationFailed(
            gettext("评价年度应为已经开始的年度（不晚于 %(year)s 年）。") % {"year": today.year},
            details={"field": "year"},
        )
    if self_due < today:
        raise ValidationFailed(gettext("自评截止日期不能早于今天。"), details={"field": "self_due"})
    if scoring_due < self_due:
        raise ValidationFailed(
            gettext("评分截止日期不能早于自评截止日期。"), details={"field": "scoring_due"}
        )
    profile = get_profile(profile_id)
    scope = in_scope(profile_id, config)
    if alliance_ids is not None:
        wanted = {int(a) for a in alliance_ids}
        outside = wanted - set(scope.filter(pk__in=wanted).values_list("pk", flat=True))
        if outside:
            raise ValidationFailed(
                gettext("所选联盟中有 %(n)s 个不在评价范围内（未在运行或属于不参评的级别）。")
                % {"n": len(outside)}
            )
        scope = scope.filter(pk__in=wanted)
    # named by the department that evaluates (洛阳: 市科学技术局, not the issuing 市政府办公室)
    department = config.evaluator("department")
    office = department.label if department else (profile.authority or profile.issuer).value
    title = (title or "").strip() or f"{office} {year} 年度产业技术创新战略联盟绩效评价"
    jurisdiction = profile_jurisdiction(profile_id)
    assert jurisdiction is not None  # noqa: S101  (organiser_profiles matched its code)
    notice = config.notice_days.value if config.notice_days is not None else 0
    with transaction.atomic():
        try:
            with transaction.atomic():
                campaign = Campaign.objects.create(
                    profile=profile_id,
                    year=year,
                    title=title[:120],
                    jurisdiction=jurisdiction,
                    self_due=self_due,
                    scoring_due=scoring_due,
                    notice_days=notice,
                    created_by=actor,
                    created_at=clock.now(),
                )
        except IntegrityError as exc:
            raise Conflict(
                gettext("%(year)s 年度的绩效评价已经开展，请在评价列表中打开它。") % {"year": year}
            ) from exc
        rows = (
            scope.select_related("proposal", "lead_unit")
            .only(
                "pk",
                "lead_unit_id",
                "proposal__region_id",
                "lead_unit__region_id",
                "jurisdiction_id",
            )
            .order_by("pk")
        )
        batch: list[Evaluation] = []
        count = 0
        for alliance in rows.iterator(chunk_size=BATCH):
            region_id = (
                alliance.proposal.region_id
                if alliance.proposal_id
                else (alliance.lead_unit.region_id or alliance.jurisdiction_id)
            )
            batch.append(
                Evaluation(
                    campaign=campaign,
                    alliance_id=alliance.pk,
                    region_id=region_id,
                    lead_unit_id=alliance.lead_unit_id,
                )
            )
            if len(batch) >= BATCH:
                Evaluation.objects.bulk_create(batch)
                count += len(batch)
                batch = []
        Evaluation.objects.bulk_create(batch)
        count += len(batch)
        if not count:
            raise ValidationFailed(gettext("没有在运行中的联盟可以参加本次评价。"))
        campaign.alliance_count = count
        campaign.save(update_fields=["alliance_count"])
        audit_record(
            actor=actor,
            action="lianmeng.evaluation.campaign.opened",
            obj=campaign,
            after={
                "profile": profile_id,
                "year": year,
                "alliances": count,
                "self_due": self_due.isoformat(),
                "scoring_due": scoring_due.isoformat(),
                "notice_days": notice,
            },
        )
    return campaign


# -- evaluators ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    evaluation: int
    alliance: str
    reason: str


def _conflicted(user: User, evaluation_ids: list[int]) -> dict[int, str]:
    """The evaluations (of ``evaluation_ids``) whose lead unit or a member unit is the
    evaluator's own unit (or one he declared a conflict with): evaluation id → reason."""
    from lianmeng.experts.models import ExpertProfile
    from lianmeng.running.models import Member

    codes = unit_codes(user.unit) if user.unit_id else set()
    profile = ExpertProfile.objects.filter(user=user).first()
    declared = {str(c).strip().upper() for c in (profile.declared_conflicts if profile else [])}
    found: dict[int, str] = {}
    if user.unit_id:
        for pk in Evaluation.objects.filter(
            pk__in=evaluation_ids, lead_unit_id=user.unit_id
        ).values_list("pk", flat=True):
            found[pk] = "评价人所在单位是该联盟的牵头单位，须回避"
    all_codes = codes | declared
    if all_codes:
        units = list(
            Unit.objects.filter(Q(uscc__in=all_codes) | Q(org_code__in=all_codes)).values_list(
                "pk", flat=True
            )
        )
        lead = Evaluation.objects.filter(pk__in=evaluation_ids, lead_unit_id__in=units)
        for pk in lead.values_list("pk", flat=True):
            found.setdefault(pk, "评价人所在单位或声明回避的单位是该联盟的牵头单位，须回避")
        member_alliances = Member.objects.filter(
            Q(uscc__in=all_codes) | Q(unit_id__in=units), left_on__isnull=True
        ).values("workspace__alliance_id")
        for pk in Evaluation.objects.filter(
            pk__in=evaluation_ids, alliance_id__in=member_alliances
        ).values_list("pk", flat=True):
            found.setdefault(pk, "评价人所在单位或声明回避的单位是该联盟的成员单位，须回避")
    return found


def evaluator_add(
    *,
    actor: User,
    campaign_id: Any,
    user_id: Any,
    evaluation_ids: Iterable[Any] | None = None,
) -> tuple[CampaignEvaluator, int, list[Skipped]]:
    """Put an evaluator on the campaign and assign him the alliances (all, or those listed)
    he has no conflict with. A third-party evaluator (role ``evaluator``) only where the profile
    names one; an expert from the department's pool only where it names experts. Answers the
    seat, how many tasks were added and the alliances skipped with the reason."""
    from lianmeng.experts.selectors import expert_pool

    with transaction.atomic():
        campaign = _locked_campaign(actor, campaign_id)
        if campaign.stage not in (Stage.SELF, Stage.SCORING):
            raise Conflict(gettext("评分阶段已结束，不能再增加评价人。"))
        config = _config(campaign.profile)
        try:
            user = User.objects.select_related("unit").get(pk=int(user_id), is_active=True)
        except (User.DoesNotExist, TypeError, ValueError) as exc:
            raise ValidationFailed(gettext("未找到该评价人账号。")) from exc
        if user.has_role(Role.EVALUATOR):
            kind = CampaignEvaluator.Kind.THIRD_PARTY
        elif expert_pool(viewer=actor).filter(user=user).exists():
            kind = CampaignEvaluator.Kind.EXPERTS
        else:
            raise ValidationFailed(gettext("只能选择本部门专家库中的专家或第三方评价机构的账号。"))
        if config.evaluator(kind) is None:
            raise ValidationFailed(
                gettext("本政策档案的评价主体中没有“%(kind)s”。")
                % {"kind": CampaignEvaluator.Kind(kind).label}
            )
        seat, _ = CampaignEvaluator.objects.get_or_create(
            campaign=campaign,
            user=user,
            defaults={"kind": kind, "added_by": actor, "added_at": clock.now()},
        )
        rows = Evaluation.objects.filter(campaign=campaign)
        if evaluation_ids is not None:
            rows = rows.filter(pk__in=[int(e) for e in evaluation_ids])
        ids = list(rows.values_list("pk", flat=True))
        have = set(
            Assignment.objects.filter(evaluation_id__in=ids, evaluator=user).values_list(
                "evaluation_id", flat=True
            )
        )
        conflicts = _conflicted(user, ids)
        now = clock.now()
        new = [
            Assignment(
                evaluation_id=pk,
                evaluator=user,
                kind=kind,
                assigned_by=actor,
                assigned_at=now,
            )
            for pk in ids
            if pk not in have and pk not in conflicts
        ]
        Assignment.objects.bulk_create(new, batch_size=BATCH)
        names = dict(
            Evaluation.objects.filter(pk__in=list(conflicts)).values_list("pk", "alliance__name")
        )
        skipped = [Skipped(pk, names.get(pk, ""), why) for pk, why in sorted(conflicts.items())]
        audit_record(
            actor=actor,
            action="lianmeng.evaluation.evaluator.assigned",
            obj=seat,
            after={
                "campaign": campaign.pk,
                "evaluator": user.pk,
                "kind": kind,
                "assigned": len(new),
                "skipped": [{"evaluation": s.evaluation, "reason": s.reason} for s in skipped],
            },
        )
    return seat, len(new), skipped


# -- self-evaluation -----------------------------------------------------------------------------


def _lead_row(actor: User, evaluation_id: Any) -> Evaluation:
    row, relation = selectors.evaluation_get(viewer=actor, pk=evaluation_id)
    if relation != selectors.LEAD:
        if relation == selectors.PUBLIC:
            raise NotFound(gettext(selectors.NOT_FOUND))
        raise PermissionDenied(gettext("只有联盟牵头单位可以填写自评。"))
    return (
        Evaluation.objects.select_for_update().select_related("campaign", "alliance").get(pk=row.pk)
    )


def ensure_facts(evaluation: Evaluation) -> dict[str, Any]:
    """The pre-filled figures of the self-evaluation, worked out once (on first opening)."""
    from .prefill import facts_for

    if evaluation.facts:
        return evaluation.facts
    config = _config(evaluation.campaign.profile)
    facts = facts_for(evaluation.alliance, evaluation.campaign.year, config)
    Evaluation.objects.filter(pk=evaluation.pk, facts={}).update(facts=facts)
    evaluation.facts = facts
    return facts


def self_save(
    *,
    actor: User,
    evaluation_id: Any,
    content: Mapping[str, Mapping[str, Any]],
    revision: Any = None,
    final: bool = False,
) -> Evaluation:
    """The lead unit's self-evaluation: a score (0–100) and a statement per indicator; ``final``
    files it (every indicator scored). Only in the self-evaluation stage, until filed."""
    with transaction.atomic():
        row = _lead_row(actor, evaluation_id)
        if row.campaign.stage != Stage.SELF:
            raise Conflict(gettext("自评阶段已结束，不能再修改自评。"))
        if row.self_filed_at is not None:
            raise Conflict(gettext("自评已提交，不能再修改。"))
        _stale(row, revision)
        config = _config(row.campaign.profile)
        known = {i.id: i for i in config.indicators()}
        unknown = set(content) - set(known)
        if unknown:
            raise ValidationFailed(
                gettext("未知指标：%(ids)s。") % {"ids": "、".join(sorted(unknown))}
            )
        ensure_facts(row)
        clean: dict[str, dict[str, str]] = {}
        missing = []
        for ind_id, indicator in known.items():
            item = content.get(ind_id) or {}
            score = parse_score(item.get("score"), indicator.label)
            statement = str(item.get("statement") or "").strip()
            if len(statement) > MAX_TEXT:
                raise ValidationFailed(
                    gettext("“%(label)s”的说明不能超过 %(max)s 字。")
                    % {"label": indicator.label, "max": MAX_TEXT}
                )
            if score is None:
                missing.append(indicator.label)
            clean[ind_id] = {
                "score": str(score) if score is not None else "",
                "statement": statement,
            }
        if final and missing:
            raise ValidationFailed(
                gettext("提交前请为每项指标自评打分：%(labels)s 尚未打分。可先保存。")
                % {"labels": "、".join(missing)},
                details={"missing": missing},
            )
        row.self_content = clean
        row.revision += 1
        fields = ["self_content", "revision"]
        if final:
            row.self_filed_at = clock.now()
            row.self_filed_by = actor
            fields += ["self_filed_at", "self_filed_by"]
        row.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="lianmeng.evaluation.self.filed" if final else "lianmeng.evaluation.self.saved",
            obj=row,
            after={k: v["score"] for k, v in clean.items()},
        )
    return row


# -- scores --------------------------------------------------------------------------------------


def score_save(
    *,
    actor: User,
    evaluation_id: Any,
    scores: Mapping[str, Any],
    comments: Mapping[str, str] | None = None,
    final: bool = False,
) -> Assignment:
    """The assigned evaluator's scores (0–100, one decimal) and comments per indicator;
    ``final`` submits them (all scored), after which they no longer change."""
    comments = comments or {}
    with transaction.atomic():
        task = selectors.own_task(viewer=actor, evaluation_id=evaluation_id)
        task = (
            Assignment.objects.select_for_update()
            .select_related("evaluation__campaign")
            .get(pk=task.pk)
        )
        campaign = task.evaluation.campaign
        if campaign.stage not in (Stage.SELF, Stage.SCORING):
            raise Conflict(gettext("评分阶段已结束，不能再保存或提交评分。"))
        if task.submitted_at is not None:
            raise Conflict(gettext("评分已提交，不能再修改。如确需更正，请联系主管部门。"))
        config = _config(campaign.profile)
        known = {i.id: i for i in config.indicators()}
        unknown = (set(scores) | set(comments)) - set(known)
        if unknown:
            raise ValidationFailed(
                gettext("未知指标：%(ids)s。") % {"ids": "、".join(sorted(unknown))}
            )
        values: dict[str, Decimal | None] = {}
        for ind_id, indicator in known.items():
            values[ind_id] = parse_score(scores.get(ind_id), indicator.label)
            if len(comments.get(ind_id) or "") > MAX_COMMENT:
                raise ValidationFailed(
                    gettext("“%(label)s”的评语不能超过 %(max)s 字。")
                    % {"label": indicator.label, "max": MAX_COMMENT}
                )
        total = None
        if final:
            empty = [known[k].label for k, v in values.items() if v is None]
            if empty:
                raise ValidationFailed(
                    gettext("提交前请为每项指标打分：%(labels)s 尚未打分。可先保存草稿。")
                    % {"labels": "、".join(empty)},
                    details={"missing": [k for k, v in values.items() if v is None]},
                )
            try:
                total = weighted_score(config, {k: v for k, v in values.items() if v is not None})
            except ScoreError as exc:
                raise ValidationFailed(str(exc)) from exc
        task.scores = {k: str(v) for k, v in values.items() if v is not None}
        task.comments = {k: (comments.get(k) or "").strip() for k in known if comments.get(k)}
        fields = ["scores", "comments"]
        if final:
            task.total = total.quantize(TWO) if total is not None else None
            task.submitted_at = clock.now()
            fields += ["total", "submitted_at"]
        task.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="lianmeng.evaluation.scores.submitted"
            if final
            else "lianmeng.evaluation.scores.saved",
            obj=task,
            after={"evaluation": task.evaluation_id, "scores": task.scores},
        )
    return task


# -- verification and ranking --------------------------------------------------------------------


def rank(
    campaign: Campaign, means: dict[int, Decimal] | None = None, progress: Progress = None
) -> int:
    """Final score (adjusted, else the evaluators' mean), grade (:func:`grade_of`) and rank of
    every evaluation of the campaign, in bulk; equal scores share a rank (1, 2, 2, 4). With
    ``means`` (:func:`_mean_scores`) the evaluators' means are set first, in the same write.
    ``progress`` (a background job's) hears 10–95 % as it reads, ranks and writes.
    Answers how many were ranked."""
    config = _config(campaign.profile)
    if progress is not None:
        progress(10, gettext("正在读取各联盟的得分…"))
    rows = list(
        Evaluation.objects.filter(campaign=campaign).only(
            "pk", "score", "adjusted_score", "final_score", "grade", "rank"
        )
    )
    before = {row.pk: (row.score, row.final_score, row.grade, row.rank) for row in rows}
    for row in rows:
        if means is not None:
            row.score = means.get(row.pk)
        final = row.adjusted_score if row.adjusted_score is not None else row.score
        row.final_score = final
        row.grade = grade_of(config, final).id if final is not None else ""
    scored = sorted(
        (r for r in rows if r.final_score is not None), key=lambda r: (-r.final_score, r.pk)
    )
    previous = None
    place = 0
    for index, row in enumerate(scored, start=1):
        if row.final_score != previous:
            place = index
            previous = row.final_score
        row.rank = place
    for row in rows:
        if row.final_score is None:
            row.rank = None
    changed = [r for r in rows if before[r.pk] != (r.score, r.final_score, r.grade, r.rank)]
    if progress is not None:
        progress(
            40,
            gettext("已计算 %(n)s 个联盟的等级和名次，正在保存…") % {"n": len(rows)},
        )
    _write_back(changed, ["score", "final_score", "grade", "rank"], progress=progress)
    return len(scored)


def _write_back(rows: list[Evaluation], fields: list[str], progress: Progress = None) -> None:
    """Write ``fields`` of ``rows`` in bulk. PostgreSQL: one ``UPDATE … FROM unnest(arrays)``
    per 5,000 rows; SQLite: one UPDATE statement run for every row (``executemany``, in
    process). At 10,000 rows either takes a fraction of ``bulk_update``'s time, whose CASE
    expressions the database evaluates row by row (tests/bench/evaluation_bench.py).
    ``progress`` hears 40–95 % after each chunk."""
    from django.db import connections, router

    def written(done: int) -> None:
        if progress is not None:
            progress(
                40 + 55 * min(done, len(rows)) / len(rows),
                gettext("已保存 %(done)s / %(total)s 个联盟的结果")
                % {"done": min(done, len(rows)), "total": len(rows)},
            )

    if not rows:
        return
    connection = connections[router.db_for_write(Evaluation)]
    meta = Evaluation._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    values = [
        [c.get_db_prep_save(getattr(row, c.attname), connection) for c in columns] + [row.pk]
        for row in rows
    ]
    step = BATCH * 5
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            names = [quote(c.column) for c in columns] + [pk]
            types = [c.db_type(connection) for c in columns] + [meta.pk.db_type(connection)]
            sql = (  # noqa: S608  # nosec B608 (table and column names from the model)
                "UPDATE {t} AS e SET {sets} FROM unnest({arrays}) AS v({names}) "
                "WHERE e.{pk} = v.{pk}"
            ).format(
                t=table,
                sets=", ".join(f"{n} = v.{n}" for n in names[:-1]),
                arrays=", ".join(f"%s::{kind}[]" for kind in types),
                names=", ".join(names),
                pk=pk,
            )
            for start in range(0, len(values), step):
                chunk = values[start : start + step]
                cursor.execute(sql, [list(column) for column in zip(*chunk, strict=True)])
                written(start + step)
            return
        sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608  # nosec B608 (model names)
            table, ", ".join(f"{quote(c.column)} = %s" for c in columns), pk
        )
        for start in range(0, len(values), step):
            cursor.executemany(sql, values[start : start + step])
            written(start + step)


def _mean_scores(campaign: Campaign) -> dict[int, Decimal]:
    """Each evaluation's score: the mean of its submitted evaluators' totals, by evaluation id
    (one aggregate query; :func:`rank` writes them with the ranks)."""
    means = (
        Assignment.objects.filter(evaluation__campaign=campaign, submitted_at__isnull=False)
        .values("evaluation_id")
        .annotate(mean=Avg("total"))
        .values_list("evaluation_id", "mean")
    )
    return {
        pk: Decimal(mean).quantize(TWO, rounding=ROUND_HALF_UP)
        for pk, mean in means
        if mean is not None
    }


def progress(campaign: Campaign) -> dict[str, int]:
    """How far the campaign is: self-evaluations filed, tasks submitted, alliances scored."""
    evals = Evaluation.objects.filter(campaign=campaign)
    tasks = Assignment.objects.filter(evaluation__campaign=campaign).aggregate(
        total=Count("id"), done=Count("id", filter=Q(submitted_at__isnull=False))
    )
    return {
        "alliances": campaign.alliance_count,
        "self_filed": evals.filter(self_filed_at__isnull=False).count(),
        "tasks": tasks["total"] or 0,
        "tasks_done": tasks["done"] or 0,
        "unassigned": evals.filter(assignments__isnull=True).count(),
    }


def advance(
    *, actor: User, campaign_id: Any, revision: Any = None, progress: Progress = None
) -> Campaign:
    """Move the campaign to its next stage. Into 核定: the evaluators' means are computed and the
    campaign ranked (alliances without a submitted score stay ungraded and are named). Into 公示
    (or straight to 已公布 where the profile has no notice period): every alliance must have a
    score. Out of 公示: only after its last day, with every objection handled (:func:`publish`).
    ``progress``: a background job's report of how far the ranking is (a large campaign's
    advance from the web runs as the job ``evaluation.advance``)."""
    with transaction.atomic():
        campaign = _locked_campaign(actor, campaign_id)
        _stale(campaign, revision)
        stage = campaign.stage
        if stage == Stage.PUBLISHED:
            raise Conflict(gettext("评价结果已公布。"))
        if stage == Stage.SCORING:
            if progress is not None:
                progress(5, gettext("正在计算评价人的平均分…"))
            rank(campaign, means=_mean_scores(campaign), progress=progress)
            target = Stage.VERIFYING
        elif stage == Stage.VERIFYING:
            missing = Evaluation.objects.filter(campaign=campaign, final_score__isnull=True)
            if missing.exists():
                names = "、".join(missing.values_list("alliance__name", flat=True)[:5])
                raise Conflict(
                    gettext("还有 %(n)s 个联盟没有得分（%(names)s 等），请先核定其得分。")
                    % {"n": missing.count(), "names": names}
                )
            rank(campaign, progress=progress)
            if campaign.notice_days:
                target = Stage.NOTICE
                start = selectors.today()
                campaign.notice_starts_on = start
                campaign.notice_ends_on = start + timedelta(days=campaign.notice_days - 1)
            else:
                return _publish(actor, campaign, progress)
        elif stage == Stage.NOTICE:
            return _publish(actor, campaign, progress)
        else:
            target = ORDER[ORDER.index(stage) + 1]
        campaign.stage = target
        campaign.revision += 1
        campaign.save(update_fields=["stage", "revision", "notice_starts_on", "notice_ends_on"])
        audit_record(
            actor=actor,
            action="lianmeng.evaluation.campaign.advanced",
            obj=campaign,
            before={"stage": stage},
            after={
                "stage": target,
                "notice": [
                    d.isoformat() if d else None
                    for d in (campaign.notice_starts_on, campaign.notice_ends_on)
                ],
            },
        )
    return campaign


def adjust(
    *, actor: User, evaluation_id: Any, score: Any, reason: str, revision: Any = None
) -> Evaluation:
    """核定调整: the organiser sets the score that counts, with a recorded reason; the campaign
    is ranked again. In 核定, or in 公示 after an objection was upheld."""
    reason = (reason or "").strip()
    with transaction.atomic():
        row, relation = selectors.evaluation_get(viewer=actor, pk=evaluation_id)
        if relation != selectors.ORGANISER:
            raise PermissionDenied(gettext("只有组织本次评价的主管部门可以调整得分。"))
        campaign = Campaign.objects.select_for_update().get(pk=row.campaign_id)
        row = Evaluation.objects.select_for_update().get(pk=row.pk)
        _stale(row, revision)
        if campaign.stage == Stage.NOTICE:
            if not row.objections.filter(status=Objection.Status.UPHELD).exists():
                raise Conflict(gettext("公示期间只能在异议成立后调整该联盟的得分。"))
        elif campaign.stage != Stage.VERIFYING:
            raise Conflict(gettext("只有在核定阶段可以调整得分。"))
        value = parse_score(score, gettext("核定得分"))
        if value is None:
            raise ValidationFailed(gettext("请填写核定得分。"), details={"field": "score"})
        if not reason:
            raise ValidationFailed(
                gettext("请填写调整理由（将记录在案并随结果公布）。"), details={"field": "reason"}
            )
        before = {
            "score": str(row.final_score) if row.final_score is not None else None,
            "grade": row.grade,
        }
        row.adjusted_score = value
        row.adjustment_reason = reason
        row.adjusted_by = actor
        row.adjusted_at = clock.now()
        row.revision += 1
        row.save(
            update_fields=[
                "adjusted_score",
                "adjustment_reason",
                "adjusted_by",
                "adjusted_at",
                "revision",
            ]
        )
        rank(campaign)
        row.refresh_from_db()
        audit_record(
            actor=actor,
            action="lianmeng.evaluation.score.adjusted",
            obj=row,
            before=before,
            after={"score": str(value), "grade": row.grade, "reason": reason},
        )
    return row


# -- notice and objections -----------------------------------------------------------------------


def objection_file(
    *, viewer: User | None, evaluation_id: Any, name: str, contact: str, text: str
) -> Objection:
    """An objection to one alliance's result during the public notice (anyone; name and
    contact required so the department can answer)."""
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    with transaction.atomic():
        row, _relation = selectors.evaluation_get(
            viewer=viewer if viewer is not None else User(), pk=evaluation_id
        )
        campaign = row.campaign
        today = selectors.today()
        if campaign.stage != Stage.NOTICE or not (
            campaign.notice_starts_on
            and campaign.notice_ends_on
            and campaign.notice_starts_on <= today <= campaign.notice_ends_on
        ):
            raise Conflict(gettext("只能在公示期内对评价结果提出异议。"))
        problems = {}
        if not name:
            problems["name"] = gettext("请填写异议人姓名或单位名称。")
        if not contact:
            problems["contact"] = gettext("请填写联系方式，以便主管部门答复。")
        if not text:
            problems["text"] = gettext("请写明异议的内容和理由。")
        if problems:
            raise ValidationFailed(" ".join(problems.values()), details={"fields": problems})
        if len(text) > MAX_TEXT or len(name) > 60 or len(contact) > 60:
            raise ValidationFailed(gettext("填写的内容过长，请精简后再提交。"))
        objection = Objection.objects.create(
            evaluation=row,
            filed_by=viewer if viewer is not None and viewer.is_authenticated else None,
            name=name,
            contact=contact,
            text=text,
            filed_at=clock.now(),
        )
        audit_record(
            actor=viewer if viewer is not None and viewer.is_authenticated else None,
            action="lianmeng.evaluation.objection.filed",
            obj=objection,
            after={"evaluation": row.pk, "name": name},
        )
    return objection


def objection_handle(*, actor: User, objection_id: Any, upheld: bool, response: str) -> Objection:
    """The organiser's answer to an objection (recorded; an upheld one allows adjusting the
    alliance's score before publication)."""
    response = (response or "").strip()
    with transaction.atomic():
        try:
            objection = (
                Objection.objects.select_for_update()
                .select_related("evaluation__campaign")
                .get(pk=int(objection_id))
            )
        except (Objection.DoesNotExist, TypeError, ValueError) as exc:
            raise NotFound(gettext("未找到该异议。")) from exc
        if not selectors.organises(actor, objection.evaluation.campaign):
            raise NotFound(gettext("未找到该异议。"))
        if objection.status != Objection.Status.OPEN:
            raise Conflict(gettext("该异议已处理。"))
        if objection.evaluation.campaign.stage != Stage.NOTICE:
            raise Conflict(gettext("公示已结束，不能再处理异议。"))
        if not response:
            raise ValidationFailed(gettext("请填写处理意见。"), details={"field": "response"})
        objection.status = Objection.Status.UPHELD if upheld else Objection.Status.DISMISSED
        objection.response = response
        objection.handled_by = actor
        objection.handled_at = clock.now()
        objection.save(update_fields=["status", "response", "handled_by", "handled_at"])
        audit_record(
            actor=actor,
            action="lianmeng.evaluation.objection.handled",
            obj=objection,
            after={"status": objection.status, "response": response},
        )
    return objection


# -- publication and consequences ----------------------------------------------------------------


def _publish(actor: User, campaign: Campaign, progress: Progress = None) -> Campaign:
    """已公布: results final; every alliance with the failing grade is warned and given the
    profile's rectification deadline (a Rectification on the engine), its lead unit told."""
    today = selectors.today()
    if campaign.stage == Stage.NOTICE:
        if campaign.notice_ends_on and today <= campaign.notice_ends_on:
            raise Conflict(
                gettext("公示期至 %(day)s 结束，公示期满后才能公布结果。")
                % {"day": campaign.notice_ends_on.isoformat()}
            )
        open_count = Objection.objects.filter(
            evaluation__campaign=campaign, status=Objection.Status.OPEN
        ).count()
        if open_count:
            raise Conflict(gettext("还有 %(n)s 件异议没有处理，请先处理异议。") % {"n": open_count})
    rank(campaign, progress=progress)
    config = _config(campaign.profile)
    stage = campaign.stage
    campaign.stage = Stage.PUBLISHED
    campaign.published_at = clock.now()
    campaign.verification_code = _new_code(Campaign, "verification_code")
    campaign.revision += 1
    campaign.save(update_fields=["stage", "published_at", "verification_code", "revision"])
    warned = []
    consequences = config.consequences
    if consequences is not None:
        period = consequences.rectification_period
        deadline = (
            add_months(today, period.months)
            if period.months is not None
            else today + timedelta(days=period.days or 0)
        )
        failing = Evaluation.objects.filter(
            campaign=campaign, grade=consequences.failing_grade.value
        ).select_related("alliance")
        for row in failing:
            warning = gettext(
                "你单位牵头的“%(name)s”在%(title)s中评为%(grade)s，依据%(citation)s%(warning)s："
                "请于 %(deadline)s 前完成整改并提交整改报告。整改不合格的，将%(loss)s。"
            ) % {
                "name": row.alliance.name,
                "title": campaign.title,
                "grade": config.grade(row.grade).label if config.grade(row.grade) else row.grade,
                "citation": f"〔{consequences.warning.citation.article}〕",
                "warning": consequences.warning.value,
                "deadline": deadline.isoformat(),
                "loss": consequences.on_failed_recheck.text,
            }
            rectification = Rectification.objects.create(
                evaluation=row,
                alliance=row.alliance,
                profile=campaign.profile,
                region_id=row.region_id,
                lead_unit_id=row.lead_unit_id,
                deadline=deadline,
                warning=warning,
                warning_code=_new_code(Rectification, "warning_code"),
                created_at=clock.now(),
            )
            lifecycle.record_initial(rectification=rectification, actor=actor)
            audit_record(
                actor=actor,
                action="lianmeng.rectification.warned",
                obj=rectification,
                after={
                    "alliance": row.alliance_id,
                    "deadline": deadline.isoformat(),
                    "campaign": campaign.pk,
                },
            )
            warned.append(rectification.pk)
    audit_record(
        actor=actor,
        action="lianmeng.evaluation.campaign.published",
        obj=campaign,
        before={"stage": stage},
        after={"stage": Stage.PUBLISHED, "warned": len(warned)},
    )
    transaction.on_commit(lambda: notify_published(campaign.pk, warned))
    return campaign


def notify_published(campaign_id: int, warned: list[int]) -> int:
    """After the commit: the lead units of the warned alliances get the warning (inbox and
    e-mail) with the link to their rectification."""
    from django.urls import reverse

    from lianmeng.core.site import absolute_url
    from lianmeng.reviews.notifications import notify

    sent = 0
    for rect in Rectification.objects.filter(pk__in=warned).select_related("alliance"):
        users = list(
            User.objects.filter(
                unit_id=rect.lead_unit_id, is_active=True, role_grants__role=Role.APPLICANT
            ).distinct()
        )
        sent += len(
            notify(
                users,
                event="evaluation.warning",
                subject=(
                    gettext("【绩效评价警告】%(name)s须限期整改") % {"name": rect.alliance.name}
                )[:200],
                body=rect.warning,
                link=absolute_url(reverse("evaluation:rectification", args=[rect.pk])),
            )
        )
    return sent


def rectification_save(
    *, actor: User, rectification_id: Any, report: str, revision: Any = None
) -> Rectification:
    report = (report or "").strip()
    with transaction.atomic():
        rect = selectors.rectification_get(viewer=actor, pk=rectification_id)
        if not (actor.unit_id == rect.lead_unit_id and actor.has_role(Role.APPLICANT)):
            raise PermissionDenied(gettext("只有联盟牵头单位可以填写整改报告。"))
        rect = Rectification.objects.select_for_update().get(pk=rect.pk)
        _stale(rect, revision)
        if rect.status != lifecycle.DRAFT:
            raise Conflict(gettext("整改报告已提交，不能再修改。"))
        if len(report) > 20_000:
            raise ValidationFailed(gettext("整改报告不能超过 20000 字。"))
        rect.report = report
        rect.report_saved_at = clock.now()
        rect.revision += 1
        rect.save(update_fields=["report", "report_saved_at", "revision"])
        audit_record(
            actor=actor,
            action="lianmeng.rectification.saved",
            obj=rect,
            after={"length": len(report)},
        )
    return rect


def rectification_submit(*, actor: User, rectification_id: Any, note: str = "") -> Rectification:
    with transaction.atomic():
        rect = selectors.rectification_get(viewer=actor, pk=rectification_id)
        if not rect.report.strip():
            raise ValidationFailed(
                gettext("请先填写整改报告（整改措施、完成情况和相关证明）再提交。"),
                details={"field": "report"},
            )
        return engine.transition(
            actor=actor, kind=lifecycle.KIND, pk=rect.pk, transition="submit", reason=note
        )


def recheck(
    *, actor: User, rectification_id: Any, passed: bool, reason: str, basis: str = ""
) -> Rectification:
    """复查: passed, or the profile's consequence in the same transaction — Henan revokes the
    alliance's title through the alliance's lifecycle (its revocation notice included),
    Luoyang withdraws its right to support and rewards (``Alliance.support_eligible``)."""
    from lianmeng.alliances.lifecycle import alliance_transition, table_of

    with transaction.atomic():
        rect = selectors.rectification_get(viewer=actor, pk=rectification_id)
        if not selectors.rechecks(actor, rect):
            raise PermissionDenied(gettext("只有组织评价的主管部门可以复查整改。"))
        table = get_profile(rect.profile).rectification_lifecycle
        assert table is not None  # noqa: S101
        wanted = "accept" if passed else "refuse"
        step = next((t for t in table.transitions if t.kind == wanted), None)
        if step is None:
            raise Conflict(gettext("政策档案没有规定该复查结论。"))
        data = {"basis": basis} if basis else None
        rect = engine.transition(
            actor=actor,
            kind=lifecycle.KIND,
            pk=rect.pk,
            transition=step.id,
            reason=reason,
            data=data,
            via=lifecycle.RECHECK.service,
        )
        if passed:
            return rect
        config = _config(rect.profile)
        assert config.consequences is not None  # noqa: S101
        loss = config.consequences.on_failed_recheck
        text = gettext("%(loss)s（%(citation)s：整改不合格）。复查意见：%(reason)s") % {
            "loss": loss.text,
            "citation": loss.citation.article,
            "reason": reason,
        }
        alliance = Alliance.objects.select_for_update().get(pk=rect.alliance_id)
        if loss.value == "title":
            alliance_table = table_of(alliance)
            revoke = next(
                (
                    t
                    for t in (alliance_table.transitions if alliance_table else [])
                    if t.kind == "revoke"
                ),
                None,
            )
            if revoke is None:
                raise Conflict(gettext("政策档案没有规定撤销联盟资格的流转。"))
            alliance_transition(
                actor=actor, pk=alliance.pk, transition=revoke.id, reason=text, data=data
            )
        else:
            alliance.support_eligible = False
            alliance.support_lost_on = selectors.today()
            alliance.support_lost_reason = text
            alliance.save(
                update_fields=["support_eligible", "support_lost_on", "support_lost_reason"]
            )
            audit_record(
                actor=actor,
                action="lianmeng.alliance.support_withdrawn",
                obj=alliance,
                before={"support_eligible": True},
                after={"support_eligible": False, "reason": text, "rectification": rect.pk},
            )
    return rect


def campaign_rank(*, actor: User, campaign_id: Any) -> int:
    """排名 on demand (``lianmeng evaluation rank``): the organiser ranks the campaign again in
    核定 or 公示 (advancing into 核定 and every adjustment already do); audited. Answers how many
    alliances have a rank."""
    with transaction.atomic():
        campaign = _locked_campaign(actor, campaign_id)
        if campaign.stage not in (Stage.VERIFYING, Stage.NOTICE):
            raise Conflict(gettext("只有在核定或公示阶段可以重新排名。"))
        ranked = rank(campaign)
        audit_record(
            actor=actor,
            action="lianmeng.evaluation.campaign.ranked",
            obj=campaign,
            after={"ranked": ranked},
        )
    return ranked
