"""Who may use the pages of background jobs (lianmeng.jobs, issue 17): any signed-in account
its own jobs only. The ``job`` object's ids name no row (404 for everyone): checked for
refusals; tests/jobs/ checks that the owner sees his job and anyone else gets 404."""

from __future__ import annotations

from tests.web.authz_rules import SIGNED_IN, Rule

JOB_LACKS = "the matrix has no job; a job is its owner's alone (tests/jobs/)"

PAGES: dict[str, Rule] = {
    "jobs:list": Rule(SIGNED_IN, note="each sees only his own jobs"),
    "jobs:detail": Rule(SIGNED_IN, obj="job", demo_lacks=JOB_LACKS),
    "jobs:status": Rule(SIGNED_IN, obj="job", demo_lacks=JOB_LACKS),
    "jobs:download": Rule(SIGNED_IN, obj="job", demo_lacks=JOB_LACKS),
}

API: dict[str, Rule] = {}
