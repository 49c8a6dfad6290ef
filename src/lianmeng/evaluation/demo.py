"""Demo annual evaluations (issue 14): last year's Luoyang campaign being scored by the
commissioned third-party evaluator (demo account ``pinggu``, so his inbox has tasks), with one
lead unit's self-evaluation filed; and last year's Henan campaign scored by two experts of the
province's pool, ranked and in its public notice today (the notice page has content), with one
objection waiting for the Henan department (``henan``).

Idempotent: once any campaign exists, nothing is added. Every step goes through
:mod:`lianmeng.evaluation.services` as the demo's department, lead-unit and evaluator accounts,
so the audit trail is complete.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

from django.db import transaction

from lianmeng.core import clock
from lianmeng.core.errors import DomainError
from lianmeng.core.models import User

from . import selectors, services
from .models import Campaign, Evaluation

#: the Luoyang lead unit's demo applicant (lianmeng.reporting.demo) who files a self-evaluation
LUOYANG_LEAD = "qiantou-ly"
#: Henan's evaluating experts (the province's pool in the demo)
HENAN_EXPERTS = ("zhuanjia", "zhuanjia-xx", "zhuanjia-ly")
#: the Henan alliances' evaluated totals (best first); the last alliance gets the failing one
HENAN_LEVELS = (94, 86, 81, 74, 63, 55)
OBJECTION = (
    "河南省某联盟成员单位",
    "0371-65550000",
    "本联盟上年度召开理事会 2 次并按时报送了年度报告，评价得分偏低，请复核“运行管理情况”的得分。",
)


def _users() -> dict[str, User]:
    names = ("luoyang", "henan", "pinggu", LUOYANG_LEAD, *HENAN_EXPERTS)
    return {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}


def _self_file(lead: User, row: Evaluation) -> None:
    """The lead unit takes the platform's suggestions (a sensible mark where there is none) and
    files its self-evaluation."""
    facts = services.ensure_facts(row)
    config = selectors.config_of(row.campaign.profile)
    assert config is not None  # noqa: S101  (the campaign was opened on it)
    content = {}
    for indicator in config.indicators():
        suggested = (facts.get(indicator.id) or {}).get("suggested")
        content[indicator.id] = {
            "score": str(suggested) if suggested not in (None, "") else "85",
            "statement": "按年度工作计划推进，详见年度自评价报告和会议记录。",
        }
    services.self_save(
        actor=lead, evaluation_id=row.pk, content=content, revision=row.revision, final=True
    )


def _luoyang(users: dict[str, User], year: int) -> Iterator[str]:
    department, evaluator = users.get("luoyang"), users.get("pinggu")
    if department is None or evaluator is None:
        return
    today = selectors.today()
    campaign = services.campaign_open(
        actor=department,
        profile_id="luoyang",
        year=year,
        self_due=today,
        scoring_due=today + timedelta(days=30),
    )
    lead = users.get(LUOYANG_LEAD)
    if lead is not None:
        row = Evaluation.objects.filter(campaign=campaign, lead_unit_id=lead.unit_id).first()
        if row is not None:
            _self_file(lead, row)
    _seat, added, skipped = services.evaluator_add(
        actor=department, campaign_id=campaign.pk, user_id=evaluator.pk
    )
    services.advance(actor=department, campaign_id=campaign.pk)
    yield (
        f"绩效评价：{campaign.title}（评分阶段，第三方评价机构 pinggu 有 {added} 项任务"
        + (f"，{len(skipped)} 个联盟回避" if skipped else "")
        + "）"
    )


def _henan(users: dict[str, User], year: int) -> Iterator[str]:
    department = users.get("henan")
    if department is None:
        return
    today = selectors.today()
    campaign = services.campaign_open(
        actor=department,
        profile_id="henan",
        year=year,
        self_due=today,
        scoring_due=today,
    )
    experts = []
    for name in HENAN_EXPERTS:
        if name not in users:
            continue
        try:
            services.evaluator_add(
                actor=department, campaign_id=campaign.pk, user_id=users[name].pk
            )
        except DomainError:
            continue  # not in the province's pool
        experts.append(users[name])
    services.advance(actor=department, campaign_id=campaign.pk)  # → scoring
    config = selectors.config_of("henan")
    assert config is not None  # noqa: S101
    indicators = [i.id for i in config.indicators()]
    rows = list(Evaluation.objects.filter(campaign=campaign).order_by("alliance__name", "pk"))
    for index, row in enumerate(rows):
        # the first is excellent, the last fails, the others in between
        if index == len(rows) - 1 and index:
            level = HENAN_LEVELS[-1]
        else:
            level = HENAN_LEVELS[index % (len(HENAN_LEVELS) - 1)]
        for offset, expert in enumerate(experts):
            if not row.assignments.filter(evaluator=expert).exists():
                continue  # stood aside
            scores = {
                ind: str(min(100, max(0, level + offset * 2 - 1 + (n % 3) - 1)))
                for n, ind in enumerate(indicators)
            }
            services.score_save(
                actor=expert,
                evaluation_id=row.pk,
                scores=scores,
                comments={indicators[0]: "对照年度报告核实，评分依据充分。"},
                final=True,
            )
    services.advance(actor=department, campaign_id=campaign.pk)  # → verifying: means, ranks
    for row in Evaluation.objects.filter(campaign=campaign, final_score__isnull=True):
        services.adjust(
            actor=department,
            evaluation_id=row.pk,
            score=str(Decimal(75)),
            reason="评价专家均须回避，主管部门依据年度报告核定得分。",
        )
    campaign = services.advance(actor=department, campaign_id=campaign.pk)  # → notice
    failing = (
        Evaluation.objects.filter(campaign=campaign, grade="fail").order_by("rank").first()
        or Evaluation.objects.filter(campaign=campaign).order_by("-rank").first()
    )
    if failing is not None:
        name, contact, text = OBJECTION
        services.objection_file(
            viewer=None, evaluation_id=failing.pk, name=name, contact=contact, text=text
        )
    yield (
        f"绩效评价：{campaign.title}（结果公示 {campaign.notice_starts_on} 至 "
        f"{campaign.notice_ends_on}，{len(rows)} 个联盟，1 件异议待处理）"
    )


def load_demo_evaluations() -> Iterator[str]:
    if Campaign.objects.exists():
        return
    users = _users()
    year = clock.beijing_now().year - 1
    with transaction.atomic():
        done = list(_luoyang(users, year)) + list(_henan(users, year))
    yield from done
