"""Demo data: one account per role, the example proposals of docs/examples, a few units.

Idempotent: running it twice changes nothing the second time. Every write goes through
the services, so the audit trail of a demo site is as complete as a real one's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction

from lianmeng.core.models import Jurisdiction, Unit, User
from lianmeng.core.roles import Role
from lianmeng.core.services import unit_create, user_create
from lianmeng.proposals.models import Proposal
from lianmeng.proposals.services import proposal_import

DEMO_PASSWORD = "Lianmeng-Demo-2026"  # noqa: S105 - documented demo password
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
PROFILES = ("henan", "luoyang", "baoding", "heilongjiang")

#: (username, display name, roles, jurisdiction code or None, unit key or None)
ACCOUNTS: list[tuple[str, str, list[str], str | None, str | None]] = [
    ("shenbao", "张申报（牵头单位）", [Role.APPLICANT], None, "henan-lead"),
    ("chengyuan", "李成员（成员单位）", [Role.MEMBER], None, "henan-member"),
    ("jianxi", "涧西区科技局", [Role.RECOMMENDER], "410305", None),
    ("luoyang", "洛阳市科技局", [Role.RECOMMENDER, Role.COMPETENT], "410300", None),
    ("henan", "河南省科技厅", [Role.COMPETENT], "410000", None),
    ("zhuanjia", "王专家", [Role.EXPERT], None, "expert-employer"),
    ("pinggu", "第三方评估机构", [Role.EVALUATOR], None, "evaluator"),
    ("xietiao", "黑龙江省联盟综合协调小组", [Role.COORDINATION], "230000", None),
    ("xitong", "系统管理员", [Role.SYSADMIN], None, None),
    ("anquan", "安全管理员", [Role.SECADMIN], None, None),
    ("shenji", "审计管理员", [Role.AUDITADMIN], None, None),
]

#: units that are not in the example files (expert's employer, evaluator): USCCs with
#: correct check digits, registered in Zhengzhou.
EXTRA_UNITS = {
    "expert-employer": ("郑州理工大学", "university", "12410100MB0P5X2F4Q"),
    "evaluator": ("河南科信评估咨询有限公司", "intermediary", "91410105MA9G1K3W7T"),
}


def _example(profile: str) -> dict | None:
    path = EXAMPLES / f"{profile}-valid.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _extra_unit(key: str) -> Unit:
    from stdnum.cn import uscc as stdnum_uscc

    from lianmeng.policy.uscc import validate_uscc

    name, kind, code = EXTRA_UNITS[key]
    code = code[:17] + stdnum_uscc.calc_check_digit(code[:17])
    validate_uscc(code)
    return Unit.objects.filter(uscc=code).first() or unit_create(
        actor=None, name=name, kind=kind, uscc=code
    )


def load_demo() -> Iterator[str]:
    if User.objects.filter(username="shenbao").exists():
        yield "演示数据已存在，未做改动。"
        return
    with transaction.atomic():
        units: dict[str, Unit] = {}
        for profile in PROFILES:
            doc = _example(profile)
            if doc is None:
                yield f"缺少示例文件 docs/examples/{profile}-valid.json，跳过该申报。"
                continue
            proposal = proposal_import(actor=None, document=doc)
            if profile != "henan":
                proposal.status = Proposal.Status.SUBMITTED
                proposal.save(update_fields=["status"])
            units[f"{profile}-lead"] = proposal.lead_unit
            second = next(
                (m for m in doc["members"] if m.get("role", "member") != "lead" and m.get("uscc")),
                None,
            )
            if second and profile == "henan":
                units["henan-member"] = Unit.objects.filter(
                    uscc=second["uscc"]
                ).first() or unit_create(
                    actor=None, name=second["name"], kind=second["kind"], uscc=second["uscc"]
                )
            yield f"申报：{proposal.name}（{proposal.get_status_display()}）"
        for key in EXTRA_UNITS:
            units[key] = _extra_unit(key)
        for username, name, roles, code, unit_key in ACCOUNTS:
            unit = units.get(unit_key) if unit_key else None
            if unit_key and unit is None:
                yield f"账号 {username} 所需单位缺失，跳过。"
                continue
            user_create(
                actor=None,
                username=username,
                password=DEMO_PASSWORD,
                display_name=name,
                unit=unit,
                jurisdiction=Jurisdiction.objects.get(code=code) if code else None,
                roles=roles,
            )
            yield f"账号：{username:10s} {name}"
    yield f"演示账号的密码均为 {DEMO_PASSWORD}"
