"""生成 docs/examples 下的示例申报文件、已有联盟名单、expected.json 和 README.md。

Regenerate with ``uv run python docs/examples/generate.py``. Every USCC is built from a
registration-department/type prefix, the GB/T 2260 region digits of the place named and a
GB 11714 organisation code, and gets its check character from ``stdnum.cn.uscc``. The
organisations are invented; their names only look real.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stdnum.cn import uscc as stdnum_uscc

from lianmeng.policy.uscc import calc_org_code_check

HERE = Path(__file__).parent
Data = dict[str, Any]

ENTERPRISE, PUBLIC_INSTITUTION = "91", "12"  # 工商-企业, 机构编制-事业单位


def org_code(name: str) -> str:
    """A GB 11714 code (9 characters, no hyphen) derived from the name, stable across runs."""
    digest = hashlib.sha256(name.encode()).hexdigest()
    body = "".join(str(int(c, 16) % 10) for c in digest[:8])
    return body + calc_org_code_check(body)


def make_uscc(name: str, region: str, prefix: str = ENTERPRISE) -> str:
    base = prefix + region + org_code(name)
    return base + stdnum_uscc.calc_check_digit(base)


def unit(
    name: str,
    kind: str,
    region: str,
    *,
    role: str | None = None,
    chain: str | None = None,
    platforms: tuple[tuple[str, str, str], ...] = (),
    standing: str | None = None,
) -> Data:
    prefix = ENTERPRISE if kind in ("enterprise", "intermediary") else PUBLIC_INSTITUTION
    member: Data = {"name": name, "uscc": make_uscc(name, region, prefix)}
    if role:
        member["role"] = role
    member["kind"] = kind
    if chain:
        member["chain_position"] = chain
    member["legal_representative"] = _person(name)
    member["signed_agreement"] = True
    if standing:
        member["standing"] = standing
    if platforms:
        member["platforms"] = [{"name": n, "level": lv, "kind": k} for n, lv, k in platforms]
    return member


def _person(seed: str) -> str:
    surnames, given = (
        "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗",
        "建国明华志强立新海军晓东文杰永红建平国庆卫东",
    )
    digest = hashlib.sha256(seed.encode()).digest()
    return surnames[digest[0] % len(surnames)] + given[digest[1] % 12 * 2 : digest[1] % 12 * 2 + 2]


def lead_unit(member: Data, **extra: Any) -> Data:
    return {
        "name": member["name"],
        "uscc": member["uscc"],
        "org_code": _org(member["uscc"]),
        **extra,
    }


def _org(uscc: str) -> str:
    return f"{uscc[8:16]}-{uscc[16]}"


def _governance(staff: int = 3, **extra: Any) -> Data:
    return {
        "council_size": 11,
        "expert_committee_size": 9,
        "has_decision_body": True,
        "has_advisory_body": True,
        "has_executive_body": True,
        "has_office": True,
        "meetings": {"member_assembly": 1, "council": 2, "expert_committee": 2, "annual": 1},
        "secretariat_fulltime_staff": staff,
        "staff_sources": {"recruited": 1, "lead_unit": staff - 1},
        "operating_budget": 80,
        "budget_sources": {"member_fees": 30, "lead_unit": 50},
        "rules": {
            "charter": True,
            "project_management": True,
            "fund_management": True,
            "personnel_management": True,
            "ip_management": True,
            "standards_management": False,
        },
        "standards_committee": False,
        "ip_staff": True,
        "patent_pool": False,
        **extra,
    }


def _agreement(signed_on: str, party: str, term: int = 3) -> Data:
    return {
        "signed_on": signed_on,
        "term_years": term,
        "legally_binding": True,
        "has_innovation_goals": True,
        "has_task_division": True,
        "has_ip_and_benefit_rules": True,
        "has_liability_clause": True,
        "has_join_exit_rules": True,
        "has_dissemination_duty": True,
        "has_dissolution_rules": True,
        "external_liability_party": party,
    }


def _kpis() -> Data:
    return {
        "funding": {"lead_unit": 1200, "other_members": 800, "government": 300},
        "personnel": {"researchers": 120, "engineers": 85, "managers": 12},
        "core_breakthroughs": 4,
        "ip": {
            "invention_patents": {"applied": 20, "granted": 6},
            "utility_patents": {"applied": 30, "granted": 25},
        },
        "standards": {
            "industry": {"drafted": 2, "approved": 1},
            "alliance": {"drafted": 3, "approved": 3},
        },
        "projects": {
            "national": {"count": 1, "amount": 500},
            "provincial": {"count": 3, "amount": 600},
        },
        "talent": {"high_level": 2, "phd": 8, "master": 20, "other": 30},
        "tech_transfer": {
            "development": {"count": 5, "amount": 300},
            "service": {"count": 12, "amount": 90},
        },
        "awards": {"provincial": 1},
        "platforms": {"provincial": 1},
    }


def _materials(*kinds_titles: tuple[str, str]) -> list[Data]:
    return [
        {"kind": kind, "title": title, "file": f"{index + 1:02d}-{kind}.pdf"}
        for index, (kind, title) in enumerate(kinds_titles)
    ]


# ---------------------------------------------------------------- 河南 Henan


def henan_members() -> list[Data]:
    return [
        unit(
            "河南豫铝新材料科技股份有限公司",
            "enterprise",
            "410182",
            role="lead",
            chain="midstream",
            platforms=(
                ("河南省高性能铝合金工程技术研究中心", "provincial", "engineering_research_center"),
            ),
            standing="国内铝板带箔产能前五，高性能铝合金板带箔国内市场占有率约 12%",
        ),
        unit(
            "洛阳华冶铝业有限公司",
            "enterprise",
            "410305",
            chain="upstream",
            platforms=(("河南省铝冶炼企业技术中心", "provincial", "enterprise_technology_center"),),
        ),
        unit("焦作明瑞铝箔有限公司", "enterprise", "410811", chain="downstream"),
        unit("郑州宇航轻合金装备有限公司", "enterprise", "410122", chain="downstream"),
        unit(
            "河南中原铝材料研究院有限公司",
            "research_institute",
            "410105",
            platforms=(("河南省铝基复合材料重点实验室", "provincial", "key_laboratory"),),
        ),
        unit("豫中理工大学", "university", "410000"),
        unit("新乡金泰铝型材有限公司", "enterprise", "410702", chain="downstream"),
        unit("河南省有色金属产品检测中心有限公司", "intermediary", "410105"),
        unit("上海材研轻合金技术有限公司", "enterprise", "310115", chain="upstream"),
        unit(
            "北京有色先进材料研究所有限公司",
            "research_institute",
            "110108",
            platforms=(("国家铝合金精密加工工程实验室", "national", "engineering_laboratory"),),
        ),
        unit(
            "中州工业大学",
            "university",
            "410000",
            platforms=(("河南省轻合金加工工程实验室", "provincial", "engineering_laboratory"),),
        ),
    ]


def henan_valid() -> Data:
    members = henan_members()
    return {
        "format_version": 1,
        "profile": "henan",
        "call_year": 2020,
        "submitted_at": "2020-09-01T10:00:00+08:00",
        "name": "河南省高性能铝基新材料产业技术创新战略联盟",
        "level": "provincial",
        "domain": "industry",
        "focus_area": "新材料",
        "industry": "铝基新材料",
        "product": "高性能铝合金板带箔",
        "recommender": {"name": "郑州市科学技术局", "region_code": "410100"},
        "contact": {
            "name": "李明华",
            "phone": "0371-64581230",
            "mobile": "13838012345",
            "fax": "0371-64581231",
            "email": "lianmeng@yulv.example.cn",
        },
        "lead_unit": lead_unit(
            members[0],
            nature="enterprise",
            registration_type="joint_stock",
            registered_on="2006-03-18",
            address="河南省荥阳市广武镇工业园区兴业路 8 号",
            postcode="450100",
            industrial_cluster="荥阳市产业集聚区",
            high_tech_zone="郑州国家高新技术产业开发区",
            qualifications=["high_tech_enterprise", "engineering_research_center"],
            employees=2350,
            mid_title_staff=310,
            senior_title_staff=86,
            registered_capital=52000,
            total_assets=386000,
            revenue=412000,
            net_profit=18600,
            tax_paid=9200,
            export_usd_wan=6800,
            debt_ratio_pct=54.3,
            rd_expense=14800,
        ),
        "members": members,
        "governance": _governance(),
        "agreement": _agreement("2020-07-16", "河南豫铝新材料科技股份有限公司"),
        "texts": {
            "lead_unit_standing": "牵头单位是国家高新技术企业，铝板带箔年产能 60 万吨，建有省级工程技术研究中心，主持制定行业标准 3 项。",
            "background": "我省是铝工业大省，但高端铝合金板带箔仍依赖进口。构建联盟可集聚上下游和高校院所力量，突破关键共性技术。",
            "plan": "2020—2021 年围绕高强高韧铝合金、电池箔和航空用铝材开展联合攻关，建设中试平台和检测服务平台。",
            "foundation": "成员单位已合作承担国家和省级项目 9 项，拥有发明专利 68 项，建有省级以上研发平台 5 个。",
            "benefits": "预计新增产值 30 亿元，带动全省铝加工产业向高端延伸，减少能耗和碳排放。",
        },
        "expected_kpis": _kpis(),
        "materials": _materials(
            ("proposal_form", "河南省产业技术创新战略联盟构建建议书"),
            ("feasibility_report", "河南省产业技术创新战略联盟构建可行性研究报告"),
            ("recommendation_form", "2020年度河南省产业技术创新战略联盟推荐表"),
            ("agreement", "河南省高性能铝基新材料产业技术创新战略联盟协议书"),
        ),
    }


def _relocate(data: Data, index: int, name: str, region: str) -> None:
    member = data["members"][index]
    prefix = member["uscc"][:2]
    member["name"], member["uscc"] = name, make_uscc(name, region, prefix)
    member["legal_representative"] = _person(name)


def _lead_elsewhere(data: Data, name: str, region: str) -> None:
    _relocate(data, 0, name, region)
    member = data["members"][0]
    data["lead_unit"].update(
        name=member["name"], uscc=member["uscc"], org_code=_org(member["uscc"])
    )


def _wrong_check(code: str) -> str:
    """The same code with a wrong last character (a typo in the check digit)."""
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def _drop(data: Data, *indexes: int) -> None:
    data["members"] = [m for i, m in enumerate(data["members"]) if i not in indexes]


def _henan_variants() -> dict[str, Callable[[Data], None]]:
    def no_academics(d: Data) -> None:
        _drop(d, 4, 5, 9, 10)
        d["members"] += [
            unit(
                "平顶山中鸿铝箔有限公司",
                "enterprise",
                "410402",
                chain="downstream",
                platforms=(
                    ("河南省电池铝箔工程技术研究中心", "provincial", "engineering_research_center"),
                ),
            ),
            unit("许昌远东铝业有限公司", "enterprise", "411002", chain="midstream"),
            unit("南阳宛铝再生资源有限公司", "enterprise", "411302", chain="upstream"),
            unit("商丘华商铝制品有限公司", "enterprise", "411402", chain="downstream"),
        ]

    def not_local(d: Data) -> None:
        for index, name, region in (
            (2, "昆山明瑞铝箔有限公司", "320583"),
            (3, "深圳宇航轻合金装备有限公司", "440306"),
            (6, "青岛金泰铝型材有限公司", "370211"),
            (7, "杭州有色金属产品检测中心有限公司", "330110"),
        ):
            _relocate(d, index, name, region)

    def few_platforms(d: Data) -> None:
        for index in (1, 4, 10):
            d["members"][index].pop("platforms")

    return {
        "lead.registered_locally": lambda d: _lead_elsewhere(
            d, "上海豫铝新材料科技股份有限公司", "310115"
        ),
        "lead.is_member": lambda d: d["members"][0].pop("role"),
        "members.identity_valid": lambda d: d["members"][3].update(
            uscc=_wrong_check(d["members"][3]["uscc"])
        ),
        "members.min_count": lambda d: _drop(d, 3, 7),
        "members.composition": no_academics,
        "members.mostly_local": not_local,
        "platforms.min_provincial": few_platforms,
        "alliance.unique_in_field": lambda d: d.update(
            name="河南省铝合金精深加工产业技术创新战略联盟", industry="铝合金精深加工"
        ),
        "agreement.signed": lambda d: d["members"][6].update(signed_agreement=False),
        "agreement.content": lambda d: d["agreement"].update(has_task_division=False),
        "governance.fulltime_staff": lambda d: d["governance"].update(
            secretariat_fulltime_staff=0, staff_sources={"lead_unit": 2}
        ),
        "governance.fund_management": lambda d: d["governance"]["rules"].update(
            fund_management=False
        ),
        "materials.complete": lambda d: d.update(
            materials=[m for m in d["materials"] if m["kind"] != "recommendation_form"]
        ),
        "call.within_window": lambda d: d.update(submitted_at="2020-09-21T00:00:00+08:00"),
        "call.focus_area": lambda d: d.update(focus_area="文化旅游"),
    }


HENAN_EXISTING = [
    {
        "name": "河南省超硬材料产业技术创新战略联盟",
        "industry": "超硬材料",
        "product": "人造金刚石及制品",
        "focus_area": "新材料",
        "status": "recognised",
        "reference": "豫联盟〔2014〕03",
    },
    {
        "name": "河南省铝精深加工产业技术创新战略联盟",
        "industry": "铝精深加工",
        "product": "铝合金型材",
        "focus_area": "新材料",
        "status": "recognised",
        "reference": "豫联盟〔2016〕12",
    },
    {
        "name": "河南省小麦分子育种产业技术创新战略联盟",
        "industry": "种业",
        "product": "小麦新品种",
        "focus_area": "分子生物育种",
        "status": "pending",
        "reference": "2020-申报-031",
    },
]

# ---------------------------------------------------------------- 黑龙江 Heilongjiang


def heilongjiang_valid() -> Data:
    members = [
        unit(
            "黑龙江龙垦大豆科技股份有限公司", "enterprise", "230102", role="lead", chain="midstream"
        ),
        unit("哈尔滨松江豆制品有限公司", "enterprise", "230108", chain="downstream"),
        unit("齐齐哈尔北疆大豆蛋白有限公司", "enterprise", "230202", chain="midstream"),
        unit("佳木斯三江粮油机械有限公司", "enterprise", "230803", chain="upstream"),
        unit(
            "东北农垦大学",
            "university",
            "230000",
            platforms=(("黑龙江省大豆加工重点实验室", "provincial", "key_laboratory"),),
        ),
        unit("黑龙江省大豆加工技术研究所", "research_institute", "230000"),
    ]
    return {
        "format_version": 1,
        "profile": "heilongjiang",
        "submitted_at": "2021-04-15T09:30:00+08:00",
        "name": "黑龙江省大豆精深加工产业技术创新战略联盟",
        "level": "provincial",
        "domain": "agriculture",
        "focus_area": "农产品加工",
        "industry": "大豆加工",
        "product": "大豆分离蛋白",
        "contact": {
            "name": "赵立新",
            "phone": "0451-86230015",
            "email": "dadou@longken.example.cn",
        },
        "lead_unit": lead_unit(
            members[0],
            nature="enterprise",
            registration_type="joint_stock",
            address="黑龙江省哈尔滨市道里区安静街 96 号",
            postcode="150010",
            employees=1280,
            revenue=186000,
            rd_expense=5200,
        ),
        "members": members,
        "governance": _governance(staff=2),
        "agreement": _agreement("2021-03-20", "黑龙江龙垦大豆科技股份有限公司", term=5),
        "materials": _materials(
            ("proposal_form", "黑龙江省大豆精深加工产业技术创新战略联盟建设方案"),
            ("agreement", "联盟协议"),
        ),
    }


def _heilongjiang_variants() -> dict[str, Callable[[Data], None]]:
    return {
        "lead.is_member": lambda d: d["lead_unit"].update(name="黑龙江龙垦农业发展股份有限公司"),
        "members.identity_valid": lambda d: d["members"].append(copy.deepcopy(d["members"][2])),
        "members.composition": lambda d: _drop(d, 4, 5),
        "agreement.signed": lambda d: d["agreement"].update(legally_binding=False),
        "agreement.content": lambda d: d["agreement"].update(has_innovation_goals=False),
        "agreement.ip_benefit": lambda d: d["agreement"].update(has_liability_clause=False),
        "agreement.term": lambda d: d["agreement"].update(term_years=2),
        "agreement.open": lambda d: d["agreement"].update(has_join_exit_rules=False),
        "governance.bodies": lambda d: d["governance"].update(has_advisory_body=False),
        "governance.fund_management": lambda d: d["governance"]["rules"].pop("fund_management"),
    }


# ---------------------------------------------------------------- 洛阳 Luoyang


def luoyang_valid() -> Data:
    members = [
        unit(
            "洛阳精工轴承科技股份有限公司",
            "enterprise",
            "410305",
            role="lead",
            chain="midstream",
            platforms=(
                ("河南省精密轴承工程技术研究中心", "provincial", "engineering_research_center"),
            ),
        ),
        unit("洛阳中特钢轴承材料有限公司", "enterprise", "410311", chain="upstream"),
        unit("偃师伊滨智能装备有限公司", "enterprise", "410381", chain="downstream"),
        unit("河洛科技大学", "university", "410300"),
        unit("洛阳轴承技术研究院有限公司", "research_institute", "410305"),
        unit("洛阳机电职业学院", "vocational_college", "410300"),
        unit("郑州中原轴承检测服务有限公司", "intermediary", "410105"),
    ]
    return {
        "format_version": 1,
        "profile": "luoyang",
        "call_year": 2019,
        "submitted_at": "2019-10-15T10:00:00+08:00",
        "name": "洛阳市精密轴承产业技术创新战略联盟",
        "level": "municipal",
        "domain": "industry",
        "focus_area": "565产业—先进装备制造",
        "industry": "轴承制造",
        "product": "精密轴承",
        "recommender": {"name": "洛阳市涧西区科学技术局", "region_code": "410305"},
        "contact": {
            "name": "周晓东",
            "phone": "0379-64871020",
            "email": "zhoucheng@ljgz.example.cn",
        },
        "lead_unit": lead_unit(
            members[0],
            nature="enterprise",
            registration_type="joint_stock",
            address="河南省洛阳市涧西区建设路 60 号",
            postcode="471039",
            employees=3100,
            revenue=265000,
            rd_expense=9800,
        ),
        "members": members,
        "governance": _governance(staff=3),
        "agreement": _agreement("2019-09-10", "洛阳精工轴承科技股份有限公司"),
        "materials": _materials(
            ("proposal_form", "洛阳市产业技术创新战略联盟申请表"),
            ("feasibility_report", "联盟构建可行性报告"),
        ),
    }


def _luoyang_variants() -> dict[str, Callable[[Data], None]]:
    def no_code(d: Data) -> None:
        member = d["members"][5]
        member["region_code"] = member.pop("uscc")[2:8]

    def not_local(d: Data) -> None:
        for index, name, region in (
            (1, "郑州中特钢轴承材料有限公司", "410183"),
            (2, "新乡伊滨智能装备有限公司", "410702"),
            (4, "郑州轴承技术研究院有限公司", "410105"),
        ):
            _relocate(d, index, name, region)

    return {
        "lead.registered_locally": lambda d: _lead_elsewhere(
            d, "郑州精工轴承科技股份有限公司", "410105"
        ),
        "lead.is_member": lambda d: d["members"][1].update(role="lead"),
        "members.identity_valid": no_code,
        "members.composition": lambda d: _drop(d, 3, 4, 5),
        "members.mostly_local": not_local,
        "members.chain_coverage": lambda d: d["members"][2].update(chain_position="midstream"),
        "governance.bodies": lambda d: d["governance"].update(has_advisory_body=False),
        "governance.fulltime_staff": lambda d: d["governance"].update(has_office=False),
        "materials.complete": lambda d: d.update(materials=d["materials"][:1]),
        "call.focus_area": lambda d: d.update(focus_area="文化旅游"),
        "policy.in_force": lambda d: d.update(
            call_year=2021, submitted_at="2021-01-01T09:00:00+08:00"
        ),
    }


# ---------------------------------------------------------------- 保定 Baoding


def baoding_members() -> list[Data]:
    return [
        unit(
            "保定英创光伏科技股份有限公司", "enterprise", "130602", role="lead", chain="midstream"
        ),
        unit("保定天恒电气设备有限公司", "enterprise", "130606", chain="downstream"),
        unit("高碑店新能硅材料有限公司", "enterprise", "130684", chain="upstream"),
        unit("冀中电力大学", "university", "130606"),
        unit("北京新能源材料研究院有限公司", "research_institute", "110108"),
        unit("天津滨海光电测试技术有限公司", "enterprise", "120116", chain="downstream"),
    ]


def baoding_valid() -> Data:
    members = baoding_members()
    return {
        "format_version": 1,
        "profile": "baoding",
        "submitted_at": "2019-06-18T10:00:00+08:00",
        "name": "保定市光伏新能源产业技术创新战略联盟",
        "level": "municipal",
        "domain": "industry",
        "focus_area": "战略性新兴产业",
        "industry": "光伏新能源",
        "product": "高效晶硅光伏组件",
        "category": 1,
        "recommender": {"name": "保定市竞秀区科学技术局", "region_code": "130602"},
        "contact": {
            "name": "高建平",
            "phone": "0312-3152260",
            "email": "lianmeng@yingchuang.example.cn",
        },
        "lead_unit": lead_unit(
            members[0],
            nature="enterprise",
            registration_type="joint_stock",
            address="河北省保定市竞秀区朝阳北大街 3055 号",
            postcode="071051",
            employees=4200,
            revenue=520000,
            rd_expense=16000,
        ),
        "members": members,
        "governance": _governance(staff=4),
        "agreement": _agreement("2019-05-28", "保定英创光伏科技股份有限公司"),
        "texts": {
            "chain_tasks": "围绕晶硅材料—电池片—组件—电站运维构建创新链，京津研发、保定转化。"
        },
        "materials": _materials(
            ("recommendation_letter", "竞秀区科学技术局推荐公函"),
            ("proposal_form", "保定市创新联盟备案申请书"),
            ("charter", "保定市光伏新能源产业技术创新战略联盟章程"),
            ("business_license", "牵头单位营业执照复印件"),
        ),
    }


def _baoding_variants() -> dict[str, Callable[[Data], None]]:
    def bad_org_code(d: Data) -> None:
        member = d["members"][4]
        uscc = member.pop("uscc")
        member["org_code"] = _wrong_check(_org(uscc))
        member["region_code"] = uscc[2:8]

    def one_county(d: Data) -> None:
        d["members"] = [
            d["members"][0],
            unit("保定竞秀光电材料有限公司", "enterprise", "130602", chain="upstream"),
            unit("保定市光伏技术研究所", "research_institute", "130602"),
            unit("保定恒晟储能科技有限公司", "enterprise", "130602", chain="downstream"),
        ]

    def other_lead_code(d: Data) -> None:
        d["lead_unit"]["uscc"] = make_uscc("保定英创光伏科技股份有限公司（旧）", "130602")
        d["lead_unit"]["org_code"] = _org(d["lead_unit"]["uscc"])

    return {
        "lead.registered_locally": lambda d: _lead_elsewhere(
            d, "北京英创光伏科技股份有限公司", "110108"
        ),
        "lead.is_member": other_lead_code,
        "members.identity_valid": bad_org_code,
        "members.composition": lambda d: _drop(d, 3, 4),
        "members.cross_region": one_county,
        "agreement.signed": lambda d: d["members"][2].update(signed_agreement=False),
        "agreement.content": lambda d: d["agreement"].update(has_innovation_goals=False),
        "agreement.ip_benefit": lambda d: d["agreement"].update(has_ip_and_benefit_rules=False),
        "agreement.open": lambda d: d["agreement"].update(has_dissemination_duty=False),
        "governance.bodies": lambda d: d["agreement"].pop("external_liability_party"),
        "governance.fulltime_staff": lambda d: d["governance"].update(secretariat_fulltime_staff=0),
        "governance.fund_management": lambda d: d["governance"]["rules"].update(
            fund_management=False
        ),
        "materials.complete": lambda d: d.update(materials=d["materials"][:3]),
        "policy.in_force": lambda d: d.update(submitted_at="2023-09-18T09:00:00+08:00"),
    }


PROFILES: dict[str, tuple[Callable[[], Data], Callable[[], dict[str, Callable[[Data], None]]]]] = {
    "henan": (henan_valid, _henan_variants),
    "heilongjiang": (heilongjiang_valid, _heilongjiang_variants),
    "luoyang": (luoyang_valid, _luoyang_variants),
    "baoding": (baoding_valid, _baoding_variants),
}
ADVISORY = {"call.focus_area"}
EXISTING_FILE = "henan-existing.json"
LEGACY_FILE = "legacy-registry.json"

#: alliances decided before the system, for `lianmeng alliance import` (and the demo):
#: profile, name, lead unit, its region, status, decided on, 文号, focus area, industry,
#: product, members, 备案类别
LEGACY = [
    ("henan", "河南省超硬材料产业技术创新战略联盟", "郑州华晶超硬材料股份有限公司", "410100",
     "recognised", "2014-06-18", "豫科〔2014〕88号", "新材料", "超硬材料", "人造金刚石及制品", 23, None),
    ("henan", "河南省盾构装备产业技术创新战略联盟", "中原隧道装备集团有限公司", "410100",
     "recognised", "2015-07-02", "豫科〔2015〕104号", "先进装备制造", "盾构机制造", "全断面隧道掘进机", 31, None),
    ("henan", "河南省小麦产业技术创新战略联盟", "河南中原种业科技有限公司", "410700",
     "recognised", "2016-05-20", "豫科〔2016〕76号", "现代农业", "小麦种业", "优质专用小麦品种", 27, None),
    ("henan", "河南省生物医药产业技术创新战略联盟", "新乡华兰生物制品有限公司", "410700",
     "building", "2019-11-08", "豫科〔2019〕151号", "生物医药", "生物制品", "疫苗与血液制品", 18, None),
    ("henan", "河南省智能农机装备产业技术创新战略联盟", "洛阳东方农机装备有限公司", "410300",
     "building", "2020-11-20", "豫科〔2020〕139号", "先进装备制造", "农业机械", "大马力智能拖拉机", 21, None),
    ("luoyang", "洛阳市耐火材料产业技术创新战略联盟", "洛阳中岳耐火材料有限公司", "410306",
     "recognised", "2019-03-15", "洛科〔2019〕21号", "565产业—新材料", "耐火材料", "高温窑炉用耐火制品", 14, None),
    ("luoyang", "洛阳市机器人及智能装备产业技术创新战略联盟", "洛阳智能装备研究院有限公司", "410311",
     "recognised", "2019-12-10", "洛科〔2019〕97号", "565产业—先进装备制造", "机器人", "工业机器人", 16, None),
    ("baoding", "保定市输变电装备产业技术创新战略联盟", "保定天威变压器有限公司", "130606",
     "filed", "2019-04-26", "保科〔2019〕33号", "战略性新兴产业", "输变电装备", "大型电力变压器", 19, 2),
    ("baoding", "保定市京津冀协同创新农业技术联盟", "保定农科现代农业有限公司", "130682",
     "filed", "2020-09-10", "保科〔2020〕58号", "现代农业", "设施农业", "绿色蔬菜", 12, 3),
    ("heilongjiang", "黑龙江省石墨产业技术创新战略联盟", "鸡西奥宇石墨集团有限公司", "230300",
     "pilot", "2013-12-20", "黑科发〔2013〕31号", "新材料", "石墨", "高纯石墨与石墨烯", 15, None),
]  # fmt: skip


def legacy_registry() -> list[Data]:
    rows: list[Data] = []
    for (
        profile,
        name,
        lead,
        region,
        status,
        decided,
        ref,
        area,
        industry,
        product,
        n,
        cat,
    ) in LEGACY:
        row: Data = {
            "profile": profile,
            "name": name,
            "lead_unit": {"name": lead, "uscc": make_uscc(lead, region), "kind": "enterprise"},
            "status": status,
            "decided_on": decided,
            "reference": ref,
            "domain": "agriculture" if area == "现代农业" else "industry",
            "focus_area": area,
            "industry": industry,
            "product": product,
            "member_count": n,
        }
        if cat is not None:
            row["category"] = cat
        if status == "building":  # Henan: one year to build (seed 000 五(二))
            year, rest = decided.split("-", 1)
            row["construction_deadline"] = f"{int(year) + 1}-{rest}"
        rows.append(row)
    return rows


def _write(name: str, data: object) -> None:
    (HERE / name).write_text(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


def build() -> list[Data]:
    """Write every example; return the manifest rows (also written to expected.json)."""
    rows: list[Data] = []
    for profile, (valid, variants) in PROFILES.items():
        _write(f"{profile}-valid.json", valid())
        rows.append({"file": f"{profile}-valid.json", "exit": 0, "failing": [], "args": []})
        for rule_id, mutate in variants().items():
            data = valid()
            mutate(data)
            name = f"{profile}-fail-{rule_id}.json"
            _write(name, data)
            args = ["--existing", EXISTING_FILE] if rule_id == "alliance.unique_in_field" else []
            rows.append(
                {
                    "file": name,
                    "exit": 0 if rule_id in ADVISORY else 1,
                    "failing": [rule_id],
                    "args": args,
                }
            )
    _write(EXISTING_FILE, HENAN_EXISTING)
    _write(LEGACY_FILE, legacy_registry())
    rows.append(
        {
            "file": "henan-valid.json",
            "exit": 0,
            "failing": [],
            "args": ["--existing", EXISTING_FILE],
        }
    )
    rows += _invalid_inputs()
    _write("expected.json", rows)
    (HERE / "README.md").write_text(readme(rows), encoding="utf-8")
    return rows


def _invalid_inputs() -> list[Data]:
    text = json.dumps(henan_valid(), ensure_ascii=False, indent=2)
    (HERE / "malformed.json").write_text(
        text[: text.index('"members"')] + '"members": [\n', encoding="utf-8"
    )
    wrong_type = henan_valid() | {"call_year": "2020"}
    _write("wrong-type.json", wrong_type)
    wrong_enum = henan_valid()
    wrong_enum["members"][2]["kind"] = "company"
    _write("wrong-enum.json", wrong_enum)
    unknown = henan_valid()
    unknown["members"][1]["phone"] = "0379-64000000"
    _write("unknown-key.json", unknown)
    return [
        {
            "file": "malformed.json",
            "exit": 2,
            "failing": [],
            "args": [],
            "stderr": "$: JSON 格式错误",
        },
        {
            "file": "wrong-type.json",
            "exit": 2,
            "failing": [],
            "args": [],
            "stderr": "$.call_year: 应为整数",
        },
        {
            "file": "wrong-enum.json",
            "exit": 2,
            "failing": [],
            "args": [],
            "stderr": "$.members[2].kind: 取值应为 enterprise, university",
        },
        {
            "file": "unknown-key.json",
            "exit": 2,
            "failing": [],
            "args": [],
            "stderr": "$.members[1].phone: 未知字段",
        },
    ]


def readme(rows: list[Data]) -> str:
    table = [
        "| 文件 file | 参数 args | 退出码 exit | 不通过的规则 failing rule / 标准错误 stderr |",
        "| --- | --- | --- | --- |",
    ]
    for row in rows:
        detail = ", ".join(f"`{r}`" for r in row["failing"]) or (
            f"`{row['stderr']}…`" if "stderr" in row else "—"
        )
        args = " ".join(row["args"]) or "—"
        table.append(f"| `{row['file']}` | {args} | {row['exit']} | {detail} |")
    return README.format(table="\n".join(table))


README = """# 示例申报文件 / Example proposals

