"""建议书各部分的在线填报（M-11）：字段定义、逐项转换与保存。

Each section of the 建议书 (seed 001 附件 1, 一 to 十 and the agreement's key facts) is a
declarative list of fields mapped to JSON paths of the interchange document. Saving a
section never loses a value: a valid value is written into ``proposal.document`` (an empty
input removes the key), an invalid one keeps its raw text in
``proposal.form_state[section][field]`` with its error, and the rest of the section is
saved anyway; the error is said again in the reader's language whenever it is shown
(:func:`kept_error`). Two staff of the lead unit may edit at the same time: a form posted
from an older revision is refused when the section changed in between (see
:func:`proposal_section_save`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from lianmeng.core.errors import Conflict, NotFound, ValidationFailed
from lianmeng.core.models import User
from lianmeng.policy.loader import UnknownProfileError, get_profile

from .editing import document_saved, lock_for_edit
from .form_fields import (
    FieldInvalid,
    FieldSpec,
    display_value,
    get_path,
    remove_path,
    set_path,
)
from .models import Proposal

__all__ = [
    "SECTIONS",
    "BoundField",
    "SaveResult",
    "Section",
    "bind_section",
    "field_for_path",
    "form_errors",
    "get_section",
    "kept_error",
    "proposal_section_save",
    "section_fingerprint",
    "section_values",
]

F = FieldSpec
WAN = _("万元")
PEOPLE = _("人")
ITEMS = _("项")
TIMES = _("次")


# -- choices (labels as the seed prints them) ---------------------------------------------

DOMAINS = (
    ("industry", _("工业")),
    ("agriculture", _("农业")),
    ("social_development", _("社会发展")),
)
LEVELS = (("national", _("国家级")), ("provincial", _("省级")), ("municipal", _("市级")))
NATURES = (
    ("enterprise", _("企业")),
    ("research_institute", _("科研院所")),
    ("university", _("高等学校")),
    ("other", _("其他")),
)
REGISTRATION_TYPES = (
    ("state_owned", _("国有企业")),
    ("limited_company", _("有限公司")),
    ("joint_stock", _("股份有限公司")),
    ("private", _("私营企业")),
    ("hk_macao_taiwan", _("港澳台投资企业")),
    ("foreign", _("外商投资企业")),
    ("other", _("其他")),
)
QUALIFICATIONS = (
    ("high_tech_enterprise", _("高新技术企业")),
    ("engineering_research_center", _("工程技术研究中心")),
    ("key_laboratory", _("重点实验室")),
    ("engineering_research_centre_ndrc", _("工程研究中心")),
    ("engineering_laboratory", _("工程实验室")),
    ("innovative_enterprise", _("创新型企业")),
    ("other", _("其他")),
)
CATEGORY_NUMERALS = {1: _("一类"), 2: _("二类"), 3: _("三类")}
YES_NO = (_("是"), _("否"))


# -- sections -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """A block of fields under one heading, laid out as the seed's table lays them out."""

    title: Any
    fields: tuple[FieldSpec, ...]
    help: Any = ""
    #: columns of the grid on wide screens (label + input pairs per row)
    columns: int = 2
    #: "grid", or "yesno": a table of 有/无 questions as the seed prints them
    layout: str = "grid"


@dataclass(frozen=True)
class KpiCell:
    """One column of the KPI table: a heading and one or two inputs with their units."""

    label: Any
    fields: tuple[tuple[Any, str, Any], ...]  # (sub-label, field name, unit)


@dataclass(frozen=True)
class KpiRow:
    label: Any
    lines: tuple[tuple[KpiCell, ...], ...]
    help: Any = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: Any
    groups: tuple[Group, ...]
    intro: Any = ""
    template: str = "proposals/sections/section.html"
    kpi_rows: tuple[KpiRow, ...] = ()

    def all_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(spec for group in self.groups for spec in group.fields)

    def fields_for(self, profile_id: str) -> tuple[FieldSpec, ...]:
        return tuple(spec for spec in self.all_fields() if spec.applies_to(profile_id))

    def field(self, name: str) -> FieldSpec | None:
        return next((spec for spec in self.all_fields() if spec.name == name), None)


