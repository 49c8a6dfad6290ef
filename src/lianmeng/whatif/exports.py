"""What a what-if draft exports: the comparison as XLSX, the overrides as a TOML snippet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

from lianmeng.core import clock
from lianmeng.core.names import cite_text
from lianmeng.documents.xlsx import cell, escape_text, workbook_bytes, xlsx_response
from lianmeng.policy.catalogue import RULE_TITLES
from lianmeng.policy.models import Profile
from lianmeng.policy.whatif import changed_parameters, toml_snippet

from .models import PolicyDraft

STATUS = {"pass": "通过", "fail": "不通过", "manual": "需人工判断"}
SEVERITY = {"required": "必须", "principle": "原则上", "advisory": "建议"}
CHANGE = {"newly_failing": "新增不通过", "newly_passing": "转为通过", "changed": "结论有变化"}
VERDICT = {"pass_to_fail": "符合→不符合", "fail_to_pass": "不符合→符合", "unchanged": "结论不变"}


def finding_text(finding: dict[str, Any] | None) -> str:
    """``不通过（必须）：成员单位 7 家，少于 8 家…``; ``未适用`` when the rule is not applied."""
    if not finding:
        return "未适用"
    status = STATUS.get(finding["status"], finding["status"])
    severity = SEVERITY.get(finding["severity"], finding["severity"])
    return f"{status}（{severity}）：{finding['message']}"


def _sheet(book: Any, title: str, headers: Sequence[str], rows: list[list[Any]]) -> None:
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title=escape_text(title)[0][:31])
    sheet.freeze_panes = "A2"
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 40 if index > 2 else 24
    sheet.append([cell(sheet, h, bold=True) for h in headers])
    for row in rows:
        sheet.append([cell(sheet, v) for v in row])


def comparison_xlsx(
    draft: PolicyDraft, profile: Profile, overrides: dict[str, Any], result: dict[str, Any]
) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    params = [
        [
            p.rule,
            RULE_TITLES[p.rule],
            p.label,
            p.display(p.current) if p.applied else "（未适用）",
            p.display(value),
            cite_text(p.citation, profile) if p.citation else "",
        ]
        for p, value in changed_parameters(profile, overrides)
    ]
    _sheet(
        book,
        "调整的参数",
        ["规则编号", "规则", "参数", "现行取值", "草案取值", "现行出处"],
        params,
    )
    summary = []
    for label, key in (("在运行的联盟", "alliances"), ("在审的申报", "proposals")):
        counts = result[key]["summary"]
        summary.append(
            [
                label,
                counts["total"],
                counts["pass_to_fail"],
                counts["fail_to_pass"],
                counts["unchanged"],
                counts["rules_changed"],
                result[key]["not_judged"],
            ]
        )
    _sheet(
        book,
        "汇总",
        [
            "对象",
            "判断数",
            "现符合→草案下不符合",
            "现不符合→草案下符合",
            "结论不变",
            "其中个别规则结论有变化",
            "未能判断",
        ],
        summary,
    )
    for title, key in (("联盟", "alliances"), ("申报", "proposals")):
        rows = []
        for subject in result[key]["changed"]:
            for change in subject["changes"]:
                finding = change["draft"] or change["today"]
                rows.append(
                    [
                        subject["name"],
                        subject["status"],
                        VERDICT[subject["verdict"]],
                        change["rule"],
                        RULE_TITLES.get(change["rule"], change["rule"]),
                        cite_text(finding["citation"], profile) if finding else "",
                        CHANGE[change["change"]],
                        finding_text(change["today"]),
                        finding_text(change["draft"]),
                    ]
                )
        _sheet(
            book,
            f"结论变化的{title}",
            [
                "名称",
                "状态",
                "结论",
                "规则编号",
                "规则",
                "条款",
                "变化",
                "现行政策下",
                "草案下",
            ],
            rows,
        )
    _sheet(
        book,
        "说明",
        ["项目", "内容"],
        [
            ["草案", draft.name],
            ["政策配置", f"{profile.name.value}（{profile.id}）"],
            ["复制的版本", draft.profile_version],
            ["推演时间", _when(result.get("computed_at"))],
            [
                "说明",
                "推演结果不改变任何联盟、申报或现行政策配置；安装新的带日期的政策配置由系统管理员负责。",
            ],
        ],
    )
    return workbook_bytes(book)


def _when(text: str | None) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text) if text else ""


def _stamp() -> str:
    return clock.beijing_now().date().isoformat()


def comparison_response(
    draft: PolicyDraft, profile: Profile, overrides: dict[str, Any], result: dict[str, Any]
) -> HttpResponse:
    content = comparison_xlsx(draft, profile, overrides, result)
    return xlsx_response(content, f"政策推演-{profile.id}-{draft.pk}-{_stamp()}.xlsx")


def toml_response(draft: PolicyDraft, profile: Profile, overrides: dict[str, Any]) -> HttpResponse:
    text = toml_snippet(profile, overrides, title=draft.name)
    response = HttpResponse(text.encode(), content_type="application/toml; charset=utf-8")
    filename = f"whatif-{profile.id}-{draft.pk}.toml"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
