"""Background jobs of the web shell (lianmeng.jobs): the large proposal-list export."""

from __future__ import annotations

from typing import Any

from lianmeng.documents.xlsx import CONTENT_TYPE
from lianmeng.jobs.registry import register


def proposal_list_xlsx(job: Any, report_progress: Any) -> tuple[str, bytes, str]:
    from lianmeng.jobs.progress import request_of

    from .views import proposals_workbook

    return "申报列表.xlsx", proposals_workbook(request_of(job), report_progress), CONTENT_TYPE


register("web.proposal_list_xlsx", proposal_list_xlsx, title="导出申报列表（XLSX）")
