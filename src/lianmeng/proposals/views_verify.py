"""The public verification page (B-3): which proposal, version and hash a paper copy belongs to.

The code is printed on every page of the PDF (:mod:`lianmeng.documents.pdf`); this page finds
the version it names. URL names stay ``documents:verify_form`` and ``documents:verify``
(:mod:`lianmeng.proposals.urls_verify`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from lianmeng.core.access import public
from lianmeng.core.dates import show_moment
from lianmeng.core.errors import NotFound
from lianmeng.documents.pdf import code_display, normalise_code
from lianmeng.ui.errors import error_page

from .verifiable import verify_other
from .versions import version_by_code

#: per client address; enough for a clerk checking a pile of copies, not for guessing codes
VERIFY_RATE = "30/m"


def _limited(request: HttpRequest) -> HttpResponse | None:
    if getattr(request, "limited", False):
        return error_page(
            request,
            429,
            _("核验过于频繁"),
            _("本地址一分钟内核验次数过多，请等待一分钟后再试。"),
        )
    return None


@public
@ratelimit(key="ip", rate=VERIFY_RATE, method="GET", block=False)
def verify_form(request: HttpRequest) -> HttpResponse:
    if (response := _limited(request)) is not None:
        return response
    code = normalise_code(request.GET.get("code", ""))
    if code:
        return redirect("documents:verify", code=code)
    return render(request, "proposals/verify.html", {"version": None})


@public
@ratelimit(key="ip", rate=VERIFY_RATE, method="GET", block=False)
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if (response := _limited(request)) is not None:
        return response
    try:
        version = version_by_code(code)
    except NotFound:
        other = verify_other(normalise_code(code))
        if other is not None:
            return render(
                request,
                "proposals/verify.html",
                {"version": None, "other": other, "code": code_display(normalise_code(code))},
            )
        response = render(
            request,
            "proposals/verify.html",
            {"version": None, "unknown": code[:40]},
            status=404,
        )
        return response
    latest = version.proposal.versions.order_by("-number").values_list("number", flat=True).first()
    return render(
        request,
        "proposals/verify.html",
        {
            "version": version,
            "proposal": version.proposal,
            "code": code_display(version.verification_code),
            "time": show_moment(version.submitted_at, seconds=True),
            "superseded": latest is not None and latest > version.number,
            "latest": latest,
        },
    )
