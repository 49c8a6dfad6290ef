"""Background jobs of the patent pool and the standards base (lianmeng.jobs): large exports
and large workbook imports (lianmeng.ipbase.imports)."""

from __future__ import annotations

from typing import Any

from lianmeng.documents.xlsx import CONTENT_TYPE
from lianmeng.jobs.registry import register


def _export(mode: str) -> Any:
    def run(job: Any, report_progress: Any) -> tuple[str, bytes, str]:
        from lianmeng.jobs.progress import request_of

        from .views import export_workbook

        filename, content = export_workbook(request_of(job), mode, report_progress)
        return filename, content, CONTENT_TYPE

    return run


register("ipbase.patents_xlsx", _export("patents"), title="导出专利池（XLSX）")
register("ipbase.standards_xlsx", _export("standards"), title="导出标准信息库（XLSX）")


def _import(job: Any, report_progress: Any) -> tuple[str, bytes, str]:
    from .imports import run

    return run(job, report_progress)


register("ipbase.import_xlsx", _import, title="导入专利或标准（XLSX）")
