"""A large workbook of patents or standards imported by a background job (issue 17).

The import page (views_report.import_view) checks the upload as before (size, an XLSX the
bounded reader accepts); a workbook of more than ``LIANMENG_JOBS_DIRECT_ROWS`` data rows is
saved through ``default_storage`` under ``jobs/uploads/ipbase/<owner>/`` and imported by the
job ``ipbase.import_xlsx``: it calls the same :func:`lianmeng.ipbase.services.import_workbook`
with the job's owner as actor (who may report for the alliance is checked again), reports its
progress, deletes the upload, and returns an XLSX import report with one row per data row
(row number, number, outcome, what to fix). The import stays all or nothing: when a row is
wrong, the report names it and every other row is "not imported".

The upload's name is a digest of the owner, the content and the choices, so a double POST
finds the same file and the same queued job (lianmeng.jobs.services.job_start).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from lianmeng.core import clock
from lianmeng.core.errors import DomainError, ValidationFailed
from lianmeng.documents.xlsx import CONTENT_TYPE, write_table
from lianmeng.jobs.progress import seen_during_transaction

from . import services, xlsx

logger = logging.getLogger(__name__)

JOB_KIND = "ipbase.import_xlsx"
UPLOAD_DIR = "jobs/uploads/ipbase"
#: the time the request may take to count a workbook's rows
COUNT_SECONDS = 15.0
#: what the owner's list of jobs calls it (translated when started)
TITLES = {"patents": "导入专利（XLSX）", "standards": "导入标准（XLSX）"}


def data_rows(content: bytes, kind: str) -> int | None:
    """How many data rows the workbook has, read under a background import's row bound (20,000
    rows read in about 2.5 s); None when it cannot be read (the import in the request then
    says why, as before)."""
    try:
        return len(xlsx.read(content, kind, max_rows=xlsx.JOB_MAX_ROWS, max_seconds=COUNT_SECONDS))
    except ValidationFailed:
        return None


def start(
    request: HttpRequest, *, alliance_id: int, kind: str, content: bytes, year: str, report: str
) -> HttpResponse:
    """Store the upload and start (or find, on a double POST) the job; its progress page."""
    from lianmeng.jobs.views import start_response

    choices = {"alliance": alliance_id, "kind": kind, "year": year, "report": report}
    digest = hashlib.sha256()
    digest.update(json.dumps(choices, sort_keys=True).encode())
    digest.update(content)
    name = f"{UPLOAD_DIR}/{request.user.pk}/{digest.hexdigest()}.xlsx"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(content))
    return start_response(
        request,
        kind=JOB_KIND,
        parameters={**choices, "upload": name},
        title=gettext(TITLES[kind]),
    )


def run(job: Any, report_progress: Any) -> tuple[str, bytes, str]:
    """The job: import the stored workbook as its owner, then delete it; the import report."""
    params = job.parameters or {}
    kind = params.get("kind") if params.get("kind") in TITLES else "patents"
    name = str(params.get("upload") or "")
    try:
        try:
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
        except (OSError, ValueError):
            raise DomainError(
                gettext("上传的工作簿已不存在（已导入过或已清理），请重新上传。")
            ) from None
        try:
            # the rows are saved in one transaction: its progress is written so the page sees it
            with seen_during_transaction(job, report_progress) as report:
                result = services.import_workbook(
                    actor=job.owner,
                    alliance_id=params.get("alliance"),
                    kind=kind,
                    content=content,
                    year=params.get("year", ""),
                    report_id=params.get("report") or None,
                    progress=report,
                    max_rows=xlsx.JOB_MAX_ROWS,
                    max_seconds=xlsx.JOB_MAX_SECONDS,
                )
        except ValidationFailed as exc:
            if not exc.details.get("rows"):
                raise  # the year, the report or the file itself: the job's error says what
            lines = _refused_lines(exc.details["rows"], exc.details.get("checked") or [])
        else:
            lines = _saved_lines(result.outcomes)
    finally:
        _delete(name)
    stamp = clock.beijing_now().strftime("%Y%m%d")
    filename = (
        gettext("专利导入结果-%(stamp)s.xlsx")
        if kind == "patents"
        else gettext("标准导入结果-%(stamp)s.xlsx")
    ) % {"stamp": stamp}
    return filename, report_workbook(kind, lines), CONTENT_TYPE


def _delete(name: str) -> None:
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError:
        logger.warning("ipbase import: the upload %s could not be deleted", name)


def _saved_lines(outcomes: list[tuple[int, str, str]]) -> list[list[Any]]:
    labels = {
        "created": gettext("已导入（新增）"),
        "merged": gettext("已导入（编号已在库中，已合并）"),
    }
    return [[row, number, labels[outcome], ""] for row, number, outcome in outcomes]


def _refused_lines(
    problems: list[dict[str, Any]], checked: list[tuple[int, str]]
) -> list[list[Any]]:
    wrong = {p["row"]: "；".join(str(e) for e in p["errors"]) for p in problems}
    not_imported = gettext("未导入（其他行有误，整个文件未导入）")
    lines = [
        [row, number, gettext("有误，未导入") if row in wrong else not_imported, wrong.get(row, "")]
        for row, number in checked
    ]
    if not lines:  # only the rows with problems are known
        lines = [[row, "", gettext("有误，未导入"), text] for row, text in wrong.items()]
    return lines


def report_workbook(kind: str, lines: list[list[Any]]) -> bytes:
    """The import report: one row per data row of the workbook."""
    number = gettext("专利号") if kind == "patents" else gettext("标准号")
    headers = [gettext("行号"), number, gettext("结果"), gettext("需要修改")]
    return write_table(headers, lines, sheet_title=gettext("导入结果"), widths=[8, 24, 36, 80])
