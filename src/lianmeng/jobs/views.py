"""The owner's jobs: the list, one job's progress page (a static script polls its JSON), and
the download of its result."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from lianmeng.core.access import login_only
from lianmeng.core.errors import NotFound
from lianmeng.ui.errors import error_page

from . import selectors
from .models import Job
from .services import keep_days

PER_PAGE = 20


def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return error_page(request, 404, _("未找到"), _(exc.message))


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def status_of(job: Job) -> dict[str, object]:
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": str(job.get_state_display()),
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        "finished": job.finished,
        "download_url": reverse("jobs:download", args=[job.pk]) if job.downloadable else "",
        "filename": job.result_filename,
    }


def return_url(job: Job) -> str:
    """Where the work was started from, to go back to once it is done (a job whose result is
    not a download, e.g. an evaluation's advance): ``parameters["return_to"]``, a path on
    this site; "" without one."""
    target = str((job.parameters or {}).get("return_to") or "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return target
    return ""


@login_only
def job_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.job_list(viewer=request.user), PER_PAGE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
        "keep_days": keep_days(),
    }
    return _private(render(request, "jobs/list.html", context))


@login_only
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = selectors.job_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    context = {"job": job, "status": status_of(job), "return_url": return_url(job)}
    return _private(render(request, "jobs/detail.html", context))


@login_only
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = selectors.job_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _private(JsonResponse({"error": exc.message}, status=404))
    return _private(JsonResponse(status_of(job)))


@login_only
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        job = selectors.job_get(viewer=request.user, pk=pk)
    except NotFound as exc:
        return _not_found(request, exc)
    if not job.downloadable:
        return redirect("jobs:detail", pk=job.pk)
    try:
        handle = default_storage.open(job.result_name, "rb")
    except OSError:
        return error_page(
            request, 404, _("文件已删除"), _("该任务的结果已过保存期限被删除，请重新导出。")
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.result_filename,
        content_type=job.result_content_type or "application/octet-stream",
    )
    return _private(response)


def direct_rows() -> int:
    """An export of at most this many rows is still written in the request and downloaded
    at once (``LIANMENG_JOBS_DIRECT_ROWS``, 2,000); a larger one becomes a job."""
    from django.conf import settings

    return int(getattr(settings, "LIANMENG_JOBS_DIRECT_ROWS", 2000))


def start_response(
    request: HttpRequest, *, kind: str, parameters: dict[str, object], title: str | None = None
) -> HttpResponse:
    """Start (or find, on a double click) the job and send the user to its progress page."""
    from .services import job_start

    job = job_start(
        owner=request.user,
        kind=kind,
        parameters=parameters,
        title=title,
        language=getattr(request, "LANGUAGE_CODE", None),
    )
    return redirect("jobs:detail", pk=job.pk)
