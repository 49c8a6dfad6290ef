"""Who may use the pages and API operations of notices (公告与公示, issue 16 point 4).

The public pages (list, one announcement, its attachments, the captcha and the objection
form) are open to everyone; the staff pages to department staff (competent, recommending,
coordination), each only on its own jurisdiction's announcements. The ``notice`` object's ids
name no row (404): checked for refusals; tests/notices/ checks who sees what on real ones."""

from __future__ import annotations

from tests.web.authz_rules import (
    FORM,
    JURISDICTION,
    ORGANISERS,
    POST,
    PUBLIC,
    STAFF,
    Rule,
)

NOTICE_LACKS = "the matrix has no announcement, attachment or objection"
NOTICE_ROWS = (
    "notices.Announcement",
    "notices.AnnouncementFile",
    "notices.Objection",
    "notices.NoticeSubject",
)

PAGES: dict[str, Rule] = {
    "notices:list": Rule(PUBLIC),
    "notices:detail": Rule(PUBLIC, obj="notice", demo_lacks=NOTICE_LACKS),
    "notices:objection_new": Rule(
        PUBLIC,
        obj="notice",
        methods=POST,
        unchanged=NOTICE_ROWS,
        body={"name": "矩阵测试", "contact": "1", "text": "矩阵测试", "captcha": "X"},
        demo_lacks=NOTICE_LACKS,
    ),
    "notices:file": Rule(PUBLIC, obj="notice", demo_lacks=NOTICE_LACKS),
    "notices:captcha": Rule(PUBLIC),
    "notices:staff_list": Rule(STAFF),
    "notices:staff_new": Rule(
        STAFF,
        methods=FORM,
        unchanged=NOTICE_ROWS,
        body={"kind": "call", "title": ""},
        note="an empty title is refused with 422",
    ),
    "notices:staff_detail": Rule(
        STAFF,
        JURISDICTION,
        "notice",
        FORM,
        NOTICE_ROWS,
        body={"kind": "call", "title": "矩阵测试"},
        demo_lacks=NOTICE_LACKS,
    ),
    "notices:staff_upload": Rule(
        STAFF, JURISDICTION, "notice", POST, NOTICE_ROWS, demo_lacks=NOTICE_LACKS
    ),
    "notices:staff_file_delete": Rule(
        STAFF, JURISDICTION, "notice", POST, NOTICE_ROWS, demo_lacks=NOTICE_LACKS
    ),
    "notices:staff_publish": Rule(
        STAFF,
        JURISDICTION,
        "notice",
        POST,
        NOTICE_ROWS,
        body={"confirmed": "1"},
        demo_lacks=NOTICE_LACKS,
    ),
    "notices:staff_withdraw": Rule(
        STAFF,
        JURISDICTION,
        "notice",
        POST,
        NOTICE_ROWS,
        body={"confirmed": "1", "reason": "矩阵测试"},
        demo_lacks=NOTICE_LACKS,
    ),
    "notices:staff_effect": Rule(
        STAFF,
        JURISDICTION,
        "notice",
        POST,
        NOTICE_ROWS,
        body={"confirmed": "1"},
        demo_lacks=NOTICE_LACKS,
    ),
    "notices:staff_objections": Rule(STAFF, JURISDICTION, "notice", demo_lacks=NOTICE_LACKS),
    "notices:staff_objection": Rule(
        STAFF,
        JURISDICTION,
        "notice",
        FORM,
        NOTICE_ROWS,
        body={"result": "dismissed", "response": "矩阵测试"},
        demo_lacks=NOTICE_LACKS,
    ),
    # 拟认定名单公示 (lianmeng.alliances.views.decisions_notice): the deciding department
    "alliances:decisions_notice": Rule(
        ORGANISERS,
        methods=POST,
        unchanged=("notices.Announcement", "notices.NoticeSubject", "alliances.Decision"),
        note="nothing selected: refused with a message, back to the decisions page",
    ),
}

API: dict[str, Rule] = {
    "GET /api/v1/notices": Rule(PUBLIC),
    "GET /api/v1/notices/{notice_id}": Rule(PUBLIC, obj="notice", demo_lacks=NOTICE_LACKS),
    "GET /api/v1/notices/{notice_id}/objections": Rule(
        STAFF, JURISDICTION, "notice", demo_lacks=NOTICE_LACKS
    ),
}