def _kpi_pairs(prefix: str, kinds: tuple[tuple[str, Any, Any, Any], ...]) -> tuple[KpiCell, ...]:
    """Cells of 申请/授权 (or 研制/批准) pairs: (key, heading, first label, second label)."""
    first, second = ("applied", "granted") if prefix == "ip" else ("drafted", "approved")
    return tuple(
        KpiCell(
            heading,
            (
                (label_a, f"expected_kpis.{prefix}.{key}.{first}", ITEMS),
                (label_b, f"expected_kpis.{prefix}.{key}.{second}", ITEMS),
            ),
        )
        for key, heading, label_a, label_b in kinds
    )


def _kpi_singles(prefix: str, kinds: tuple[tuple[str, Any], ...], unit: Any) -> tuple[KpiCell, ...]:
    return tuple(
        KpiCell(heading, (("", f"expected_kpis.{prefix}.{key}", unit),)) for key, heading in kinds
    )


def _kpi_deals(
    prefix: str, kinds: tuple[tuple[str, Any], ...], count_label: Any, amount_label: Any
) -> tuple[KpiCell, ...]:
    return tuple(
        KpiCell(
            heading,
            (
                (count_label, f"expected_kpis.{prefix}.{key}.count", ITEMS),
                (amount_label, f"expected_kpis.{prefix}.{key}.amount", WAN),
            ),
        )
        for key, heading in kinds
    )


_APPLY, _GRANT = _("申请"), _("授权")
KPI_ROWS: tuple[KpiRow, ...] = (
    KpiRow(
        _("实际投入经费"),
        (
            _kpi_singles(
                "funding",
                (
                    ("lead_unit", _("牵头单位投入")),
                    ("other_members", _("其他成员单位投入")),
                    ("government", _("政府资助")),
                ),
                WAN,
            ),
        ),
    ),
    KpiRow(
        _("实际投入人员"),
        (
            _kpi_singles(
                "personnel",
                (
                    ("researchers", _("科研人员")),
                    ("engineers", _("工程技术人员")),
                    ("managers", _("管理人员")),
                ),
                PEOPLE,
            ),
        ),
    ),
    KpiRow(
        _("取得核心技术突破"),
        ((KpiCell("", (("", "expected_kpis.core_breakthroughs", ITEMS),)),),),
    ),
    KpiRow(
        _("形成自主知识产权"),
        (
            _kpi_pairs(
                "ip",
                (
                    ("invention_patents", _("发明专利"), _APPLY, _GRANT),
                    ("utility_patents", _("实用新型专利"), _APPLY, _GRANT),
                    ("design_patents", _("外观设计专利"), _APPLY, _GRANT),
                    ("plant_varieties", _("植物新品种"), _APPLY, _GRANT),
                ),
            ),
            _kpi_pairs(
                "ip",
                (
                    ("new_drug_certificates", _("新药证书"), _APPLY, _("获批")),
                    ("software_copyrights", _("软件著作权"), _("产生"), _("登记")),
                    ("ic_layouts", _("集成电路布图设计专有权"), _("投入利用"), _("登记")),
                ),
            ),
        ),
    ),
    KpiRow(
        _("形成技术标准"),
        (
            _kpi_pairs(
                "standards",
                (
                    ("international", _("国际标准"), _("研制"), _("批准")),
                    ("national", _("国家标准"), _("研制"), _("批准")),
                    ("industry", _("行业标准"), _("研制"), _("批准")),
                    ("alliance", _("联盟内部标准或规范"), _("研制"), _("批准")),
                ),
            ),
        ),
    ),
    KpiRow(
        _("合作创新项目"),
        (
            _kpi_deals(
                "projects",
                (("national", _("国家级")), ("provincial", _("省部级"))),
                _("项目数"),
                _("项目经费"),
            ),
        ),
    ),
    KpiRow(
        _("人才引进及培养"),
        (
            _kpi_singles(
                "talent",
                (
                    ("high_level", _("高层次")),
                    ("phd", _("博士")),
                    ("master", _("硕士")),
                    ("other", _("其他")),
                ),
                PEOPLE,
            ),
        ),
    ),
    KpiRow(
        _("科技成果转移转化"),
        (
            _kpi_deals(
                "tech_transfer",
                (
                    ("development", _("技术开发")),
                    ("transfer", _("技术转让")),
                    ("consulting", _("技术咨询")),
                    ("service", _("技术服务")),
                ),
                _("合同数"),
                _("成交额"),
            ),
        ),
    ),
    KpiRow(
        _("项目获奖"),
        (_kpi_singles("awards", (("national", _("国家级")), ("provincial", _("省部级"))), ITEMS),),
    ),
    KpiRow(
        _("研发平台建设"),
        (
            _kpi_singles(
                "platforms", (("national", _("国家级")), ("provincial", _("省部级"))), _("个")
            ),
        ),
        help=_("工程中心、重点实验室、新型研发机构等"),
    ),
)


