"""Background jobs of the registry (lianmeng.jobs): the large XLSX export."""

from __future__ import annotations

from typing import Any

from lianmeng.documents.xlsx import CONTENT_TYPE
from lianmeng.jobs.registry import register


def registry_xlsx(job: Any, report_progress: Any) -> tuple[str, bytes, str]:
    from lianmeng.jobs.progress import request_of

    from .views_documents import registry_workbook

    return "联盟名录.xlsx", registry_workbook(request_of(job), report_progress), CONTENT_TYPE


register("alliances.registry_xlsx", registry_xlsx, title="导出联盟名录（XLSX）")
