"""Demo data of 筹建与验收 (Henan 五(二)), loaded by ``lianmeng demo`` (idempotent), driven
through the real services so every step has its history row and audit entry:

- 河南省新能源汽车电驱动产业技术创新战略联盟: 筹建中, half its checklist done (``choujian``);
- 河南省智能传感器产业技术创新战略联盟: checklist complete, 验收 applied, the demo expert
  ``zhuanjia`` assigned and not yet scored (``yanshou``);
- 河南省新型耐火材料产业技术创新战略联盟: passed 验收 — 已认定 with its 认定证书 (``rending``);
- 河南省生物医药产业技术创新战略联盟 (legacy registry): its construction period passed long
  ago, one item done — flagged 筹建期已过.

The province's department acts as ``henan``; the lead units' accounts use the demo password.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile

from lianmeng.core import clock
from lianmeng.core.models import User
from lianmeng.core.roles import Role

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
HALF = "河南省新能源汽车电驱动产业技术创新战略联盟"
AWAITING = "河南省智能传感器产业技术创新战略联盟"
RECOGNISED = "河南省新型耐火材料产业技术创新战略联盟"
OVERDUE = "河南省生物医药产业技术创新战略联盟"
SCORES = {
    "bodies": "88",
    "agreement_and_charter": "92",
    "technology_plan": "85",
    "innovation_system_plan": "80",
}
TEXTS = {
    "bodies": "已设立联盟理事会（决策机构）、专家委员会（咨询机构）和秘书处（执行机构），"
    "理事会由 11 家成员单位组成，秘书处设在牵头单位。",
    "technology_plan": "已编制《产业技术创新发展规划（2025—2029年）》，明确三个重点方向和十项关键技术。",
    "innovation_system_plan": "已编制《产业创新体系规划》，明确成员单位分工与产学研协同机制。",
}


def _uscc(region: str, serial: int) -> str:
    from stdnum.cn import uscc as stdnum_uscc

    body = f"91{region}{serial:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    check = 11 - sum(int(c) * w for c, w in zip(body[8:16], weights, strict=True)) % 11
    body += {10: "X", 11: "0"}.get(check, str(check))
    return body + stdnum_uscc.calc_check_digit(body)


def _row(name: str, lead: str, region: str, serial: int, decided_days_ago: int) -> dict:
    from lianmeng.policy.alliance_life import add_months

    decided = clock.beijing_now().date() - timedelta(days=decided_days_ago)
    return {
        "profile": "henan",
        "name": name,
        "lead_unit": {"name": lead, "uscc": _uscc(region, serial), "kind": "enterprise"},
        "status": "building",
        "decided_on": decided.isoformat(),
        "reference": f"豫科〔{decided.year}〕{serial % 200}号",
        "domain": "industry",
        "focus_area": "先进装备制造",
        "industry": name.removeprefix("河南省").removesuffix("产业技术创新战略联盟"),
        "product": "",
        "member_count": 12,
        "construction_deadline": add_months(decided, 12).isoformat(),
    }


def _account(username: str, name: str, unit, password: str) -> User:  # noqa: ANN001
    from lianmeng.core.services import user_create

    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    return user_create(
        actor=None,
        username=username,
        password=password,
        display_name=name,
        unit=unit,
        roles=[Role.APPLICANT],
    )


def _fill(lead: User, alliance, items: list[str]) -> None:  # noqa: ANN001
    from .models import ChecklistEntry
    from .selectors import construction_of
    from .services import checklist_save

    for item in construction_of("henan").checklist:
        if item.id not in items:
            continue
        if ChecklistEntry.objects.filter(alliance=alliance, item=item.id, complete=True).exists():
            continue
        checklist_save(
            actor=lead,
            alliance_id=alliance.pk,
            item=item.id,
            text=TEXTS.get(item.id, item.label) if "text" in item.evidence else None,
            files=[
                SimpleUploadedFile(f"{item.label}.pdf", DEMO_PDF, content_type="application/pdf")
            ]
            if "files" in item.evidence
            else [],
        )


def load_demo_construction(password: str) -> Iterator[str]:
    from lianmeng.alliances.legacy import legacy_import
    from lianmeng.alliances.models import Alliance
    from lianmeng.experts.models import ExpertProfile

    from . import services
    from .models import AcceptanceRound
    from .selectors import construction_of

    staff = User.objects.filter(username="henan").first()
    expert = ExpertProfile.objects.filter(user__username="zhuanjia").first()
    if staff is None or expert is None or construction_of("henan") is None:
        return
    all_items = [i.id for i in construction_of("henan").checklist]
    specs = [
        (HALF, "河南豫电驱动科技有限公司", "411300", 8101, 120, "choujian", "电驱动联盟秘书处"),
        (
            AWAITING,
            "许昌智感电子股份有限公司",
            "411000",
            8102,
            320,
            "yanshou",
            "智能传感器联盟秘书处",
        ),
        (RECOGNISED, "开封耐材集团有限公司", "410200", 8103, 400, "rending", "耐火材料联盟秘书处"),
    ]
    new = [
        _row(name, lead, region, serial, days)
        for name, lead, region, serial, days, _u, _n in specs
        if not Alliance.objects.filter(profile="henan", name=name).exists()
    ]
    if new:
        legacy_import(actor=None, rows=new)
    for name, _lead, _region, _serial, _days, username, display in specs:
        alliance = Alliance.objects.filter(profile="henan", name=name).first()
        if alliance is None:
            continue
        lead = _account(username, display, alliance.lead_unit, password)
        if name == HALF:
            if alliance.checklist_entries.exists():
                continue
            _fill(lead, alliance, all_items[: len(all_items) // 2])
            yield f"筹建清单：{name} 已完成一半（账号 {username}）"
            continue
        if AcceptanceRound.objects.filter(alliance=alliance).exists():
            continue
        _fill(lead, alliance, all_items)
        services.apply(actor=lead, alliance_id=alliance.pk, note="筹建任务已全部完成，申请验收。")
        services.assign(
            actor=staff, alliance_id=alliance.pk, expert_ids=[expert.pk], reason="演示数据"
        )
        if name == AWAITING:
            yield f"验收：{name} 待验收，已分配专家 zhuanjia（账号 {username}）"
            continue
        services.score_submit(
            actor=expert.user,
            alliance_id=alliance.pk,
            scores=SCORES,
            comments={"bodies": "组织机构健全，运行规范。"},
        )
        services.round_close(actor=staff, alliance_id=alliance.pk)
        services.decide(
            actor=staff, alliance_id=alliance.pk, passed=True, reason="达到构建要求，同意认定。"
        )
        yield f"验收：{name} 已认定，认定证书已生成（账号 {username}）"
    overdue = Alliance.objects.filter(profile="henan", name=OVERDUE, status="building").first()
    if overdue is not None and not overdue.checklist_entries.exists():
        lead = _account("shengwu", "生物医药联盟秘书处", overdue.lead_unit, password)
        _fill(lead, overdue, all_items[:1])
        yield f"筹建清单：{OVERDUE} 筹建期已过，仅完成 1 项（账号 shengwu）"
