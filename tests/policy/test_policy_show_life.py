"""lianmeng policy show：筹建清单、报告制度和绩效预警以中文列出，每项带出处；--json 含这些表."""

from __future__ import annotations

import json

import pytest

from lianmeng.policy.cli_check import run_policy


def _show(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert run_policy(["show", *argv]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    return out


def test_henan_shows_checklist_acceptance_reports_and_warning(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = _show(capsys, "henan")
    assert "筹建期（月）：12 〔《河南省产业技术创新战略联盟发展工程实施方案》五(二)〕" in text
    assert (
        "  bodies  设立决策、咨询和执行等组织机构（说明、附件） "
        "〔《河南省产业技术创新战略联盟发展工程实施方案》五(二)〕"
    ) in text
    assert "编制产业创新体系规划" in text and "验收评审标准" in text
    assert (
        "重大事项报告（major_event，发生时） 〔《河南省产业技术创新战略联盟发展工程实施方案》六(三)〕"
        in text
    )
    assert "预警阈值：0.8（文件未规定，平台默认值）" in text
    assert (
        "计划期（年）：2 〔《关于组织申报2020年河南省产业技术创新战略联盟的通知》附件1 七〕" in text
    )
    assert ".txt" not in text


def test_luoyang_cites_articles_of_its_one_document(capsys: pytest.CaptureFixture[str]) -> None:
    text = _show(capsys, "luoyang")
    assert "年度自评价报告（self_evaluation，每年） 〔第八条(三)〕" in text
    assert "    内容：资金使用情况（文字） 〔第八条(三)〕" in text
    assert "    事项：联盟成员单位的变更 〔第八条(一)〕" in text
    assert "    报送日期：文件未规定，由主管部门另行通知" in text
    assert "筹建期内须完成" not in text
    assert ".txt" not in text


def test_baoding_and_heilongjiang(capsys: pytest.CaptureFixture[str]) -> None:
    baoding = _show(capsys, "baoding")
    assert "年度工作总结（work_summary，每年） 〔第十二条(一)〕" in baoding
    assert "    事项：机构办公室地址变迁 〔第十二条(二)〕" in baoding
    assert "绩效预警" not in baoding
    hlj = _show(capsys, "heilongjiang")
    assert "联盟协议重新签署（agreement_renewal，随协议期限）" in hlj
    assert (
        "时限：联盟协议三—五年签署一次 〔《关于推进我省产业技术创新战略联盟建设的工作意见》art. 6〕"
        in hlj
    )


def test_json_includes_the_new_sections(capsys: pytest.CaptureFixture[str]) -> None:
    henan = json.loads(_show(capsys, "henan", "--json"))
    assert [i["id"] for i in henan["construction"]["checklist"]][0] == "bodies"
    assert henan["construction"]["checklist"][0]["citation"]["article"] == "五(二)"
    assert henan["reporting"]["reports"][0]["id"] == "major_event"
    assert henan["kpi_warning"]["threshold"] is None
    assert henan["kpi_warning"]["lag_threshold"] == 0.8
    baoding = json.loads(_show(capsys, "baoding", "--json"))
    assert baoding["construction"] is None and baoding["kpi_warning"] is None
    assert [r["id"] for r in baoding["reporting"]["reports"]] == ["work_summary", "major_event"]


def test_who_accepts_or_returns_reports(capsys: pytest.CaptureFixture[str]) -> None:
    """报告由谁审核：洛阳市主管部门，黑龙江省协调小组；退回后可再提交。"""
    luoyang = _show(capsys, "luoyang")
    assert "  报告的审核：" in luoyang
    assert "    提交：草稿、已退回 → 已提交（联盟牵头单位）" in luoyang
    assert "    退回（质询）：已提交 → 已退回（主管部门） 〔" in luoyang
    heilongjiang = _show(capsys, "heilongjiang")
    assert "    接受：已提交 → 已接受（协调小组） 〔" in heilongjiang
    assert "art. 6〕" in heilongjiang