def _kpi_fields() -> tuple[FieldSpec, ...]:
    specs = []
    for row in KPI_ROWS:
        for line in row.lines:
            for cell in line:
                for sub_label, name, unit in cell.fields:
                    label = (
                        format_lazy("{} · {}", row.label, cell.label) if cell.label else row.label
                    )
                    if sub_label:
                        label = format_lazy("{} · {}", label, sub_label)
                    specs.append(F(name, label, unit=unit))
    specs.append(
        F(
            "expected_kpis.other",
            _("其他指标"),
            widget="textarea",
            rows=4,
            help=_("上表未列出的预期指标，如新产品、新工艺、示范工程等"),
        )
    )
    return tuple(specs)


def _text_section(key: str, title: Any, name: str, help_text: Any) -> Section:
    return Section(
        key,
        title,
        (Group(None, (F(name, title, widget="textarea", help=help_text),), columns=1),),
    )


SECTIONS: dict[str, Section] = {
    section.key: section
    for section in (
        Section(
            "facts",
            _("一、联盟基本情况"),
            (
                Group(
                    _("联盟"),
                    (
                        F(
                            "name",
                            _("联盟名称"),
                            help=_("2–100 字，如“河南省×××产业技术创新战略联盟”"),
                            placeholder=_("河南省×××产业技术创新战略联盟"),
                            full=True,
                        ),
                        F("domain", _("所属领域"), choices=DOMAINS),
                        F(
                            "focus_area",
                            _("重点领域"),
                            widget="datalist",
                            dynamic="focus_areas",
                            help=_("从申报通知的重点领域中选择，或直接填写"),
                        ),
                        F("level", _("联盟级别"), widget="select", choices=LEVELS),
                        F("industry", _("产业（行业）"), help=_("如：铝加工、现代种业")),
                        F("product", _("产品（品种）"), help=_("如：高性能铝合金板带箔")),
                        F(
                            "category",
                            _("备案类别"),
                            dynamic="categories",
                            profiles=frozenset({"baoding"}),
                            help=_("《保定市推进产业创新战略联盟建设实施办法》第八条"),
                        ),
                        F("recommender.name", _("推荐单位"), help=_("推荐部门的全称")),
                    ),
                ),
                Group(
                    _("联盟联系人"),
                    (
                        F("contact.name", _("联系人")),
                        F(
                            "contact.phone",
                            _("电话"),
                            widget="phone",
                            placeholder="0371-64581230",
                            help=_("固定电话写明区号，分机号写在后面；也可填手机号码"),
                        ),
                        F("contact.fax", _("传真"), widget="fax", placeholder="0371-64581231"),
                        F("contact.mobile", _("手机"), widget="mobile", placeholder="13812345678"),
                        F("contact.email", _("电子邮箱"), widget="email"),
                    ),
                ),
                Group(
                    None,
                    (
                        F(
                            "texts.lead_unit_standing",
                            _("牵头单位在行业（领域）中的地位"),
                            widget="textarea",
                            help=_("技术水平、市场地位、研发平台、承担项目等"),
                        ),
                    ),
                    columns=1,
                ),
            ),
        ),
        Section(
            "lead",
            _("二、牵头单位基本情况"),
            (
                Group(
                    _("单位概况"),
                    (
                        F("lead_unit.nature", _("单位性质"), choices=NATURES),
                        F(
                            "lead_unit.registration_type",
                            _("企业登记注册类型"),
                            choices=REGISTRATION_TYPES,
                            help=_("单位性质为企业时填写"),
                        ),
                        F("lead_unit.registered_on", _("注册时间")),
                        F("lead_unit.address", _("通讯地址"), full=True),
                        F("lead_unit.postcode", _("邮编"), placeholder="450001"),
                        F("lead_unit.industrial_cluster", _("所在省产业集聚区")),
                        F("lead_unit.high_tech_zone", _("所在省级及以上高新区")),
                        F(
                            "lead_unit.free_trade_zone",
                            _("所在自由贸易试验区片区"),
                            help=_(
                                "位于自贸区内的，由片区管委会负责审核（《关于组织申报2020年河南省产业技术创新战略联盟的通知》三(四)）"
                            ),
                        ),
                        F(
                            "lead_unit.qualifications",
                            _("获得省级及以上技术研发资质情况"),
                            choices=QUALIFICATIONS,
                            help=_("可多选"),
                        ),
                    ),
                ),
                Group(
                    _("人员"),
                    (
                        F("lead_unit.employees", _("职工总数"), unit=PEOPLE),
                        F("lead_unit.mid_title_staff", _("中级职称技术人员"), unit=PEOPLE),
                        F("lead_unit.senior_title_staff", _("高级职称技术人员"), unit=PEOPLE),
                    ),
                    columns=3,
                ),
                Group(
                    _("经营与研发（上年度）"),
                    (
                        F("lead_unit.registered_capital", _("单位注册资金"), unit=WAN),
                        F("lead_unit.total_assets", _("上年末总资产"), unit=WAN),
                        F("lead_unit.revenue", _("上年度营业总收入"), unit=WAN),
                        F(
                            "lead_unit.net_profit",
                            _("上年度净利润"),
                            unit=WAN,
                            help=_("亏损填负数"),
                        ),
                        F("lead_unit.tax_paid", _("上年度纳税总额"), unit=WAN),
                        F("lead_unit.export_usd_wan", _("上年度出口创汇"), unit=_("万美元")),
                        F("lead_unit.debt_ratio_pct", _("上年末资产负债率"), unit="%"),
                        F("lead_unit.rd_expense", _("上年度研发费用总额"), unit=WAN),
                    ),
                    help=_("金额以万元计，可保留两位小数"),
                ),
            ),
        ),
        Section(
            "governance",
            _("四、联盟运行管理基本情况"),
            (
                Group(
                    _("组织机构人数"),
                    (
                        F("governance.council_size", _("理事会"), unit=PEOPLE),
                        F("governance.expert_committee_size", _("专家委员会"), unit=PEOPLE),
                    ),
                ),
                Group(
                    _("组织机构设置"),
                    (
                        F("governance.has_decision_body", _("决策机构（理事会）")),
                        F("governance.has_advisory_body", _("咨询机构（专家委员会）")),
                        F("governance.has_executive_body", _("执行机构")),
                        F("governance.has_office", _("联盟工作办公室（秘书处）")),
                    ),
                    layout="yesno",
                ),
                Group(
                    _("本年度召开各类会议次数"),
                    (
                        F("governance.meetings.member_assembly", _("成员大会"), unit=TIMES),
                        F("governance.meetings.council", _("理事会"), unit=TIMES),
                        F("governance.meetings.supervisory_board", _("监事会"), unit=TIMES),
                        F("governance.meetings.expert_committee", _("专家委员会"), unit=TIMES),
                        F("governance.meetings.annual", _("年会"), unit=TIMES),
                    ),
                    columns=3,
                ),
                Group(
                    _("秘书处专职人员"),
                    (
                        F(
                            "governance.secretariat_fulltime_staff",
                            _("秘书处专职人员"),
                            unit=PEOPLE,
                        ),
                        F("governance.staff_sources.recruited", _("社会招聘"), unit=PEOPLE),
                        F(
                            "governance.staff_sources.lead_unit",
                            _("秘书长或理事长单位提供"),
                            unit=PEOPLE,
                        ),
                        F(
                            "governance.staff_sources.other_members",
                            _("其他成员单位提供"),
                            unit=PEOPLE,
                        ),
                    ),
                    help=_("专职人员来源之和应等于秘书处专职人员数"),
                ),
                Group(
                    _("本年度办公运行经费"),
                    (
                        F("governance.operating_budget", _("办公运行经费"), unit=WAN),
                        F(
                            "governance.budget_sources.member_fees",
                            _("成员单位分摊（或盟员费）"),
                            unit=WAN,
                        ),
                        F("governance.budget_sources.lead_unit", _("牵头单位提供"), unit=WAN),
                        F("governance.budget_sources.market", _("市场收入"), unit=WAN),
                        F("governance.budget_sources.other", _("其他"), unit=WAN),
                    ),
                    help=_("各来源所占比例由系统按办公运行经费计算"),
                ),
                Group(
                    _("管理制度"),
                    (
                        F("governance.rules.charter", _("联盟章程或协议")),
                        F("governance.rules.project_management", _("项目管理制度")),
                        F("governance.rules.fund_management", _("经费管理制度")),
                        F("governance.rules.personnel_management", _("人员管理制度")),
                        F("governance.rules.ip_management", _("知识产权管理制度")),
                        F("governance.rules.standards_management", _("标准化管理制度")),
                        F("governance.standards_committee", _("联盟标准化委员会")),
                        F("governance.ip_staff", _("专门的知识产权管理部门或人员")),
                        F("governance.patent_pool", _("联盟专利池")),
                    ),
                    layout="yesno",
                ),
            ),
        ),
        _text_section(
            "background",
            _("五、联盟构建背景和必要性"),
            "texts.background",
            _("产业发展现状、存在的主要问题，以及构建联盟的必要性"),
        ),
        _text_section(
            "plan",
            _("六、联盟计划和目标"),
            "texts.plan",
            _("建设期内的主要任务、分年度计划和预期目标"),
        ),
        Section(
            "kpis",
            _("七、联盟预期完成绩效指标"),
            (Group(None, _kpi_fields(), columns=1),),
            template="proposals/sections/kpis.html",
            kpi_rows=KPI_ROWS,
            intro=_("按建设期内预期完成的数量填写；没有的项目可留空。"),
        ),
        _text_section(
            "foundation",
            _("八、现有工作基础、条件与优势"),
            "texts.foundation",
            _("已开展的前期工作，主要成员单位在技术、设备、人才和资金等方面的条件和优势"),
        ),
        _text_section(
            "benefits",
            _("九、主要经济、社会、环境效益及对相关产业发展的促进与带动作用"),
            "texts.benefits",
            _("预期新增产值、带动就业、节能减排及对产业链的带动"),
        ),
        _text_section(
            "opinion",
            _("十、战略联盟牵头单位意见"),
            "texts.lead_unit_opinion",
            _("打印后由单位负责人签名并加盖公章"),
        ),
        Section(
            "agreement_facts",
            _("联盟协议要点"),
            (
                Group(
                    _("协议"),
                    (
                        F("agreement.signed_on", _("协议签署日期")),
                        F("agreement.term_years", _("协议期限"), unit=_("年")),
                        F(
                            "agreement.external_liability_party",
                            _("对外承担责任的主体"),
                            help=_("联盟不具有法人资格时，由哪一成员单位代表联盟对外承担责任"),
                        ),
                    ),
                ),
                Group(
                    _("协议载明的内容"),
                    (
                        F("agreement.legally_binding", _("具有法律约束力"), yes_no=YES_NO),
                        F(
                            "agreement.has_innovation_goals",
                            _("明确的技术创新目标"),
                            yes_no=YES_NO,
                        ),
                        F("agreement.has_task_division", _("成员任务分工"), yes_no=YES_NO),
                        F(
                            "agreement.has_ip_and_benefit_rules",
                            _("成果与知识产权归属及收益分配"),
                            yes_no=YES_NO,
                        ),
                        F("agreement.has_liability_clause", _("违约责任"), yes_no=YES_NO),
                        F(
                            "agreement.has_join_exit_rules",
                            _("成员加入与退出机制"),
                            yes_no=YES_NO,
                        ),
                        F(
                            "agreement.has_dissemination_duty",
                            _("公共财政资助成果的扩散义务"),
                            yes_no=YES_NO,
                        ),
                        F(
                            "agreement.has_dissolution_rules",
                            _("解散条件与程序"),
                            yes_no=YES_NO,
                        ),
                    ),
                    layout="yesno",
                ),
                Group(
                    None,
                    (
                        F(
                            "texts.chain_tasks",
                            _("围绕产业链部署创新链的任务分工"),
                            widget="textarea",
                            profiles=frozenset({"baoding"}),
                            help=_("《保定市推进产业创新战略联盟建设实施办法》第三条"),
                        ),
                    ),
                    columns=1,
                ),
            ),
            intro=_("联盟协议书全文在“联盟协议书”部分填写或上传；此处填写资格预审所需的要点。"),
        ),
    )
}

