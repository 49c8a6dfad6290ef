"""Who may use the pages and API operations of ipbase (专利池与标准信息库, issue 16 point 3).

The base is public: the lists, details, exports, templates and an alliance's own list are open
to everyone. Reporting (new, edit, import) is for applicants, and only for the alliances their
unit leads: the matrix's alliances are led by units without a demo applicant, so an applicant
is answered 404 there (WORKSPACE_LACKS); tests/ipbase/ checks the lead unit on real rows. The
``patent`` object's ids name no row (404)."""

from __future__ import annotations

from tests.web.authz_rules import (
    APPLICANTS,
    FORM,
    JURISDICTION,
    POST,
    PUBLIC,
    WORKSPACE_LACKS,
    Rule,
)

IP_ROWS = ("ipbase.Patent", "ipbase.PatentReport", "ipbase.Standard", "ipbase.StandardReport")
IP_LACKS = "the matrix has no patent or standard"
PATENT_BODY = {
    "number": "ZL202010123456.2",
    "title": "矩阵测试",
    "status": "granted",
    "year": "2024",
}
STANDARD_BODY = {
    "number": "GB/T 12345-2020",
    "title": "矩阵测试",
    "status": "published",
    "year": "2024",
}

PAGES: dict[str, Rule] = {
    "ipbase:patents": Rule(PUBLIC),
    "ipbase:patents_xlsx": Rule(PUBLIC),
    "ipbase:patent": Rule(PUBLIC, obj="patent", demo_lacks=IP_LACKS),
    "ipbase:standards": Rule(PUBLIC),
    "ipbase:standards_xlsx": Rule(PUBLIC),
    "ipbase:standard": Rule(PUBLIC, obj="patent", demo_lacks=IP_LACKS),
    "ipbase:alliance": Rule(PUBLIC, obj="alliance"),
    "ipbase:patents_template": Rule(PUBLIC),
    "ipbase:standards_template": Rule(PUBLIC),
    "ipbase:patent_new": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        FORM,
        IP_ROWS,
        body=PATENT_BODY,
        demo_lacks=WORKSPACE_LACKS,
    ),
    "ipbase:standard_new": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        FORM,
        IP_ROWS,
        body=STANDARD_BODY,
        demo_lacks=WORKSPACE_LACKS,
    ),
    "ipbase:import": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        FORM,
        IP_ROWS,
        body={"kind": "patents", "year": "2024", "file": ("专利.xlsx", "xlsx")},
        demo_lacks=WORKSPACE_LACKS,
    ),
    "ipbase:patent_edit": Rule(
        APPLICANTS, JURISDICTION, "patent", FORM, IP_ROWS, body=PATENT_BODY, demo_lacks=IP_LACKS
    ),
    "ipbase:standard_edit": Rule(
        APPLICANTS, JURISDICTION, "patent", FORM, IP_ROWS, body=STANDARD_BODY, demo_lacks=IP_LACKS
    ),
}

API: dict[str, Rule] = {
    "GET /api/v1/ip/patents": Rule(PUBLIC),
    "GET /api/v1/ip/standards": Rule(PUBLIC),
    "POST /api/v1/ip/patents": Rule(
        APPLICANTS,
        None,
        "alliance",
        POST,
        IP_ROWS,
        body={
            "alliance": "$alliance_id",
            "year": 2024,
            "number": "ZL202010123456.2",
            "title": "矩阵测试",
            "status": "granted",
            "holders": ["矩阵测试"],
        },
        note="an alliance the caller's unit does not lead (any, in the matrix) is refused "
        "with 422, as POST /api/v1/rewards/claims",
    ),
    "POST /api/v1/ip/standards": Rule(
        APPLICANTS,
        None,
        "alliance",
        POST,
        IP_ROWS,
        body={
            "alliance": "$alliance_id",
            "year": 2024,
            "number": "GB/T 12345-2020",
            "title": "矩阵测试",
            "status": "published",
            "drafters": ["矩阵测试"],
        },
        note="an alliance the caller's unit does not lead (any, in the matrix) is refused "
        "with 422, as POST /api/v1/rewards/claims",
    ),
}
