"""The 建议书 as the printed form lays it out (seed 001 附件1), built from the interchange JSON.

Pure data for the template: every value already formatted, every check box already decided,
so the template only places things. Nothing here reads the database.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lianmeng.policy.uscc import IdentityError, uscc_region

from .regions import region_name

CHECKED, UNCHECKED = "☑", "□"

DOMAINS = [("industry", "工业"), ("agriculture", "农业"), ("social_development", "社会发展")]
NATURES = [
    ("enterprise", "1、企业"),
    ("research_institute", "2、科研院所"),
    ("university", "3、高等学校"),
    ("other", "4、其他"),
]
REGISTRATION_TYPES = [
    ("state_owned", "1、国有企业"),
    ("limited_company", "2、有限公司"),
    ("joint_stock", "3、股份有限公司"),
    ("private", "4、私营企业"),
    ("hk_macao_taiwan", "5、港澳台投资企业"),
    ("foreign", "6、外商投资企业"),
    ("other", "7、其他"),
]
QUALIFICATIONS = [
    ("high_tech_enterprise", "1、高新技术企业"),
    ("engineering_research_center", "2、工程技术研究中心"),
    ("key_laboratory", "3、重点实验室"),
    ("engineering_research_centre_ndrc", "4、工程研究中心"),
    ("engineering_laboratory", "5、工程实验室"),
    ("innovative_enterprise", "6、创新型企业"),
    ("other", "7、其他"),
]
KIND_NAMES = {
    "enterprise": "企业",
    "university": "高校",
    "research_institute": "科研院所",
    "vocational_college": "职业院校",
    "intermediary": "中介机构",
    "other": "其他",
}
CHAIN_NAMES = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
LEVEL_NAMES = {"national": "国家级", "provincial": "省级", "municipal": "市级"}
GOVERNANCE_RULES = [
    ("charter", "联盟章程或协议"),
    ("project_management", "项目管理制度"),
    ("fund_management", "经费管理制度"),
    ("personnel_management", "人员管理制度"),
    ("ip_management", "知识产权管理制度"),
    ("standards_management", "标准化管理制度"),
]
GOVERNANCE_FLAGS = [
    ("standards_committee", "联盟标准化委员会"),
    ("ip_staff", "专门的知识产权管理部门或人员"),
    ("patent_pool", "联盟专利池"),
]
FEASIBILITY_OUTLINE = [
    "一、联盟构建的目的和意义",
    "二、主要任务和目标",
    "三、现有工作基础、条件和优势",
    "四、联盟组成状况",
    "五、拟合作开展科技创新的工作任务及分工",
    "六、预期效果和风险分析",
    "七、其他相关附件",
]
AGREEMENT_OUTLINE = [
    "一、标题",
    "二、序文",
    "三、定义部分",
    "四、主文",
    "五、附件",
    "六、结尾",
]


def num(value: Any) -> str:
    """A figure as printed: ``12000``, ``54.3``; absent → empty."""
    if value is None or value == "" or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def boxes(options: list[tuple[str, str]], chosen: Any) -> list[dict[str, str]]:
    selected = set(chosen if isinstance(chosen, list | tuple | set) else [chosen])
    return [
        {"mark": CHECKED if key in selected else UNCHECKED, "label": label}
        for key, label in options
    ]


def yes_no(value: Any) -> dict[str, str]:
    return {
        "yes": CHECKED if value is True else UNCHECKED,
        "no": CHECKED if value is False else UNCHECKED,
    }


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _date_cn(value: Any) -> str:
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value or "")
    return f"{day.year}年{day.month}月{day.day}日"


def _member_region(member: dict[str, Any]) -> str:
    code = member.get("region_code")
    if not code and member.get("uscc"):
        try:
            code = uscc_region(member["uscc"])
        except IdentityError:
            code = None
    return region_name(code) if code else ""


def _liaison(member: dict[str, Any]) -> dict[str, str]:
    person = _dict(member.get("liaison"))
    return {
        "name": str(person.get("name") or ""),
        "phone": str(person.get("mobile") or person.get("phone") or ""),
        "mobile": str(person.get("mobile") or ""),
        "fax": str(person.get("fax") or ""),
        "email": str(person.get("email") or ""),
    }


def main_members(members: list[dict[str, Any]], count: int = 5) -> list[dict[str, Any]]:
    """三、the five main members: those described (standing or liaison) first, roster order."""
    others = [m for m in members if m.get("role", "member") != "lead"]
    described = [m for m in others if m.get("standing") or m.get("liaison")]
    rest = [m for m in others if m not in described]
    chosen = (described + rest)[:count]
    rows = []
    for i, m in enumerate(chosen):
        liaison = _liaison(m)
        rows.append(
            {
                "n": i + 1,
                "name": m.get("name", ""),
                "code": m.get("uscc") or m.get("org_code") or "",
                "standing": m.get("standing") or "",
                "liaison": liaison["name"],
                "mobile": liaison["mobile"] or liaison["phone"],
                "fax": liaison["fax"],
                "email": liaison["email"],
            }
        )
    rows += [{"n": len(rows) + i + 1, "empty": True} for i in range(count - len(rows))]
    return rows


def roster(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for i, m in enumerate(members):
        liaison = _liaison(m)
        platforms = [
            f"{p.get('name', '')}（{LEVEL_NAMES.get(p.get('level', ''), '')}）"
            for p in m.get("platforms") or []
            if isinstance(p, dict)
        ]
        rows.append(
            {
                "n": i + 1,
                "name": m.get("name", ""),
                "lead": m.get("role") == "lead",
                "kind": KIND_NAMES.get(m.get("kind", ""), m.get("kind", "")),
                "code": m.get("uscc") or m.get("org_code") or "",
                "region": _member_region(m),
                "chain": CHAIN_NAMES.get(m.get("chain_position") or "", ""),
                "platforms": platforms,
                "liaison": " ".join(p for p in (liaison["name"], liaison["phone"]) if p),
            }
        )
    return rows


def _counts(members: list[dict[str, Any]]) -> dict[str, int]:
    kinds = [m.get("kind") for m in members]
    enterprise = kinds.count("enterprise")
    university = kinds.count("university")
    institute = kinds.count("research_institute")
    return {
        "total": len(members),
        "enterprise": enterprise,
        "university": university,
        "institute": institute,
        "other": len(members) - enterprise - university - institute,
    }


def _share(part: Any, whole: Any) -> str:
    try:
        if part is None or not whole:
            return ""
        return f"{float(part) / float(whole) * 100:.0f}"
    except (TypeError, ValueError):
        return ""


def governance(doc: dict[str, Any]) -> dict[str, Any]:
    g = _dict(doc.get("governance"))
    meetings = _dict(g.get("meetings"))
    staff = _dict(g.get("staff_sources"))
    budget = _dict(g.get("budget_sources"))
    total = g.get("operating_budget")
    rules = _dict(g.get("rules"))
    return {
        "council": num(g.get("council_size")),
        "experts": num(g.get("expert_committee_size")),
        "meetings": {
            "member_assembly": num(meetings.get("member_assembly")),
            "council": num(meetings.get("council")),
            "supervisory": num(meetings.get("supervisory_board", meetings.get("supervisory"))),
            "expert_committee": num(meetings.get("expert_committee")),
            "annual": num(meetings.get("annual")),
        },
        "fulltime": num(g.get("secretariat_fulltime_staff")),
        "staff": {
            "recruited": num(staff.get("recruited")),
            "lead_unit": num(staff.get("lead_unit")),
            "members": num(staff.get("other_members", staff.get("members", staff.get("other")))),
        },
        "budget": num(total),
        "sources": [
            {
                "label": label,
                "amount": num(budget.get(key)),
                "share": _share(budget.get(key), total),
            }
            for key, label in (
                ("member_fees", "成员单位分摊（或盟员费）"),
                ("lead_unit", "牵头单位提供"),
                ("market", "市场收入"),
                ("other", "其它"),
            )
        ],
        "rules": [{"label": label, **yes_no(rules.get(key))} for key, label in GOVERNANCE_RULES],
        "flags": [{"label": label, **yes_no(g.get(key))} for key, label in GOVERNANCE_FLAGS],
    }


def _pair(node: Any, first: str = "applied", second: str = "granted") -> tuple[str, str]:
    node = _dict(node)
    return num(node.get(first)), num(node.get(second))


def kpis(doc: dict[str, Any]) -> dict[str, Any]:
    k = _dict(doc.get("expected_kpis"))
    funding, people = _dict(k.get("funding")), _dict(k.get("personnel"))
    ip, std = _dict(k.get("ip")), _dict(k.get("standards"))
    projects, talent = _dict(k.get("projects")), _dict(k.get("talent"))
    transfer = _dict(k.get("tech_transfer"))
    awards, platforms = _dict(k.get("awards")), _dict(k.get("platforms"))

    def ip_cell(key: str, first: str, second: str) -> dict[str, str]:
        a, b = _pair(ip.get(key))
        return {"first": first, "a": a, "second": second, "b": b}

    return {
        "funding": [num(funding.get(x)) for x in ("lead_unit", "other_members", "government")],
        "personnel": [num(people.get(x)) for x in ("researchers", "engineers", "managers")],
        "breakthroughs": num(k.get("core_breakthroughs")),
        "ip_row1": [
            ip_cell("invention_patents", "申请", "授权"),
            ip_cell("utility_patents", "申请", "授权"),
            ip_cell("design_patents", "申请", "授权"),
        ],
        "ip_row2": [
            ip_cell("plant_varieties", "申请", "授权"),
            ip_cell("new_drug_certificates", "申请", "获批"),
            ip_cell("software_copyrights", "产生", "登记"),
            ip_cell("ic_layouts", "投入利用", "登记"),
        ],
        "standards": [
            dict(zip(("a", "b"), _pair(std.get(x), "drafted", "approved"), strict=True))
            for x in ("international", "national", "industry", "alliance")
        ],
        "projects": [
            {
                "label": label,
                "count": num(_dict(projects.get(key)).get("count")),
                "amount": num(_dict(projects.get(key)).get("amount")),
            }
            for key, label in (("national", "国家级"), ("provincial", "省部级"))
        ],
        "talent": [num(talent.get(x)) for x in ("high_level", "phd", "master", "other")],
        "transfer": [
            {
                "count": num(_dict(transfer.get(x)).get("count")),
                "amount": num(_dict(transfer.get(x)).get("amount")),
            }
            for x in ("development", "transfer", "consulting", "service")
        ],
        "awards": [num(awards.get("national")), num(awards.get("provincial"))],
        "platforms": [num(platforms.get("national")), num(platforms.get("provincial"))],
        "other": str(k.get("other") or ""),
    }


def _sections(outline: list[str], parts: Any) -> list[dict[str, str]]:
    """Writeups stored as {"1": html, …} (or {"1": {"title", "html"}}), in outline order."""
    parts = _dict(parts)
    out = []

    def order(key: str) -> tuple[int, str]:
        return (int(key), key) if str(key).isdigit() else (10_000, str(key))

    for key in sorted(parts, key=order):
        value = parts[key]
        html = value.get("html", "") if isinstance(value, dict) else str(value or "")
        if not html.strip():
            continue
        title = value.get("title") if isinstance(value, dict) else None
        if not title and str(key).isdigit() and 1 <= int(key) <= len(outline):
            title = outline[int(key) - 1]
        out.append({"title": title or str(key), "html": html})
    return out


def writeup_sections(writeups: dict[str, Any] | None) -> dict[str, list[dict[str, str]]]:
    writeups = writeups or {}
    return {
        "feasibility": _sections(FEASIBILITY_OUTLINE, writeups.get("feasibility")),
        "agreement": _sections(AGREEMENT_OUTLINE, writeups.get("agreement")),
    }


def proposal_view(doc: dict[str, Any], *, profile: Any = None) -> dict[str, Any]:
    """Everything the 建议书 template prints, formatted."""
    members = [m for m in doc.get("members") or [] if isinstance(m, dict)]
    lead = _dict(doc.get("lead_unit"))
    contact = _dict(doc.get("contact"))
    texts = _dict(doc.get("texts"))
    recommender = _dict(doc.get("recommender"))
    year = doc.get("call_year")
    form_title, issuer = "产业技术创新战略联盟构建建议书", ""
    if profile is not None:
        titles = {m.value.kind: m.value.title for m in profile.materials}
        call = profile.call_for(year) if year else None
        titles.update({m.value.kind: m.value.title for m in call.materials} if call else {})
        form_title = titles.get("proposal_form", form_title)
        issuer = (profile.authority or profile.issuer).value
    lead_code = lead.get("org_code") or lead.get("uscc") or ""
    return {
        "form_title": form_title,
        "issuer": issuer,
        "name": doc.get("name") or "",
        "year": year,
        "plan_years": f"{year}-{year + 1}" if isinstance(year, int) else "",
        "domains": boxes(DOMAINS, doc.get("domain")),
        "recommender": recommender.get("name") or "",
        "focus_area": doc.get("focus_area") or "",
        "industry": doc.get("industry") or "",
        "product": doc.get("product") or "",
        "contact": {
            "name": contact.get("name") or "",
            "phone": contact.get("phone") or contact.get("mobile") or "",
            "fax": contact.get("fax") or "",
        },
        "counts": _counts(members),
        "texts": {
            key: str(texts.get(key) or "")
            for key in (
                "lead_unit_standing",
                "background",
                "plan",
                "foundation",
                "benefits",
                "chain_tasks",
                "lead_unit_opinion",
                "recommender_opinion",
            )
        },
        "lead": {
            "name": lead.get("name") or "",
            "natures": boxes(NATURES, lead.get("nature")),
            "registration_types": boxes(REGISTRATION_TYPES, lead.get("registration_type")),
            "registered_on": _date_cn(lead.get("registered_on"))
            if lead.get("registered_on")
            else "",
            "code": lead_code,
            "uscc": lead.get("uscc") or "",
            "address": lead.get("address") or "",
            "postcode": lead.get("postcode") or "",
            "cluster": lead.get("industrial_cluster") or "",
            "zone": "、".join(
                z for z in (lead.get("high_tech_zone"), lead.get("free_trade_zone")) if z
            ),
            "qualifications": boxes(QUALIFICATIONS, lead.get("qualifications") or []),
            **{
                key: num(lead.get(key))
                for key in (
                    "employees",
                    "mid_title_staff",
                    "senior_title_staff",
                    "registered_capital",
                    "total_assets",
                    "revenue",
                    "net_profit",
                    "tax_paid",
                    "export_usd_wan",
                    "debt_ratio_pct",
                    "rd_expense",
                )
            },
        },
        "main_members": main_members(members),
        "governance": governance(doc),
        "kpis": kpis(doc),
        "roster": roster(members),
    }
