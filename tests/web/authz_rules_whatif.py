"""Who may use policy what-if (lianmeng.whatif, B-6): the pages and the API.

Competent staff pass the pages' gate (``whatif.use``); a draft belongs to the department whose
profile it copies — competent staff of the profile's jurisdiction — and everyone else is answered
404 (tests/whatif/test_pages.py checks who sees what on real drafts). The matrix's world has no
draft: the ``whatif`` object's id names none. A department without a profile of its own (a
county) is told so on the list. The parameters are published policy (public); a run answers the
profile's department only and stores nothing.
"""

from __future__ import annotations

from tests.web.authz_rules import FORM, JURISDICTION, POST, PUBLIC, C, Rule, roles

WHATIF_LACKS = "the matrix has no what-if draft (tests/whatif/ checks real ones)"
DRAFT_ROWS = ("whatif.PolicyDraft",)

PAGES: dict[str, Rule] = {
    "whatif:drafts": Rule(
        roles(C),
        methods=FORM,
        unchanged=DRAFT_ROWS,
        body={"profile": "luoyang", "name": "矩阵草案"},
        note="a department without a profile of its own is told why; another's profile is "
        "replaced by its own",
    ),
    "whatif:draft": Rule(
        roles(C),
        JURISDICTION,
        "whatif",
        FORM,
        DRAFT_ROWS,
        body={"name": "矩阵草案", "action": "run"},
        demo_lacks=WHATIF_LACKS,
    ),
    "whatif:draft_delete": Rule(
        roles(C), JURISDICTION, "whatif", POST, DRAFT_ROWS, demo_lacks=WHATIF_LACKS
    ),
    "whatif:draft_xlsx": Rule(roles(C), JURISDICTION, "whatif", demo_lacks=WHATIF_LACKS),
    "whatif:draft_toml": Rule(roles(C), JURISDICTION, "whatif", demo_lacks=WHATIF_LACKS),
}

API: dict[str, Rule] = {
    "GET /api/v1/whatif/parameters/{profile}": Rule(PUBLIC, obj="profile"),
    "POST /api/v1/whatif/run": Rule(
        roles(C),
        JURISDICTION,
        "profile",
        POST,
        DRAFT_ROWS,
        body={"profile": "$profile", "overrides": {}},
        note="the department of the profile only (404 for another's); stores nothing",
    ),
}
