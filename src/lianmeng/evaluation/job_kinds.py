"""Background jobs of the annual evaluation (lianmeng.jobs): advancing a large campaign (its
ranking of every alliance) off the request."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from lianmeng.jobs.registry import register


def campaign_advance(job: Any, report_progress: Any) -> None:
    """:func:`lianmeng.evaluation.services.advance` of ``parameters["campaign"]`` at the
    ``revision`` the organiser saw, by the job's owner (the service checks again that he
    organises it). The result is the campaign itself; the job page links back to it."""
    from lianmeng.jobs.progress import seen_during_transaction

    from . import services

    parameters = job.parameters or {}
    report_progress(1, gettext("正在推进评价阶段…"))
    with seen_during_transaction(job, report_progress) as progress:
        services.advance(
            actor=job.owner,
            campaign_id=parameters.get("campaign"),
            revision=parameters.get("revision", ""),
            progress=progress,
        )
    return None


register("evaluation.advance", campaign_advance, title="推进绩效评价阶段")