SECTION_KEYS: tuple[str, ...] = tuple(SECTIONS)


def get_section(key: str) -> Section:
    try:
        return SECTIONS[key]
    except KeyError:
        raise NotFound(gettext("没有这一部分，请从左侧目录中选择。")) from None


# -- where a JSON path is filled in -------------------------------------------------------

#: parts of the document filled outside the sections (roster, materials)
_OTHER_PARTS = {"members": "members", "materials": "materials"}


def field_for_path(path: str) -> tuple[str, str | None]:
    """The editor part (and field) where ``$.lead_unit.employees`` or ``$.name`` is filled.

    Returns ``(part key, field name or None)``; unknown paths go to the first section.
    """
    dotted = path.removeprefix("$").lstrip(".")
    dotted = dotted.split("[", 1)[0]
    best: tuple[str, str | None] | None = None
    for key, section in SECTIONS.items():
        for spec in section.all_fields():
            if spec.name == dotted:
                return key, spec.name
            if best is None and (
                spec.name.startswith(dotted + ".") or dotted.startswith(spec.name + ".")
            ):
                best = (key, spec.name)
    if best:
        return best
    head = dotted.split(".", 1)[0]
    if head in _OTHER_PARTS:
        return _OTHER_PARTS[head], None
    prefixes = {
        "lead_unit": "lead",
        "governance": "governance",
        "agreement": "agreement_facts",
        "expected_kpis": "kpis",
        "contact": "facts",
    }
    return prefixes.get(head, "facts"), None


