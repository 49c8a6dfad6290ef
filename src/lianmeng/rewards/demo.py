"""Demo rewards (issue 15): Luoyang's budgets of 洛阳市应用技术研究与开发资金 for this year and
the next; the refractory-materials alliance (lead ``qiantou-ly``) recorded as a key-support
alliance with its legal entity, its new-alliance reward decided, published and paid, a platform
construction claim waiting in the department's (``luoyang``) inbox and an operating-subsidy
claim in draft; the robot alliance's R&D project claim with the expert ``zhuanjia-ly`` scoring it;
Baoding's budget and one operating-support claim of its lead unit (``qiantou-bd``) submitted.

Events are dated inside each policy's validity (Luoyang until 2020-12-31, Baoding until
2023-09-17): the policy applies to the date of the event rewarded, not to the day of the claim.

Idempotent: once any budget exists, nothing is added. Every step goes through
:mod:`lianmeng.rewards.services` as the demo's accounts, so the audit trail is complete.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.core.files.base import ContentFile
from django.db import transaction

from lianmeng.alliances.models import Alliance
from lianmeng.core.errors import DomainError
from lianmeng.core.models import User

from . import selectors, services
from .models import Budget, Claim

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
REFRACTORY = "洛阳市耐火材料产业技术创新战略联盟"
ROBOTS = "洛阳市机器人及智能装备产业技术创新战略联盟"


def _users() -> dict[str, User]:
    names = ("luoyang", "baoding", "qiantou-ly", "qiantou-ly2", "qiantou-bd", "zhuanjia-ly")
    return {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}


def _evidence(actor: User, claim: Claim, title: str) -> None:
    upload = ContentFile(DEMO_PDF, name=f"{title}.pdf")
    services.claim_upload(actor=actor, claim_id=claim.pk, file=upload, title=title)


def _luoyang(users: dict[str, User], year: int) -> Iterator[str]:
    department, lead = users.get("luoyang"), users.get("qiantou-ly")
    if department is None or lead is None:
        return
    alliance = Alliance.objects.filter(name=REFRACTORY, lead_unit_id=lead.unit_id).first()
    if alliance is None:
        return
    for budget_year, amount in ((year, "2000"), (year + 1, "1000")):
        services.budget_save(
            actor=department,
            profile_id="luoyang",
            year=budget_year,
            amount=amount,
            note="市财政年度预算（演示）",
        )
    services.facts_save(
        actor=department,
        alliance_id=alliance.pk,
        data={
            "key_support": True,
            "key_support_reason": "市科技局 2019 年第 12 次局务会议纪要：纳入重点支持联盟名单",
            "legal_entity_name": "洛阳耐火材料产业技术研究院有限公司",
            "legal_entity_uscc": "91410300MA46DEMO01",
            "legal_entity_registered_on": "2019-11-20",
        },
    )
    # the new-alliance reward: decided, published, paid
    first = services.claim_create(actor=lead, alliance_id=alliance.pk, kind="new_alliance")
    first = services.claim_submit(actor=lead, claim_id=first.pk)
    batch = services.batch_create(
        actor=department, profile_id="luoyang", title=f"{year} 年度联盟奖补第一批"
    )
    award = services.award_stage(
        actor=department,
        claim_id=first.pk,
        batch_id=batch.pk,
        amount=first.computed_amount,
        first_year=year,
    )
    batch = services.batch_publish(
        actor=department, batch_id=batch.pk, reference=f"洛科〔{year}〕18号"
    )
    instalment = award.instalments.get()
    services.payment_record(
        actor=department,
        instalment_id=instalment.pk,
        paid_on=selectors.today(),
        voucher=f"LYKJ-{year}-0001",
        amount=instalment.amount,
        note="国库集中支付",
    )
    yield (
        f"奖补：{alliance.name} 新获批联盟奖励 {award.amount} 万元已决定并拨付"
        f"（{batch.title}，{batch.reference}）"
    )
    # a platform construction claim waiting for the department
    platform = services.claim_create(
        actor=lead,
        alliance_id=alliance.pk,
        kind="platform_construction",
        data={
            "platform": "洛阳耐火材料检验检测公共服务平台",
            "investment": "860.00",
            "event_date": "2020-10-15",
            "statement": "平台于 2020 年 10 月经市科技局认定，实际建设投资 860 万元，见审计报告。",
        },
    )
    _evidence(lead, platform, "平台建设投资专项审计报告")
    _evidence(lead, platform, "平台认定文件")
    services.claim_submit(actor=lead, claim_id=platform.pk)
    yield f"奖补：{platform.number} 平台建设补助 {platform.computed_amount} 万元待主管部门审核"
    # an operating subsidy in draft (capped at 100)
    draft = services.claim_create(
        actor=lead,
        alliance_id=alliance.pk,
        kind="operating_subsidy",
        data={"year": "2020", "sales_revenue": "1350.00", "event_date": "2020-12-31"},
    )
    yield f"奖补：{draft.number} 运营补助（草稿，测算 {draft.computed_amount} 万元）"
    # the robot alliance's R&D project, scored by an expert
    lead2, expert = users.get("qiantou-ly2"), users.get("zhuanjia-ly")
    robots = Alliance.objects.filter(name=ROBOTS).first()
    if lead2 is not None and robots is not None and robots.lead_unit_id == lead2.unit_id:
        project = services.claim_create(
            actor=lead2,
            alliance_id=robots.pk,
            kind="rd_project",
            data={
                "project": "工业机器人精密减速器关键技术研发",
                "event_date": "2020-09-01",
                "statement": "联盟牵头、成员单位承担，突破精密减速器核心技术，已通过市科技重大专项立项论证。",
            },
        )
        _evidence(lead2, project, "项目可行性研究报告")
        services.claim_submit(actor=lead2, claim_id=project.pk)
        if expert is not None:
            try:
                skipped = services.reviewers_assign(
                    actor=department, claim_id=project.pk, expert_ids=[expert.pk]
                )
            except DomainError:
                skipped = ["zhuanjia-ly"]
            if not skipped:
                yield f"奖补：{project.number} 研发项目（100–300 万元）待专家 zhuanjia-ly 评审"


def _baoding(users: dict[str, User], year: int) -> Iterator[str]:
    department, lead = users.get("baoding"), users.get("qiantou-bd")
    if department is None or lead is None:
        return
    services.budget_save(
        actor=department, profile_id="baoding", year=year, amount="300", note="演示"
    )
    alliance = selectors.lead_alliances(lead).first()
    if alliance is None:
        return
    claim = services.claim_create(
        actor=lead,
        alliance_id=alliance.pk,
        kind="operating_support",
        data={
            "year": "2023",
            "event_date": "2023-06-30",
            "statement": "2022—2023 年度联盟运作规范，组织成员单位联合攻关 4 项，详见年度工作总结。",
        },
    )
    _evidence(lead, claim, "联盟年度工作总结")
    services.claim_submit(actor=lead, claim_id=claim.pk)
    yield f"奖补：{claim.number} 保定运行经费补贴（10–50 万元）待主管部门评审"


def load_demo_rewards() -> Iterator[str]:
    if Budget.objects.exists():
        return
    users = _users()
    year = selectors.today().year
    try:
        with transaction.atomic():
            done = list(_luoyang(users, year)) + list(_baoding(users, year))
    except DomainError as exc:  # the demo must load even if a step's guard changes
        yield f"奖补演示数据未完整加载：{exc}"
        return
    yield from done