本目录由 `generate.py` 生成，请勿手工修改；重新生成：

```
uv run python docs/examples/generate.py
```

- `<profile>-valid.json`：四个政策配置（河南、黑龙江、洛阳、保定）各一份符合全部规则的申报，
  `submitted_at` 在相应申报通知或政策有效期内，因此结果与运行时间无关。
- `<profile>-fail-<rule>.json`：在合格申报基础上只改一处，恰好使该规则不通过。
  `call.focus_area` 是建议性规则，不通过时退出码仍为 0。
- `alliance.unique_in_field` 需与已有联盟比对：无数据库时用 `--existing henan-existing.json` 提供名单。
- `legacy-registry.json`：本系统启用前已作出决定的联盟（历史名录），不是申报文件；
  `lianmeng alliance import docs/examples/legacy-registry.json` 导入联盟名录，演示数据也载入它。
- `malformed.json`、`wrong-type.json`、`wrong-enum.json`、`unknown-key.json`：不是有效的申报文件，
  退出码 2，标准错误输出一行，指明 JSON 路径和错误。
- `expected.json`：下表的机器可读版本，供测试使用；“参数”列中的文件名相对于本目录。

单位名称均为虚构；统一社会信用代码由登记管理部门和机构类别代码、所在地行政区划代码和按 GB 11714
计算的组织机构代码组成，校验位由 `stdnum.cn.uscc.calc_check_digit` 计算，不对应真实单位。

示例 / example:

```
uv run lianmeng check docs/examples/henan-valid.json
uv run lianmeng check docs/examples/henan-fail-alliance.unique_in_field.json --existing docs/examples/henan-existing.json
```

---

This directory is generated by `generate.py`; do not edit by hand. One valid proposal per policy
profile (dated inside its call or validity window, so the outcome does not depend on today's date),
one variant per applied rule that fails exactly that rule, and four files that are not valid
proposals (exit 2, one line on standard error naming the JSON path). `expected.json` is the table
below in machine-readable form (file names in the args column are relative to this directory); the
tests use it. `legacy-registry.json` is not a proposal: it lists alliances decided before the
system, for `lianmeng alliance import` (the demo loads it). Organisations are invented; identity codes are
synthetic but carry correct check characters and the region digits of the place named.

{table}
"""


if __name__ == "__main__":
    for row in build():
        print(row["exit"], row["file"], " ".join(row["args"]))