# -- reading a section --------------------------------------------------------------------


def section_values(proposal: Proposal, section: Section) -> dict[str, Any]:
    """The stored JSON values of the section's fields (absent ones left out)."""
    values = {}
    for spec in section.fields_for(proposal.profile):
        value = get_path(proposal.document or {}, spec.path)
        if value is not None:
            values[spec.name] = value
    return values


def section_state(proposal: Proposal, section_key: str) -> dict[str, dict[str, str]]:
    """Raw texts that did not validate: ``{field: {"value": raw, "error": message}}``."""
    state = (proposal.form_state or {}).get(section_key) or {}
    return {name: entry for name, entry in state.items() if isinstance(entry, dict)}


def kept_error(spec: FieldSpec | None, entry: Mapping[str, Any]) -> str:
    """The error of a kept raw text, said in the active language.

    The message stored with the draft is in the language of whoever saved it; it is worked
    out again from the kept text so that a colleague reading in English sees English. The
    stored message stands when the field is gone from the form or the text now validates
    (the form changed since): the applicant still has to look at it.
    """
    stored = str(entry.get("error", ""))
    if spec is None:
        return stored
    try:
        spec.convert(str(entry.get("value", "")))
    except FieldInvalid as exc:
        return exc.message
    return stored


def form_errors(proposal: Proposal) -> dict[str, dict[str, str]]:
    """Every section's invalid fields, ``{section: {field: message}}`` (submission refuses
    while this is not empty: the document would not say what the applicant typed)."""
    found = {}
    for key in SECTIONS:
        errors = {
            name: kept_error(SECTIONS[key].field(name), entry)
            for name, entry in section_state(proposal, key).items()
        }
        if errors:
            found[key] = errors
    return found


