"""成员名单的 Excel 模板、导入（逐行报错、好行保留）与导出往返。"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from lianmeng.core.models import AuditEntry
from lianmeng.proposals import roster
from lianmeng.proposals.models import Proposal

from .conftest import upload
from .xlsx_fixtures import (
    CHECK_DIGIT_ROW,
    DUPLICATE_ROW,
    DUPLICATED_ROW,
    good_rows,
    make_uscc,
    roster_xlsx_with_bad_rows,
    workbook_from_rows,
)

pytestmark = pytest.mark.django_db


def test_twelve_rows_with_two_bad_ones_add_ten_and_report_the_two(small_draft, lead_staff):
    proposal = small_draft()
    user = lead_staff(proposal)

    report = roster.roster_import_xlsx(
        actor=user, pk=proposal.pk, file=upload(roster_xlsx_with_bad_rows())
    )

    assert report.added == 10
    assert [row for row, _ in report.errors] == [CHECK_DIGIT_ROW, DUPLICATE_ROW]
    reasons = dict(report.errors)
    assert "校验位错误" in reasons[CHECK_DIGIT_ROW]
    assert reasons[DUPLICATE_ROW] == f"统一社会信用代码与第 {DUPLICATED_ROW} 行重复"
    # the good rows are kept, in file order, after the lead unit
    proposal = Proposal.objects.get(pk=proposal.pk)
    names = [m["name"] for m in proposal.document["members"]]
    assert len(names) == 11 and proposal.member_count == 11
    assert names[0] == "洛阳某某轴承集团有限公司"
    assert names[1:4] == ["洛阳精密轴承有限公司", "河南科技大学", "洛阳特种钢材有限公司"]
    assert "洛阳特种钢材有限公司（重复填报）" not in names
    # one audit entry for the whole import, with its counts
    entry = AuditEntry.objects.get(action="lianmeng.proposal.roster.imported")
    assert entry.summary["after"]["added"] == 10
    assert entry.summary["after"]["refused"] == 2
    assert entry.summary["after"]["refused_rows"] == [CHECK_DIGIT_ROW, DUPLICATE_ROW]


def test_imported_rows_carry_labels_back_to_enum_values(small_draft, lead_staff):
    proposal = small_draft()
    roster.roster_import_xlsx(
        actor=lead_staff(proposal), pk=proposal.pk, file=upload(roster_xlsx_with_bad_rows())
    )
    proposal.refresh_from_db()
    university = proposal.document["members"][2]
    assert university["kind"] == "university"
    assert university["chain_position"] == "upstream"
    assert university["platforms"] == [
        {"name": "高端轴承摩擦学技术与应用国家地方联合工程实验室", "level": "national"}
    ]
    assert university["liaison"] == {
        "name": "联络人2",
        "mobile": "13803790001",
        "email": "contact2@example.cn",
    }


def test_a_unit_already_in_the_roster_is_refused_at_its_row(small_draft, lead_staff):
    proposal = small_draft()
    user = lead_staff(proposal)
    rows = good_rows(count=2)
    roster.roster_import_xlsx(actor=user, pk=proposal.pk, file=upload(workbook_from_rows(rows)))

    again = roster.roster_import_xlsx(
        actor=user, pk=proposal.pk, file=upload(workbook_from_rows(rows))
    )

    assert again.added == 0
    assert [row for row, _ in again.errors] == [2, 3]
    assert "成员名单第 2 位“洛阳精密轴承有限公司”重复" in again.errors[0][1]


def test_english_ids_platform_lists_and_continuation_rows_are_read(small_draft, lead_staff):
    proposal = small_draft()
    code = make_uscc("410305", 81_001)
    content = workbook_from_rows(
        [
            {
                "单位名称": "洛阳甲公司",
                "单位类别": "enterprise",
                "统一社会信用代码": code,
                "产业链位置": "downstream",
                "研发平台名称": "甲平台；乙平台",
                "平台级别": "省级；national",
                "平台类别": "企业技术中心；重点实验室",
            },
            {"研发平台名称": "丙平台", "平台级别": "市级"},
        ]
    )
    report = roster.roster_import_xlsx(
        actor=lead_staff(proposal), pk=proposal.pk, file=upload(content)
    )
    assert (report.added, report.errors) == (1, [])
    proposal.refresh_from_db()
    member = proposal.document["members"][1]
    assert member["kind"] == "enterprise" and member["chain_position"] == "downstream"
    assert member["platforms"] == [
        {"name": "甲平台", "level": "provincial", "kind": "enterprise_technology_center"},
        {"name": "乙平台", "level": "national", "kind": "key_laboratory"},
        {"name": "丙平台", "level": "municipal"},
    ]


def test_each_bad_field_is_reported_with_its_row(small_draft, lead_staff):
    proposal = small_draft()
    content = workbook_from_rows(
        [
            {"单位名称": "甲", "单位类别": "公司", "统一社会信用代码": make_uscc("410305", 81_101)},
            {"单位名称": "乙", "单位类别": "企业"},
            {
                "单位名称": "丙",
                "单位类别": "企业",
                "统一社会信用代码": make_uscc("410305", 81_102),
                "注册地区划代码(可空)": "999999",
                "电子邮箱": "不是邮箱",
                "在行业中的地位": "很" * 101,
            },
        ]
    )
    report = roster.roster_import_xlsx(
        actor=lead_staff(proposal), pk=proposal.pk, file=upload(content)
    )
    assert report.added == 0
    reasons = dict(report.errors)
    assert "单位类别“公司”无效" in reasons[2]
    assert "请填写统一社会信用代码" in reasons[3]
    assert "注册地区划代码 999999 不存在" in reasons[4]
    assert "电子邮箱“不是邮箱”格式不正确" in reasons[4]
    assert "限 100 字，当前 101 字" in reasons[4]
    assert AuditEntry.objects.filter(action="lianmeng.proposal.roster.import_refused").exists()


def test_a_file_that_is_not_a_workbook_is_refused_whole(small_draft, lead_staff):
    from lianmeng.core.errors import ValidationFailed

    proposal = small_draft()
    with pytest.raises(ValidationFailed, match="不是 Excel 工作簿"):
        roster.roster_import_xlsx(
            actor=lead_staff(proposal), pk=proposal.pk, file=upload(b"name,uscc\n", "a.xlsx")
        )


def test_template_has_chinese_headers_dropdowns_frozen_header_and_instructions():
    workbook = load_workbook(io.BytesIO(roster.roster_template_xlsx("henan")))
    assert workbook.sheetnames == ["成员单位名单", "填写说明"]
    sheet = workbook["成员单位名单"]
    headers = [cell.value for cell in sheet[1]]
    assert headers[:15] == [
        "序号",
        "单位名称",
        "单位类别",
        "统一社会信用代码",
        "组织机构代码",
        "注册地区划代码(可空)",
        "产业链位置",
        "法定代表人",
        "联系人",
        "手机",
        "电子邮箱",
        "在行业中的地位",
        "研发平台名称",
        "平台级别",
        "平台类别",
    ]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 30
    lists = {
        str(dv.sqref).split(":")[0]: dv.formula1
        for dv in sheet.data_validations.dataValidation
        if dv.type == "list"
    }
    assert lists["C2"] == '"企业,高等院校,科研院所,职业院校,中介机构,其他"'
    assert lists["G2"] == '"上游,中游,下游"'
    assert lists["N2"] == '"国家级,省级,市级"'
    assert sheet["D2"].number_format == "@"  # codes stay text, not numbers
    assert "统一社会信用代码" in "".join(
        str(c.value or "") for row in workbook["填写说明"].iter_rows() for c in row
    )


def test_export_then_import_gives_the_same_roster(henan_draft, lead_staff, small_draft):
    source = henan_draft
    content = roster.roster_export_xlsx(source)
    # a new draft of the same lead unit, holding only the lead
    target = small_draft(unit=source.lead_unit)
    report = roster.roster_import_xlsx(actor=lead_staff(target), pk=target.pk, file=upload(content))
    assert report.errors == []
    assert report.added == len(source.document["members"]) - 1
    assert report.lead_updated
    target.refresh_from_db()
    assert target.document["members"] == roster.roster_members(source)


def test_export_names_each_members_region(henan_draft):
    sheet = load_workbook(io.BytesIO(roster.roster_export_xlsx(henan_draft)))["成员单位名单"]
    headers = [c.value for c in sheet[1]]
    region = [
        row[headers.index("注册地（系统识别）")]
        for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert region[0] == "河南省 郑州市 荥阳市"
    assert "河南省 洛阳市" in region[1]
