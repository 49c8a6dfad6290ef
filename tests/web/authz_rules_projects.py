"""Who may use the pages and API operations of the key-project solicitations
(lianmeng.projects; seed 000 六(二)).

The department's pages (/staff/projects/…): competent staff; a solicitation or proposal of
another jurisdiction answers 404. The lead unit's pages (/projects/…): applicants; a proposal
of another unit answers 404. One proposal's page and PDF: its lead unit and the issuing
department. The ``project`` object's ids name no row (404): checked for refusals;
tests/projects/ checks who sees what on real solicitations and proposals.
"""

from __future__ import annotations

from tests.web.authz_rules import (
    FORM,
    GET,
    JURISDICTION,
    POST,
    SIGNED_IN,
    A,
    C,
    Rule,
    roles,
)

LACKS = "the matrix has no project solicitation or proposal"
ROWS = (
    "projects.Solicitation",
    "projects.ProjectProposal",
    "projects.ProjectMember",
    "projects.ProjectScore",
)

PAGES: dict[str, Rule] = {
    # the department
    "projects:solicitations": Rule(roles(C)),
    "projects:solicitation_new": Rule(
        roles(C),
        methods=FORM,
        unchanged=ROWS,
        body={"title": ""},
        note="an empty title is refused with 422 (the form shown again)",
    ),
    "projects:solicitation": Rule(roles(C), JURISDICTION, "project", GET, demo_lacks=LACKS),
    "projects:solicitation_edit": Rule(
        roles(C), JURISDICTION, "project", FORM, ROWS, body={"title": ""}, demo_lacks=LACKS
    ),
    "projects:solicitation_open": Rule(
        roles(C), JURISDICTION, "project", POST, ROWS, body={"confirmed": "1"}, demo_lacks=LACKS
    ),
    "projects:solicitation_close": Rule(
        roles(C), JURISDICTION, "project", POST, ROWS, body={"confirmed": "1"}, demo_lacks=LACKS
    ),
    "projects:solicitation_xlsx": Rule(roles(C), JURISDICTION, "project", GET, demo_lacks=LACKS),
    "projects:proposal_return": Rule(
        roles(C),
        JURISDICTION,
        "project",
        POST,
        ROWS,
        body={"reason": "矩阵测试", "confirmed": "1"},
        demo_lacks=LACKS,
    ),
    "projects:proposal_score": Rule(
        roles(C), JURISDICTION, "project", POST, ROWS, body={"score": "80"}, demo_lacks=LACKS
    ),
    # the lead unit
    "projects:home": Rule(roles(A)),
    "projects:proposal_new": Rule(
        roles(A), JURISDICTION, "project", FORM, ROWS, body={"title": ""}, demo_lacks=LACKS
    ),
    "projects:proposal": Rule(roles(A, C), JURISDICTION, "project", GET, demo_lacks=LACKS),
    "projects:proposal_save": Rule(
        roles(A), JURISDICTION, "project", POST, ROWS, body={"title": "矩阵"}, demo_lacks=LACKS
    ),
    "projects:proposal_submit": Rule(
        roles(A), JURISDICTION, "project", POST, ROWS, body={"confirmed": "1"}, demo_lacks=LACKS
    ),
    "projects:proposal_withdraw": Rule(
        roles(A), JURISDICTION, "project", POST, ROWS, body={"confirmed": "1"}, demo_lacks=LACKS
    ),
    "projects:proposal_pdf": Rule(roles(A, C), JURISDICTION, "project", GET, demo_lacks=LACKS),
}

API: dict[str, Rule] = {
    "GET /api/v1/projects/solicitations": Rule(
        SIGNED_IN, note="the department's own; the lead unit's open ones; else empty"
    ),
    "GET /api/v1/projects/solicitations/{solicitation_id}/proposals": Rule(
        roles(C), JURISDICTION, "project", demo_lacks=LACKS
    ),
    "POST /api/v1/projects/proposals": Rule(
        roles(A),
        None,
        "project",
        POST,
        ROWS,
        body={"solicitation": "$solicitation_id", "alliance": 1, "title": "矩阵"},
        demo_lacks=LACKS,
        note="only a lead unit's applicant files; the matrix has no solicitation (404)",
    ),
    "POST /api/v1/projects/proposals/{proposal_id}/submit": Rule(
        roles(A), JURISDICTION, "project", POST, ROWS, body={}, demo_lacks=LACKS
    ),
}