def section_fingerprint(proposal: Proposal, section: Section) -> str:
    """A short hash of what the section holds (values and kept raw texts).

    A form carries it with its revision: when the revision is stale but the section is
    unchanged, a colleague changed another part only and the save can go ahead.
    """
    payload = {
        "values": section_values(proposal, section),
        "state": section_state(proposal, section.key),
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def field_choices(proposal: Proposal, spec: FieldSpec) -> tuple[tuple[Any, Any], ...]:
    if spec.dynamic == "focus_areas":
        return tuple((area, area) for area in focus_areas_for(proposal))
    if spec.dynamic == "categories":
        try:
            categories = get_profile(proposal.profile).categories
        except UnknownProfileError:
            return ()
        return tuple(
            (
                cited.value.number,
                f"{CATEGORY_NUMERALS[cited.value.number]}：{cited.value.name}",
            )
            for cited in categories
        )
    return spec.choices


def focus_areas_for(proposal: Proposal) -> list[str]:
    """The call's focus areas, else the profile's call of that year, else the profile's."""
    call = getattr(proposal, "call", None) if proposal.call_id else None
    if call is not None and call.focus_areas:
        return [str(area) for area in call.focus_areas]
    try:
        profile = get_profile(proposal.profile)
    except UnknownProfileError:
        return []
    year_call = profile.call_for(proposal.call_year) if proposal.call_year else None
    if year_call is not None and year_call.focus_areas:
        return list(year_call.focus_areas.value)
    return list(profile.focus_areas.value) if profile.focus_areas else []


@dataclass
class BoundField:
    """A field as the page shows it: the raw text kept or the stored value, and its error."""

    spec: FieldSpec
    value: str
    error: str = ""
    choices: tuple[tuple[Any, Any], ...] = ()
    #: what a colleague saved meanwhile, shown beside the field after a refused save
    theirs: str | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def id(self) -> str:
        return "f-" + self.spec.name.replace(".", "-").replace("_", "-")

    @property
    def label(self) -> Any:
        return self.spec.label

    @property
    def widget(self) -> str:
        return self.spec.resolved_widget

    @property
    def selected(self) -> list[str]:
        return [part for part in self.value.split(",") if part]

    @property
    def options(self) -> list[dict[str, Any]]:
        selected = set(self.selected) if self.widget == "checks" else {self.value}
        return [
            {"value": str(value), "label": label, "checked": str(value) in selected}
            for value, label in self.choices
        ]

    @property
    def wide(self) -> bool:
        """Takes the whole width: texts, check boxes and long rows of radio buttons."""
        widget = self.widget
        return (
            self.spec.full
            or widget in ("textarea", "checks")
            or (widget == "radio" and len(self.choices) > 3)
        )

    @property
    def length(self) -> int:
        return len(self.value.replace("\r\n", "\n").strip())

    @property
    def over_limit(self) -> bool:
        return self.spec.max_length is not None and self.length > self.spec.max_length


def bind_section(
    proposal: Proposal, section: Section, posted: Mapping[str, str] | None = None
) -> dict[str, BoundField]:
    """Bound fields by name: the posted text, else the kept raw text, else the stored value."""
    state = section_state(proposal, section.key)
    bound = {}
    for spec in section.fields_for(proposal.profile):
        stored = display_value(spec, get_path(proposal.document or {}, spec.path))
        kept = state.get(spec.name)
        value = kept.get("value", "") if kept else stored
        error = kept_error(spec, kept) if kept else ""
        theirs = None
        if posted is not None and spec.name in posted:
            value, error = posted[spec.name], ""
            if _normalised(spec, value) != _normalised(spec, stored if not kept else kept["value"]):
                theirs = kept["value"] if kept else stored
        bound[spec.name] = BoundField(spec, value, error, field_choices(proposal, spec), theirs)
    return bound


def _normalised(spec: FieldSpec, raw: str) -> Any:
    try:
        return spec.convert(raw)
    except FieldInvalid:
        return raw.strip()


# -- saving -------------------------------------------------------------------------------


@dataclass
class SaveResult:
    proposal: Proposal
    revision: int
    fingerprint: str
    #: names of the fields whose stored value or kept text changed
    changed: list[str] = field(default_factory=list)
    #: invalid fields: name → message in the active language (their raw text is kept)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def saved(self) -> bool:
        return bool(self.changed)


STALE_MESSAGE = _(
    "同事在您打开本页后修改并保存了这一部分。为免覆盖同事的内容，本次未保存；"
    "您填写的内容仍在页面上，请核对后再保存。"
)


def _own_path(document: dict[str, Any], path: Sequence[str], owned: set[int]) -> None:
    """Copy the objects on ``path`` that this save has not copied yet, so that writing the
    field never changes the document the proposal was loaded with."""
    node = document
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            return
        if id(child) not in owned:
            child = dict(child)
            node[key] = child
            owned.add(id(child))
        node = child


def proposal_section_save(
    *,
    actor: User,
    pk: int,
    section: str,
    data: Mapping[str, str],
    revision: int,
    base: str | None = None,
) -> SaveResult:
    """Save the typed texts ``data`` (field name → text) of one section of the 建议书.

    Fields absent from ``data`` are left as they are; an empty text removes the value. A
    text that does not validate is kept as typed in ``form_state`` with its error
    and the value leaves the document, while the section's other fields are saved anyway.

    ``revision`` is the revision the form was rendered from. When another save came in
    between, the save is refused (``Conflict``) unless ``base`` — the section's fingerprint
    when the form was rendered — shows that this section itself did not change.
    """
    spec_section = get_section(section)
    if not isinstance(revision, int) or isinstance(revision, bool):
        raise ValidationFailed(gettext("缺少表单版本号（revision），请刷新页面后再保存。"))
    with transaction.atomic():
        # a section lives in ``document`` and ``form_state`` only: the writeups and
        # explanations (often the largest columns) are neither read nor written back
        proposal = lock_for_edit(actor=actor, pk=pk, defer=("writeups", "explanations"))
        if revision != proposal.revision and (
            base is None or base != section_fingerprint(proposal, spec_section)
        ):
            raise Conflict(
                str(STALE_MESSAGE),
                details={"revision": proposal.revision, "section": section},
            )
        fields = {spec.name: spec for spec in spec_section.fields_for(proposal.profile)}
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise ValidationFailed(
                gettext("这一部分没有字段：%(fields)s。")
                % {"fields": pgettext("list separator", "、").join(unknown)},
                details={"unknown": unknown, "section": section},
            )
        # copied on write: only the objects on the paths of this section's fields are copied,
        # not the whole document (a 60-member roster is most of it)
        document = dict(proposal.document or {})
        owned: set[int] = {id(document)}
        state = dict(proposal.form_state or {})
        kept = dict(state[section]) if isinstance(state.get(section), dict) else {}
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, raw in data.items():
            spec = fields[name]
            raw = "" if raw is None else str(raw)
            old_value = get_path(document, spec.path)
            old_kept = kept.get(name)
            _own_path(document, spec.path, owned)
            try:
                value = spec.convert(raw)
            except FieldInvalid as exc:
                errors[name] = exc.message
                entry = {"value": raw.replace("\r\n", "\n"), "error": exc.message}
                kept[name] = entry
                remove_path(document, spec.path)
                new_repr: Any = {"invalid": entry["value"]}
            else:
                kept.pop(name, None)
                if value is None:
                    remove_path(document, spec.path)
                else:
                    set_path(document, spec.path, value)
                new_repr = value
            old_repr = {"invalid": old_kept["value"]} if old_kept else old_value
            if old_repr != new_repr:
                before[name] = old_repr
                after[name] = new_repr
        if kept:
            state[section] = kept
        else:
            state.pop(section, None)
        if not after:
            return SaveResult(
                proposal, proposal.revision, section_fingerprint(proposal, spec_section), [], errors
            )
        proposal.document = document
        proposal.form_state = state
        document_saved(
            actor=actor,
            proposal=proposal,
            action="lianmeng.proposal.section.saved",
            before={"section": section, **before},
            after={"section": section, **after},
        )
    return SaveResult(
        proposal,
        proposal.revision,
        section_fingerprint(proposal, spec_section),
        sorted(after),
        errors,
    )
