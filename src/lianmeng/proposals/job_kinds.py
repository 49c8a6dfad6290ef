"""Background jobs of proposals (lianmeng.jobs): printing a submitted version's PDF."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from lianmeng.jobs.registry import register


def version_pdf(job: Any, report_progress: Any) -> None:
    """Print the PDF of ``parameters["version"]``; the PDF is kept on the version itself."""
    from .submission import version_pdf_render

    report_progress(10, gettext("正在生成 PDF…"))
    version_pdf_render(int(job.parameters["version"]), actor=job.owner)
    return None


register("proposals.version_pdf", version_pdf, title="生成申报书 PDF")
