"""Who may use which page and API operation, on which objects (issue 12: the authorisation matrix).

Plain data, one entry per URL name of the Django URL conf (``namespace:name``) and one per
operation of ``/api/v1/openapi.json`` (``METHOD /api/v1/path``). ``tests/web/test_authz_matrix.py``
calls every entry as every demo subject, on an object of the subject's own jurisdiction (unit,
assignment, account) and on one of another, and fails when the answer differs from the entry, or
when a URL or operation has no entry here, or an entry names one that no longer exists.

An entry (:class:`Rule`):

``roles``
    ``PUBLIC`` (everyone, signed in or not), ``SIGNED_IN`` (any signed-in account) or the set of
    roles (``lianmeng.core.roles.Role``) whose holders may use it.
``scope``
    ``None``: whoever may use it may use it on every object it takes (or it takes none).
    Otherwise the object must be the subject's own, and the other one is refused (404 preferred):
    ``VISIBLE`` (a proposal: the lead unit's applicants; departments of its area and above, once
    filed; experts assigned to it), ``UNIT`` (the subject's unit's), ``JURISDICTION`` (made in
    the department's jurisdiction), ``POOL`` (an expert of the department's pool), ``ASSIGNED``
    (the expert's own assignment), ``SELF`` (the subject's own account's).
``obj``
    Which object the path parameters name (a key of the world built by the test): ``proposal``
    (filed), ``draft`` (an editable draft with a material and a version where needed),
    ``call``, ``staff_call`` (a call not yet published), ``round``, ``assignment``, ``expert``,
    ``alliance``, ``decision``, ``notification``, ``token``, ``profile``, ``user``, ``code``,
    ``year``, ``reset``, ``jurisdiction``, ``event``, ``feed`` (a calendar feed address),
    ``evaluation`` (ids of a campaign, evaluation, objection and rectification the world lacks).
``methods``
    The methods the view or operation accepts; POST/PUT/DELETE are writes: refused, they must
    leave unchanged the audit log, the object's row and the row count of each model in
    ``unchanged``.
``body``
    The body of a write (``"$name"`` is replaced by the object's parameter ``name``; a
    ``(file name, bytes)`` pair is an uploaded file, ``"xlsx"`` an empty workbook), so that
    the operation itself, not the body's validation, decides.
``session_only``
    The API operation takes the browser's session only: with an API token it answers 401.
``query``
    The query string of an API write (``$name`` as in ``body``), e.g. the revision it edits.
``to_login_ok``
    A public step that sends whoever has not begun it back to the login page.
``demo_lacks``
    Why an allowed request may still answer 404 (the demo and the test's world have no such
    object); refusals are checked all the same.

To add a URL: add its entry below, in the block of its app; the test names the URL missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PUBLIC = "public"
SIGNED_IN = "signed-in"

VISIBLE = "visible"
UNIT = "unit"
JURISDICTION = "jurisdiction"
POOL = "pool"
ASSIGNED = "assigned"
SELF = "self"

A, M, R, C, E, V, X = (
    "applicant",
    "member",
    "recommender",
    "competent",
    "expert",
    "evaluator",
    "coordination",
)
SYS, SEC, AUD = "sysadmin", "secadmin", "auditadmin"
STAFF = frozenset({R, C, X})
#: the organisers of expert review: the competent departments; Heilongjiang's coordination group
ORGANISERS = frozenset({C, X})

#: the base (revision) of an empty write-up section: proposals.writeups.digest("")
EMPTY_BASE = "e3b0c44298fc1c14"

GET = ("GET",)
POST = ("POST",)
FORM = ("GET", "POST")

PROPOSAL_ROWS = ("proposals.Proposal", "workflow.StateChange")
ROSTER_ROWS = ("proposals.Proposal",)
#: an alliance's state and its history (lianmeng.alliances.lifecycle)
ALLIANCE_ROWS = ("alliances.Alliance", "workflow.StateChange", "workflow.Deadline")
ROUND_ROWS = ("experts.ReviewRound", "experts.RoundProposal", "experts.Assignment")
#: the construction checklist and 验收 (lianmeng.construction)
CONSTRUCTION_ROWS = (
    "construction.ChecklistEntry",
    "construction.ChecklistFile",
    "construction.AcceptanceRound",
    "construction.AcceptanceAssignment",
    "construction.AcceptanceScore",
    "construction.Certificate",
)


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str] | str
    scope: str | None = None
    obj: str | None = None
    methods: tuple[str, ...] = GET
    unchanged: tuple[str, ...] = ()
    body: dict | None = None
    demo_lacks: str = ""
    session_only: bool = False
    query: str = ""
    to_login_ok: bool = False
    note: str = ""
    extra: dict = field(default_factory=dict)


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


APPLICANTS = roles(A)
#: the demo's alliances are led by units without a demo account: an applicant reaches none
WORKSPACE_LACKS = "no demo applicant's unit leads an alliance of the registry"
CONSTRUCTION_LACKS = (
    "no demo applicant's unit leads an alliance of the matrix, none is in 验收, no expert is "
    "assigned and only Henan's profile has a construction checklist"
)
MEETING_BODY = {"kind": "council", "held_on": "2024-01-01", "attendance_count": "3"}
READERS = frozenset({A, *STAFF, E})  # proposals.view_proposal
#: a report's rows and its history (lianmeng.reporting)
REPORT_ROWS = ("reporting.Report", "workflow.StateChange", "workflow.Deadline")
#: the matrix's reports belong to alliances led by units without a demo applicant, and a county
#: recommender's area covers none of them
REPORT_LACKS = "no demo applicant's unit leads the matrix's alliances; a county covers none"
#: the matrix's world has no evaluation campaign, evaluation or rectification
EVALUATION_LACKS = "the matrix has no evaluation campaign, evaluation or rectification"
#: what the annual evaluation writes (lianmeng.evaluation)
EVALUATION_ROWS = (
    "evaluation.Campaign",
    "evaluation.CampaignEvaluator",
    "evaluation.Evaluation",
    "evaluation.Assignment",
    "evaluation.Objection",
    "evaluation.Rectification",
)
#: a change filing (变更备案) and what filing or answering one writes
CHANGE_ROWS = (
    "running.ChangeFiling",
    "running.Member",
    "running.Signature",
    "running.Workspace",
    "workflow.StateChange",
)
CHANGE_LACKS = (
    "no demo applicant's unit leads an alliance; a department below the alliance's area "
    "sees none of its filings"
)
SIGN_LACKS = "only a renewal's member units sign it; the matrix's filing is an address change"

#: what a reward claim's pages write (lianmeng.rewards)
REWARD_ROWS = (
    "rewards.Claim",
    "rewards.ClaimFile",
    "rewards.ClaimReview",
    "rewards.Award",
    "rewards.Instalment",
)
#: the matrix's world has no reward claim, evidence file, review or award
REWARD_LACKS = "the matrix has no reward claim, evidence file, review or award"

PAGES: dict[str, Rule] = {
    # -- web: public pages, accounts ------------------------------------------------------
    "web:index": Rule(PUBLIC),
    # probes of the load balancer and the orchestrator (issue 17): no session, no secrets
    "health:healthz": Rule(PUBLIC),
    "health:readyz": Rule(PUBLIC),
    "web:policy_list": Rule(PUBLIC),
    "web:policy_detail": Rule(PUBLIC, obj="profile"),
    "web:login": Rule(PUBLIC, methods=FORM),
    "web:logout": Rule(PUBLIC, methods=FORM, note="signing out is harmless for anyone"),
    "web:password_change": Rule(SIGNED_IN, methods=FORM),
    "web:reauth": Rule(SIGNED_IN, methods=FORM, note="re-authentication before sensitive actions"),
    "web:password_reset": Rule(PUBLIC, methods=FORM),
    "web:password_reset_confirm": Rule(PUBLIC, obj="reset", methods=FORM),
    "set_language": Rule(PUBLIC, methods=POST),
    "web:home": Rule(SIGNED_IN),
    # two-factor sign-in: the steps after the password are public pages (they act on the
    # half-signed-in session only); the account's own security page for any signed-in account
    "web:login_verify": Rule(PUBLIC, methods=FORM, to_login_ok=True),
    "web:login_enrol": Rule(PUBLIC, methods=FORM, to_login_ok=True),
    "web:account_security": Rule(SIGNED_IN),
    "web:account_enrol": Rule(SIGNED_IN, methods=FORM),
    "web:account_recovery_renew": Rule(SIGNED_IN, methods=POST),
    "web:account_remove": Rule(SIGNED_IN, methods=POST),
    # -- web: proposals (read) --------------------------------------------------------------
    "web:proposal_list": Rule(roles(A, *STAFF)),
    "web:proposal_list_xlsx": Rule(roles(A, *STAFF)),
    "web:proposal_detail": Rule(READERS, VISIBLE, "proposal"),
    "web:proposal_export": Rule(READERS, VISIBLE, "proposal"),
    "web:proposal_read": Rule(READERS, VISIBLE, "proposal"),
    "web:proposal_read_version": Rule(READERS, VISIBLE, "proposal"),
    "web:proposal_read_pdf": Rule(READERS, VISIBLE, "proposal"),
    "web:proposal_read_file": Rule(READERS, VISIBLE, "proposal"),
    # -- web: the three administrators ------------------------------------------------------
    "web:audit_list": Rule(roles(AUD)),
    "web:audit_verify": Rule(roles(AUD), methods=FORM),
    "web:user_list": Rule(roles(SYS)),
    "web:security": Rule(roles(SEC)),
    "web:security_unlock": Rule(roles(SEC), obj="user", methods=POST, unchanged=("core.User",)),
    "web:security_two_factor_reset": Rule(
        roles(SEC), methods=POST, unchanged=("otp_totp.TOTPDevice", "otp_static.StaticToken")
    ),
    # role assignment (三员分立: the security administrator only); a change needs a recent
    # re-authentication (core.reauth) — a stale session is sent to web:reauth, acting on nothing
    "web:role_accounts": Rule(roles(SEC)),
    "web:role_account": Rule(roles(SEC), obj="user"),
    "web:role_account_change": Rule(
        roles(SEC), obj="user", methods=POST, unchanged=("core.RoleGrant", "core.User")
    ),
    # -- proposals: the editor of the lead unit's applicants --------------------------------
    "proposals:edit": Rule(APPLICANTS, UNIT, "draft", unchanged=PROPOSAL_ROWS),
    "proposals:section": Rule(APPLICANTS, UNIT, "draft", FORM, PROPOSAL_ROWS),
    "proposals:check": Rule(APPLICANTS, UNIT, "draft"),
    "proposals:check_panel": Rule(APPLICANTS, UNIT, "draft"),
    "proposals:roster": Rule(APPLICANTS, UNIT, "draft", FORM, ROSTER_ROWS),
    "proposals:member_add": Rule(APPLICANTS, UNIT, "draft", FORM, ROSTER_ROWS),
    "proposals:member_edit": Rule(APPLICANTS, UNIT, "draft", FORM, ROSTER_ROWS),
    "proposals:member_remove": Rule(APPLICANTS, UNIT, "draft", POST, ROSTER_ROWS),
    "proposals:member_move": Rule(APPLICANTS, UNIT, "draft", POST, ROSTER_ROWS),
    "proposals:roster_import": Rule(APPLICANTS, UNIT, "draft", FORM, ROSTER_ROWS),
    "proposals:roster_export": Rule(APPLICANTS, UNIT, "draft"),
    "proposals:roster_template": Rule(APPLICANTS, UNIT, "draft"),
    "proposals:main_members": Rule(APPLICANTS, UNIT, "draft", FORM, ROSTER_ROWS),
    "proposals:materials": Rule(
        APPLICANTS, UNIT, "draft", FORM, ("proposals.Material", "proposals.Proposal")
    ),
    "proposals:material_remove": Rule(APPLICANTS, UNIT, "draft", POST, ("proposals.Material",)),
    "proposals:material_download": Rule(READERS, VISIBLE, "proposal"),
    "proposals:agreement_docx": Rule(APPLICANTS, UNIT, "draft"),
    "proposals:writeups": Rule(APPLICANTS, UNIT, "draft", FORM, PROPOSAL_ROWS),
    "proposals:submit": Rule(
        APPLICANTS, UNIT, "draft", FORM, (*PROPOSAL_ROWS, "proposals.ProposalVersion")
    ),
    "proposals:withdraw": Rule(
        APPLICANTS, UNIT, "proposal", POST, PROPOSAL_ROWS, body={"reason": "矩阵测试"}
    ),
    "proposals:versions": Rule(READERS, VISIBLE, "proposal"),
    "proposals:version": Rule(READERS, VISIBLE, "proposal"),
    "proposals:version_pdf": Rule(READERS, VISIBLE, "proposal"),
    # the member unit's contact confirms the rosters that list his unit
    "proposals:confirmations": Rule(roles(M)),
    "proposals:member_confirm": Rule(
        roles(M), UNIT, "proposal", POST, ("proposals.MemberConfirmation",)
    ),
    # -- calls ------------------------------------------------------------------------------
    "calls:list": Rule(PUBLIC),
    "calls:detail": Rule(PUBLIC, obj="call"),
    "calls:apply": Rule(
        APPLICANTS,
        obj="call",
        methods=POST,
        unchanged=("proposals.Proposal",),
        note="any applicant may open a proposal under a published call; the profile decides",
    ),
    "calls:staff_list": Rule(roles(C)),
    "calls:staff_create": Rule(roles(C), methods=FORM, unchanged=("calls.Call",)),
    "calls:staff_edit": Rule(roles(C), JURISDICTION, "staff_call", FORM, ("calls.Call",)),
    "calls:staff_publish": Rule(roles(C), JURISDICTION, "staff_call", POST, ("calls.Call",)),
    # -- documents: verification of a filed version (public) -------------------------------
    "documents:verify_form": Rule(PUBLIC),
    "documents:verify": Rule(PUBLIC, obj="code"),
    # -- reviews: recommendation and acceptance -------------------------------------------
    "reviews:inbox": Rule(STAFF),
    "reviews:bulk": Rule(STAFF, methods=POST, unchanged=PROPOSAL_ROWS),
    "reviews:inbox_xlsx": Rule(STAFF),
    "reviews:acceptance": Rule(roles(C)),
    "reviews:acceptance_xlsx": Rule(roles(C)),
    "reviews:recommendations": Rule(roles(R)),
    "reviews:recommendations_xlsx": Rule(roles(R), obj="year"),
    "reviews:recommendations_pdf": Rule(roles(R), obj="year"),
    "reviews:zone_filings": Rule(roles(C)),
    "reviews:review": Rule(STAFF, VISIBLE, "proposal"),
    "reviews:transition": Rule(
        STAFF,
        VISIBLE,
        "proposal",
        POST,
        PROPOSAL_ROWS,
        body={"transition": "recommend", "reason": "矩阵测试"},
    ),
    "reviews:reopen": Rule(STAFF, VISIBLE, "proposal", POST, PROPOSAL_ROWS),
    "reviews:paper": Rule(
        roles(C),
        VISIBLE,
        "proposal",
        POST,
        ("reviews.PaperReceipt",),
        body={"copies": 2, "received_at": "2020-09-01 10:00", "received_by": "矩阵测试"},
    ),
    "reviews:letter": Rule(
        READERS,
        VISIBLE,
        "proposal",
        demo_lacks="a letter exists only once a decision about the proposal is made",
    ),
    "reviews:notification_list": Rule(SIGNED_IN, methods=FORM, unchanged=("reviews.Notification",)),
    "reviews:notification_texts": Rule(ORGANISERS),
    "reviews:notification_text_edit": Rule(
        ORGANISERS, JURISDICTION, "event", FORM, ("reviews.NotificationTemplate",)
    ),
    # -- experts: review rounds and the pool (organisers), the expert's own pages ------------
    "experts:round_list": Rule(ORGANISERS),
    "experts:round_list_xlsx": Rule(ORGANISERS),
    "experts:round_create": Rule(ORGANISERS, methods=POST, unchanged=ROUND_ROWS),
    "experts:round_detail": Rule(ORGANISERS, JURISDICTION, "round"),
    "experts:round_add": Rule(ORGANISERS, JURISDICTION, "round", POST, ROUND_ROWS),
    "experts:round_auto": Rule(ORGANISERS, JURISDICTION, "round", POST, ROUND_ROWS),
    "experts:round_manual": Rule(ORGANISERS, JURISDICTION, "round", POST, ROUND_ROWS),
    "experts:assignment_remove": Rule(ORGANISERS, JURISDICTION, "round", POST, ROUND_ROWS),
    "experts:round_close": Rule(ORGANISERS, JURISDICTION, "round", POST, ROUND_ROWS),
    "experts:round_results": Rule(ORGANISERS, JURISDICTION, "round"),
    "experts:round_xlsx": Rule(ORGANISERS, JURISDICTION, "round"),
    "experts:pool": Rule(ORGANISERS),
    "experts:pool_xlsx": Rule(ORGANISERS),
    "experts:pool_edit": Rule(ORGANISERS, POOL, "expert", FORM, ("experts.ExpertProfile",)),
    "experts:inbox": Rule(roles(E)),
    "experts:score_form": Rule(roles(E), ASSIGNED, "assignment", FORM, ("experts.Score",)),
    "experts:declare_conflict": Rule(
        roles(E), ASSIGNED, "assignment", POST, ("experts.Assignment",), body={"reason": "矩阵测试"}
    ),
    "experts:my_profile": Rule(roles(E), methods=FORM, unchanged=("experts.ExpertProfile",)),
    # -- schedule: the deadline calendar and its personal iCalendar feed ---------------------
    # the lead unit and departments (each sees the deadlines of the subjects it may see); the
    # feed takes no session: its secret address is the key, an unknown one answers 404
    "schedule:calendar": Rule(roles(A, *STAFF)),
    "schedule:feed_manage": Rule(
        roles(A, *STAFF), methods=POST, body={"action": "create"}, unchanged=("schedule.FeedToken",)
    ),
    "schedule:feed": Rule(
        PUBLIC, obj="feed", demo_lacks="the test's feed token is no one's: every address is 404"
    ),
    # -- alliances: the public registry, decisions (organisers) -----------------------------
    "alliances:registry": Rule(PUBLIC),
    "alliances:registry_xlsx": Rule(PUBLIC),
    "alliances:registry_detail": Rule(PUBLIC, obj="alliance"),
    # the lead unit's staff and the departments whose area covers the alliance
    "alliances:registry_plaque": Rule(
        roles(A, *STAFF),
        JURISDICTION,
        "alliance",
        demo_lacks="no demo applicant's unit leads an alliance of the registry",
    ),
    # 宣布解散 and the alliance's other steps: the lead unit's staff (the demo's applicants lead
    # no alliance: 404, as for every unit that is not the lead unit); departments act on their
    # own steps (the matrix fires ``dissolve``, the lead unit's: 403)
    "alliances:registry_transition": Rule(
        APPLICANTS,
        UNIT,
        "alliance",
        POST,
        ALLIANCE_ROWS,
        body={"reason": "矩阵测试"},
        demo_lacks="no demo applicant's unit leads an alliance of the registry",
    ),
    # 取消备案通知/撤销通知 and the revocation's evidence (M-35): the lead unit's staff and the
    # departments whose area covers the alliance, never the public
    "alliances:revocation_notice_pdf": Rule(
        roles(A, *STAFF),
        JURISDICTION,
        "alliance",
        demo_lacks="a revocation notice exists only once the alliance is revoked",
    ),
    "alliances:revocation_evidence": Rule(
        roles(A, *STAFF),
        JURISDICTION,
        "alliance_file",
        demo_lacks="evidence exists only once a department attaches it to a revocation",
    ),
    "alliances:decision_pdf": Rule(
        SIGNED_IN,
        obj="decision",
        demo_lacks="a decision document exists only once a decision is published",
    ),
    "alliances:decision_verify": Rule(
        PUBLIC, obj="code", demo_lacks="no published decision: every code is unknown (404)"
    ),
    "alliances:decisions": Rule(ORGANISERS),
    "alliances:decision_stage": Rule(ORGANISERS, methods=POST, unchanged=("alliances.Decision",)),
    "alliances:decisions_publish": Rule(
        ORGANISERS, methods=POST, unchanged=("alliances.Decision", "alliances.Alliance")
    ),
    "alliances:decision_unstage": Rule(
        ORGANISERS, JURISDICTION, "decision", POST, ("alliances.Decision",)
    ),
    # -- running: the alliance workspace: the lead unit's applicants write; member units and
    # the departments whose area covers the alliance read --------------------------------------
    "running:workspace": Rule(
        roles(A, M, *STAFF), JURISDICTION, "alliance", demo_lacks=WORKSPACE_LACKS
    ),
    "running:document_file": Rule(
        roles(A, M, *STAFF), JURISDICTION, "alliance_file", demo_lacks=WORKSPACE_LACKS
    ),
    "running:particulars_edit": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        FORM,
        ("running.Workspace",),
        body={"office_address": "矩阵测试", "revision": "1"},
        demo_lacks=WORKSPACE_LACKS,
    ),
    "running:meeting_new": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        FORM,
        ("running.Meeting",),
        body=MEETING_BODY,
        demo_lacks=WORKSPACE_LACKS,
    ),
    "running:meeting_edit": Rule(
        APPLICANTS,
        JURISDICTION,
        "meeting",
        FORM,
        ("running.Meeting",),
        body={**MEETING_BODY, "revision": "$revision"},
        demo_lacks=WORKSPACE_LACKS,
    ),
    "running:document_upload": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        POST,
        ("running.Document",),
        body={"title": "矩阵测试"},
        demo_lacks=WORKSPACE_LACKS,
    ),
    # -- running: change filings (变更备案): the lead unit files from the workspace; the
    # departments of the area acknowledge or query; member units sign a renewal ---------------
    "running:change_list": Rule(roles(A, M, *STAFF)),
    "running:change_detail": Rule(
        roles(A, M, *STAFF), JURISDICTION, "change", demo_lacks=CHANGE_LACKS
    ),
    "running:change_act": Rule(
        roles(A, *STAFF),
        JURISDICTION,
        "change",
        POST,
        CHANGE_ROWS,
        body={"action": "accept", "revision": "$revision", "reason": "矩阵测试"},
        demo_lacks=CHANGE_LACKS,
    ),
    "running:change_sign": Rule(
        roles(A, M),
        JURISDICTION,
        "change",
        POST,
        CHANGE_ROWS,
        demo_lacks=SIGN_LACKS,
    ),
    "running:change_paper": Rule(
        APPLICANTS,
        JURISDICTION,
        "change",
        POST,
        CHANGE_ROWS,
        body={"member": "1", "file": ("scan.pdf", b"%PDF-1.4\n%%EOF\n")},
        demo_lacks=WORKSPACE_LACKS,
    ),
    **{
        f"running:{name}": Rule(
            APPLICANTS,
            JURISDICTION,
            "alliance",
            FORM,
            CHANGE_ROWS,
            body={**body, "revision": "1"},
            demo_lacks=WORKSPACE_LACKS,
        )
        for name, body in (
            ("member_add", {"name": "矩阵单位", "kind": "enterprise", "joined_on": "2024-01-01"}),
            ("member_import", {"joined_on": "2024-01-01", "file": ("m.xlsx", "xlsx")}),
            ("member_exit", {"member": "1", "left_on": "2024-01-01", "reason": "矩阵测试"}),
            ("key_person_change", {"key": "liaison", "name": "矩阵测试"}),
            ("address_change", {"address": "矩阵测试"}),
            ("renewal_new", {"signed_on": "2024-01-01", "term_years": "3"}),
        )
    },
    # -- construction: the checklist and 验收 (Henan 五(二)): the lead unit's applicants write
    # until they apply; departments of the area read; the province's competent staff organise
    # and decide; experts assigned to the 验收 read and score. The matrix's alliances are in
    # no 验收 and led by no demo account: allowed requests may answer 404 ------------------------
    "construction:list": Rule(STAFF),
    "construction:expert_inbox": Rule(roles(E)),
    "construction:detail": Rule(
        roles(A, *STAFF, E), JURISDICTION, "alliance", demo_lacks=CONSTRUCTION_LACKS
    ),
    "construction:file": Rule(
        roles(A, *STAFF, E), JURISDICTION, "alliance", demo_lacks=CONSTRUCTION_LACKS
    ),
    "construction:certificate": Rule(
        roles(A, *STAFF, E), JURISDICTION, "alliance", demo_lacks=CONSTRUCTION_LACKS
    ),
    "construction:item": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        FORM,
        CONSTRUCTION_ROWS,
        body={"item": "bodies", "text": "矩阵测试", "revision": "0"},
        demo_lacks=CONSTRUCTION_LACKS,
    ),
    "construction:apply": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        POST,
        (*ALLIANCE_ROWS, *CONSTRUCTION_ROWS),
        body={"confirmed": "1"},
        demo_lacks=CONSTRUCTION_LACKS,
    ),
    **{
        f"construction:{name}": Rule(
            roles(C),
            JURISDICTION,
            "alliance",
            POST,
            (*ALLIANCE_ROWS, *CONSTRUCTION_ROWS),
            body=body,
            demo_lacks=CONSTRUCTION_LACKS,
        )
        for name, body in (
            ("assign", {"expert": "1", "reason": "矩阵测试"}),
            ("assign_auto", {"count": "1"}),
            ("unassign", {"assignment": "1"}),
            ("close", {"confirmed": "1"}),
            ("decide", {"confirmed": "1", "result": "fail", "reason": "矩阵测试"}),
        )
    },
    "construction:score": Rule(
        roles(E),
        JURISDICTION,
        "alliance",
        FORM,
        CONSTRUCTION_ROWS,
        body={"action": "save"},
        demo_lacks=CONSTRUCTION_LACKS,
    ),
    # -- reporting: alliance reports: the lead unit's applicants write and submit; the
    # departments whose area covers the alliance read, the one the profile names decides --------
    "reporting:alliance_reports": Rule(
        roles(A, *STAFF), JURISDICTION, "alliance", demo_lacks=REPORT_LACKS
    ),
    "reporting:report_new": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        POST,
        REPORT_ROWS,
        body={"kind": "annual_plan", "year": "2020"},
        demo_lacks=REPORT_LACKS,
    ),
    "reporting:report_detail": Rule(
        roles(A, *STAFF), JURISDICTION, "report", demo_lacks=REPORT_LACKS
    ),
    "reporting:report_edit": Rule(
        APPLICANTS,
        JURISDICTION,
        "report",
        FORM,
        REPORT_ROWS,
        body={"revision": "$revision", "f_description": "矩阵测试"},
        demo_lacks=REPORT_LACKS,
    ),
    "reporting:report_upload": Rule(
        APPLICANTS,
        JURISDICTION,
        "report",
        POST,
        ("reporting.ReportFile",),
        body={"title": "矩阵测试"},
        demo_lacks=REPORT_LACKS,
    ),
    "reporting:report_file": Rule(
        roles(A, *STAFF), JURISDICTION, "report_file", demo_lacks=REPORT_LACKS
    ),
    "reporting:report_transition": Rule(
        roles(A, *STAFF),
        JURISDICTION,
        "report",
        POST,
        REPORT_ROWS,
        body={"reason": "矩阵测试", "confirmed": "1"},
        demo_lacks=REPORT_LACKS,
    ),
    "reporting:inbox": Rule(STAFF),
    "reporting:inbox_xlsx": Rule(STAFF),
    # -- the annual evaluation: the lead unit's self-evaluation, the evaluators' inbox and
    # scoring (only their own tasks), the public notice and objections (anyone, while the
    # notice runs). The ``evaluation`` object's ids name no row (404): checked for refusals;
    # tests/evaluation/test_party_pages.py checks who sees what on real campaigns ------------
    "evaluation:mine": Rule(APPLICANTS),
    "evaluation:self_edit": Rule(
        APPLICANTS,
        UNIT,
        "evaluation",
        FORM,
        EVALUATION_ROWS,
        body={"action": "save", "revision": "1"},
        demo_lacks=EVALUATION_LACKS,
    ),
    "evaluation:tasks": Rule(roles(E, V)),
    "evaluation:score": Rule(
        roles(E, V),
        ASSIGNED,
        "evaluation",
        FORM,
        EVALUATION_ROWS,
        body={"action": "save"},
        demo_lacks=EVALUATION_LACKS,
    ),
    "evaluation:notices": Rule(PUBLIC),
    "evaluation:notice": Rule(PUBLIC, obj="evaluation", demo_lacks=EVALUATION_LACKS),
    "evaluation:objection_new": Rule(
        PUBLIC,
        obj="evaluation",
        methods=FORM,
        body={"name": "矩阵测试", "contact": "13800000000", "text": "矩阵测试"},
        demo_lacks=EVALUATION_LACKS,
        note="anyone may object while the notice runs (rate-limited per address)",
    ),
    # -- the annual evaluation, the departments' side (lianmeng.evaluation.views_staff): the
    # campaigns for the departments (the organiser opens and runs them: competent staff); one
    # alliance's evaluation for its lead unit, the departments and its evaluators; the
    # rectifications for the lead unit (report) and the departments (the organiser re-checks).
    # The ``evaluation`` object's ids name no row (404): checked for refusals;
    # tests/evaluation/test_staff_pages.py checks who sees what on real campaigns ------------
    "evaluation:campaigns": Rule(STAFF),
    "evaluation:campaign_new": Rule(
        roles(C),
        methods=FORM,
        unchanged=EVALUATION_ROWS,
        body={"year": "2025", "self_due": "2099-01-01", "scoring_due": "2099-02-01"},
        note="competent staff of a jurisdiction without an [evaluation] are told why (422)",
    ),
    "evaluation:campaign": Rule(STAFF, JURISDICTION, "evaluation", demo_lacks=EVALUATION_LACKS),
    "evaluation:campaign_advance": Rule(
        roles(C),
        JURISDICTION,
        "evaluation",
        POST,
        EVALUATION_ROWS,
        body={"confirmed": "1"},
        demo_lacks=EVALUATION_LACKS,
    ),
    "evaluation:campaign_evaluators": Rule(
        roles(C),
        JURISDICTION,
        "evaluation",
        FORM,
        EVALUATION_ROWS,
        body={"user": "1"},
        demo_lacks=EVALUATION_LACKS,
    ),
    "evaluation:objections": Rule(
        roles(C), JURISDICTION, "evaluation", demo_lacks=EVALUATION_LACKS
    ),
    "evaluation:objection_handle": Rule(
        roles(C),
        JURISDICTION,
        "evaluation",
        POST,
        EVALUATION_ROWS,
        body={"decision": "dismissed", "response": "矩阵测试"},
        demo_lacks=EVALUATION_LACKS,
    ),
    "evaluation:evaluation": Rule(
        roles(A, *STAFF, E, V), JURISDICTION, "evaluation", demo_lacks=EVALUATION_LACKS
    ),
    "evaluation:evaluation_adjust": Rule(
        roles(C),
        JURISDICTION,
        "evaluation",
        POST,
        EVALUATION_ROWS,
        body={"score": "80", "reason": "矩阵测试"},
        demo_lacks=EVALUATION_LACKS,
    ),
    "evaluation:preferential": Rule(STAFF),
    "evaluation:rectifications": Rule(roles(A, *STAFF)),
    "evaluation:rectification": Rule(
        roles(A, *STAFF),
        JURISDICTION,
        "evaluation",
        FORM,
        EVALUATION_ROWS,
        body={"report": "矩阵测试", "revision": "1"},
        demo_lacks=EVALUATION_LACKS,
    ),
    "evaluation:rectification_submit": Rule(
        APPLICANTS,
        UNIT,
        "evaluation",
        POST,
        EVALUATION_ROWS,
        body={"report": "矩阵测试", "confirmed": "1"},
        demo_lacks=EVALUATION_LACKS,
    ),
    "evaluation:recheck": Rule(
        roles(C),
        JURISDICTION,
        "evaluation",
        POST,
        EVALUATION_ROWS,
        body={"result": "fail", "reason": "矩阵测试", "confirmed": "1"},
        demo_lacks=EVALUATION_LACKS,
    ),
    # exports of the annual evaluation (lianmeng.evaluation.views_exports): results XLSX for the
    # organiser and departments below; results PDF public from the notice on; score sheets the
    # organiser's only; the warning notice for the lead unit and the departments of its area.
    # The ``evaluation`` object's ``pk`` names no campaign (404): the demo's campaigns have ids
    # that an alliance's ``pk`` may name.
    "evaluation:results_xlsx": Rule(
        roles(R, C), JURISDICTION, "evaluation", demo_lacks=EVALUATION_LACKS
    ),
    "evaluation:results_pdf": Rule(PUBLIC, obj="evaluation", demo_lacks=EVALUATION_LACKS),
    "evaluation:scores_xlsx": Rule(
        roles(C), JURISDICTION, "evaluation", demo_lacks=EVALUATION_LACKS
    ),
    "evaluation:score_sheet_pdf": Rule(
        roles(C), JURISDICTION, "evaluation", demo_lacks=EVALUATION_LACKS
    ),
    "evaluation:warning_pdf": Rule(
        roles(A, *STAFF), JURISDICTION, "evaluation", demo_lacks=EVALUATION_LACKS
    ),
    # -- rewards: the claims (lianmeng.rewards.views_claims). The lead unit's applicants file
    # and edit (the department on their behalf); the deciding department returns, organises the
    # expert review and stages decisions; experts see only the claims assigned to them; the
    # departments below read. The ``reward`` object's ids name no row (404): checked for
    # refusals; tests/rewards/test_claim_pages.py checks who sees what on real claims. The
    # calculator is public -----------------------------------------------------------------
    "rewards:claims": Rule(roles(A, *STAFF, E)),
    "rewards:claim_new": Rule(
        roles(A, C),
        obj="alliance",
        methods=FORM,
        unchanged=REWARD_ROWS,
        body={"alliance": "$alliance_id", "kind": "new_alliance"},
        note="an alliance without [rewards] (or not the subject's) is refused with 422",
    ),
    "rewards:calculator": Rule(PUBLIC),
    "rewards:claim": Rule(roles(A, *STAFF, E), JURISDICTION, "reward", demo_lacks=REWARD_LACKS),
    "rewards:claim_save": Rule(
        roles(A, C),
        JURISDICTION,
        "reward",
        POST,
        REWARD_ROWS,
        body={"investment": "1", "platform": "矩阵测试", "revision": "1"},
        demo_lacks=REWARD_LACKS,
    ),
    "rewards:claim_upload": Rule(
        roles(A, C),
        JURISDICTION,
        "reward",
        POST,
        REWARD_ROWS,
        body={"title": "矩阵测试"},
        demo_lacks=REWARD_LACKS,
    ),
    "rewards:claim_submit": Rule(
        roles(A, C),
        JURISDICTION,
        "reward",
        POST,
        REWARD_ROWS,
        body={"confirmed": "1"},
        demo_lacks=REWARD_LACKS,
    ),
    "rewards:claim_withdraw": Rule(
        roles(A, C),
        JURISDICTION,
        "reward",
        POST,
        REWARD_ROWS,
        body={"confirmed": "1"},
        demo_lacks=REWARD_LACKS,
    ),
    "rewards:claim_return": Rule(
        roles(C),
        JURISDICTION,
        "reward",
        POST,
        REWARD_ROWS,
        body={"reason": "矩阵测试", "confirmed": "1"},
        demo_lacks=REWARD_LACKS,
    ),
    "rewards:claim_reviewers": Rule(
        roles(C),
        JURISDICTION,
        "reward",
        POST,
        REWARD_ROWS,
        body={"experts": "1"},
        demo_lacks=REWARD_LACKS,
    ),
    "rewards:award_stage": Rule(
        roles(C),
        JURISDICTION,
        "reward",
        POST,
        REWARD_ROWS,
        body={"batch": "1", "amount": "1", "reason": "矩阵测试"},
        demo_lacks=REWARD_LACKS,
    ),
    "rewards:claim_file": Rule(
        roles(A, *STAFF, E), JURISDICTION, "reward", demo_lacks=REWARD_LACKS
    ),
    "rewards:claim_file_delete": Rule(
        roles(A, C), JURISDICTION, "reward", POST, REWARD_ROWS, demo_lacks=REWARD_LACKS
    ),
    "rewards:review_save": Rule(
        roles(E),
        ASSIGNED,
        "reward",
        POST,
        REWARD_ROWS,
        body={"score": "80", "suggested": "1", "comment": "矩阵测试", "action": "submit"},
        demo_lacks=REWARD_LACKS,
    ),
    "rewards:award_unstage": Rule(
        roles(C), JURISDICTION, "reward", POST, REWARD_ROWS, demo_lacks=REWARD_LACKS
    ),
    # -- rewards: the deciding department's batches, budgets, ledger and facts
    # (lianmeng.rewards.views_ledger, views_exports). Competent staff pass the gate; a
    # department whose jurisdiction has no [rewards] is told so (lists) or answered 404
    # (exports, objects); a lead unit reads its own payments on the ledger. Published
    # decisions are public. The ``reward`` object's ids (a batch's ``pk``, an instalment's
    # ``iid``, an alliance's ``aid``) name no row (404): checked for refusals;
    # tests/rewards/test_ledger_pages.py and test_exports.py check who sees what ----------
    "rewards:batches": Rule(
        roles(C),
        methods=FORM,
        unchanged=("rewards.Batch",),
        body={"title": "矩阵测试"},
        note="a department without [rewards] is told why (422)",
    ),
    "rewards:batch": Rule(roles(C), JURISDICTION, "reward", demo_lacks=REWARD_LACKS),
    "rewards:batch_publish": Rule(
        roles(C),
        JURISDICTION,
        "reward",
        POST,
        ("rewards.Batch", "rewards.Award", "rewards.Claim"),
        body={"reference": "矩阵测试", "confirmed": "1"},
        demo_lacks=REWARD_LACKS,
    ),
    "rewards:budgets": Rule(
        roles(C),
        methods=FORM,
        unchanged=("rewards.Budget",),
        body={"year": "2031", "amount": "1"},
        note="a department without [rewards] is told why (422)",
    ),
    "rewards:ledger": Rule(roles(A, C)),
    "rewards:payment_record": Rule(
        roles(C),
        JURISDICTION,
        "reward",
        POST,
        ("rewards.Payment", "rewards.Instalment"),
        body={"paid_on": "2019-01-02", "voucher": "矩阵测试", "amount": "1"},
        demo_lacks=REWARD_LACKS,
    ),
    "rewards:facts": Rule(
        roles(C),
        JURISDICTION,
        "reward",
        FORM,
        ("rewards.SupportFacts",),
        body={"key_support": "1", "key_support_reason": "矩阵测试"},
        demo_lacks=REWARD_LACKS,
    ),
    "rewards:public_batches": Rule(PUBLIC),
    "rewards:public_batch": Rule(PUBLIC, obj="reward", demo_lacks=REWARD_LACKS),
    "rewards:ledger_xlsx": Rule(
        roles(C), demo_lacks="a department without [rewards] keeps no ledger (404)"
    ),
    "rewards:ledger_pdf": Rule(
        roles(C), demo_lacks="a department without [rewards] keeps no ledger (404)"
    ),
    "rewards:budgets_xlsx": Rule(
        roles(C), demo_lacks="a department without [rewards] keeps no budgets (404)"
    ),
    "rewards:budgets_pdf": Rule(
        roles(C), demo_lacks="a department without [rewards] keeps no budgets (404)"
    ),
    "rewards:batch_pdf": Rule(PUBLIC, obj="reward", demo_lacks=REWARD_LACKS),
}

#: the API: the document itself and its browser are public; ``api:unknown`` answers 404 to all
API_PAGES: dict[str, Rule] = {
    "api:openapi-json": Rule(PUBLIC),
    "api:openapi-view": Rule(PUBLIC),
    "api:api-root": Rule(PUBLIC, note="answers 404 in the API's error shape"),
    "api:unknown": Rule(PUBLIC, note="answers 404 in the API's error shape"),
}

PROPOSAL_API = READERS
ORGANISER_API = ORGANISERS

API: dict[str, Rule] = {
    "POST /api/v1/checks": Rule(PUBLIC, methods=POST, note="judges a document, stores nothing"),
    "GET /api/v1/profiles": Rule(PUBLIC),
    "GET /api/v1/profiles/{profile_id}": Rule(PUBLIC, obj="profile"),
    "GET /api/v1/profiles/{profile_id}/roster-template": Rule(PUBLIC, obj="profile"),
    "GET /api/v1/jurisdictions": Rule(PUBLIC),
    "GET /api/v1/jurisdictions/{code}": Rule(PUBLIC, obj="jurisdiction"),
    "GET /api/v1/calls": Rule(PUBLIC),
    "GET /api/v1/calls/{call_id}": Rule(PUBLIC, obj="call"),
    "GET /api/v1/verify/{code}": Rule(PUBLIC, obj="code"),
    "GET /api/v1/registry": Rule(PUBLIC),
    "GET /api/v1/registry/{alliance_id}": Rule(PUBLIC, obj="alliance"),
    "GET /api/v1/registry/{alliance_id}/history": Rule(PUBLIC, obj="alliance"),
    "GET /api/v1/registry/{alliance_id}/transitions": Rule(SIGNED_IN, obj="alliance"),
    "POST /api/v1/registry/{alliance_id}/transitions/{name}": Rule(
        APPLICANTS,
        UNIT,
        "alliance",
        POST,
        ALLIANCE_ROWS,
        body={"reason": "矩阵测试"},
        demo_lacks="no demo applicant's unit leads an alliance of the registry",
    ),
    "GET /api/v1/registry/{alliance_id}/revocation-notice.pdf": Rule(
        roles(A, *STAFF),
        JURISDICTION,
        "alliance",
        demo_lacks="a revocation notice exists only once the alliance is revoked",
    ),
    "GET /api/v1/registry/{alliance_id}/plaque.pdf": Rule(
        roles(A, *STAFF),
        JURISDICTION,
        "alliance",
        demo_lacks="no demo applicant's unit leads an alliance of the registry",
    ),
    # the alliance workspace (lead unit writes; member units and departments of the area read)
    "GET /api/v1/alliances/{alliance_id}/workspace": Rule(
        roles(A, M, *STAFF), JURISDICTION, "alliance", demo_lacks=WORKSPACE_LACKS
    ),
    "GET /api/v1/alliances/{alliance_id}/meetings": Rule(
        roles(A, M, *STAFF), JURISDICTION, "alliance", demo_lacks=WORKSPACE_LACKS
    ),
    "POST /api/v1/alliances/{alliance_id}/meetings": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        POST,
        ("running.Meeting",),
        body={"kind": "council", "held_on": "2024-01-01", "attendance_count": 3},
        demo_lacks=WORKSPACE_LACKS,
    ),
    "PUT /api/v1/alliances/{alliance_id}/meetings/{meeting_id}": Rule(
        APPLICANTS,
        JURISDICTION,
        "meeting",
        ("PUT",),
        ("running.Meeting",),
        body={
            "kind": "work",
            "held_on": "2024-01-01",
            "attendance_count": 3,
            "revision": "$revision",
        },
        demo_lacks=WORKSPACE_LACKS,
    ),
    # -- construction: the checklist and 验收 (as the pages above) ---------------------------
    "GET /api/v1/construction/{alliance_id}/checklist": Rule(
        roles(A, *STAFF, E), JURISDICTION, "alliance", demo_lacks=CONSTRUCTION_LACKS
    ),
    "PUT /api/v1/construction/{alliance_id}/checklist": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        ("PUT",),
        CONSTRUCTION_ROWS,
        body={"item": "bodies", "text": "矩阵测试", "revision": 0},
        demo_lacks=CONSTRUCTION_LACKS,
    ),
    "POST /api/v1/construction/{alliance_id}/checklist/files": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        POST,
        CONSTRUCTION_ROWS,
        body={"item": "bodies", "file": ("矩阵.pdf", b"%PDF-1.4\n%%EOF\n")},
        demo_lacks=CONSTRUCTION_LACKS,
    ),
    "POST /api/v1/construction/{alliance_id}/apply": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        POST,
        (*ALLIANCE_ROWS, *CONSTRUCTION_ROWS),
        body={"note": "矩阵测试"},
        demo_lacks=CONSTRUCTION_LACKS,
    ),
    "GET /api/v1/construction/{alliance_id}/acceptance": Rule(
        roles(A, *STAFF, E), JURISDICTION, "alliance", demo_lacks=CONSTRUCTION_LACKS
    ),
    "GET /api/v1/construction/{alliance_id}/acceptance/experts": Rule(
        roles(C), JURISDICTION, "alliance", demo_lacks=CONSTRUCTION_LACKS
    ),
    **{
        f"POST /api/v1/construction/{{alliance_id}}/acceptance/{name}": Rule(
            roles(C),
            JURISDICTION,
            "alliance",
            POST,
            (*ALLIANCE_ROWS, *CONSTRUCTION_ROWS),
            body=body,
            demo_lacks=CONSTRUCTION_LACKS,
        )
        for name, body in (
            ("experts", {"experts": [1], "reason": "矩阵测试"}),
            ("close", None),
            ("decision", {"result": "fail", "reason": "矩阵测试"}),
        )
    },
    "POST /api/v1/construction/{alliance_id}/acceptance/scores": Rule(
        roles(E),
        JURISDICTION,
        "alliance",
        POST,
        CONSTRUCTION_ROWS,
        body={"scores": {}, "final": False},
        demo_lacks=CONSTRUCTION_LACKS,
    ),
    "GET /api/v1/construction/{alliance_id}/certificate.pdf": Rule(
        roles(A, *STAFF, E), JURISDICTION, "alliance", demo_lacks=CONSTRUCTION_LACKS
    ),
    # change filings (变更备案): the lead unit files; departments of the area answer
    **{
        f"POST /api/v1/alliances/{{alliance_id}}/{path}": Rule(
            APPLICANTS,
            JURISDICTION,
            "alliance",
            POST,
            CHANGE_ROWS,
            body=body,
            demo_lacks=WORKSPACE_LACKS,
        )
        for path, body in (
            (
                "members",
                {
                    "revision": 1,
                    "joined_on": "2024-01-01",
                    "members": [{"name": "矩阵单位", "kind": "enterprise"}],
                },
            ),
            (
                "members/import",
                {"file": ("m.xlsx", "xlsx"), "revision": "1", "joined_on": "2024-01-01"},
            ),
            (
                "member-exits",
                {"revision": 1, "member": 1, "left_on": "2024-01-01", "reason": "矩阵测试"},
            ),
            ("key-people", {"revision": 1, "key": "liaison", "name": "矩阵测试"}),
            ("address", {"revision": 1, "address": "矩阵测试"}),
            (
                "renewals",
                {
                    "file": ("a.pdf", b"%PDF-1.4\n%%EOF\n"),
                    "revision": "1",
                    "signed_on": "2024-01-01",
                    "term_years": "3",
                },
            ),
        )
    },
    "GET /api/v1/changes": Rule(SIGNED_IN, note="each sees only the filings he may see"),
    "GET /api/v1/changes/{change_id}": Rule(
        roles(A, M, *STAFF), JURISDICTION, "change", demo_lacks=CHANGE_LACKS
    ),
    **{
        f"POST /api/v1/changes/{{change_id}}/{action}": Rule(
            # a recommender (county) sees its area's filings but acknowledges none: 403
            roles(A, *ORGANISERS),
            JURISDICTION,
            "change",
            POST,
            CHANGE_ROWS,
            body={"revision": "$revision", "reason": "矩阵测试"},
            demo_lacks=CHANGE_LACKS,
        )
        for action in ("acknowledge", "query", "answer")
    },
    "POST /api/v1/changes/{change_id}/signatures": Rule(
        roles(A, M), JURISDICTION, "change", POST, CHANGE_ROWS, demo_lacks=SIGN_LACKS
    ),
    "POST /api/v1/changes/{change_id}/signatures/paper": Rule(
        APPLICANTS,
        JURISDICTION,
        "change",
        POST,
        CHANGE_ROWS,
        body={"member": "1", "file": ("scan.pdf", b"%PDF-1.4\n%%EOF\n")},
        demo_lacks=WORKSPACE_LACKS,
    ),
    # -- reporting: alliance reports (lead unit writes and submits; the department decides) --
    "GET /api/v1/alliances/{alliance_id}/reports": Rule(
        roles(A, *STAFF), JURISDICTION, "alliance", demo_lacks=REPORT_LACKS
    ),
    "POST /api/v1/alliances/{alliance_id}/reports": Rule(
        APPLICANTS,
        JURISDICTION,
        "alliance",
        POST,
        REPORT_ROWS,
        body={"kind": "annual_plan", "year": 2020},
        demo_lacks=REPORT_LACKS,
    ),
    "GET /api/v1/alliances/{alliance_id}/kpi-warnings": Rule(
        roles(A, *STAFF), JURISDICTION, "alliance", demo_lacks=REPORT_LACKS
    ),
    "GET /api/v1/reports": Rule(STAFF),
    "GET /api/v1/reports/{report_id}": Rule(
        roles(A, *STAFF), JURISDICTION, "report", demo_lacks=REPORT_LACKS
    ),
    "PUT /api/v1/reports/{report_id}": Rule(
        APPLICANTS,
        JURISDICTION,
        "report",
        ("PUT",),
        REPORT_ROWS,
        body={"revision": "$revision", "content": {}},
        demo_lacks=REPORT_LACKS,
    ),
    "POST /api/v1/reports/{report_id}/submit": Rule(
        APPLICANTS, JURISDICTION, "report", POST, REPORT_ROWS, body={}, demo_lacks=REPORT_LACKS
    ),
    "POST /api/v1/reports/{report_id}/accept": Rule(
        ORGANISERS,
        JURISDICTION,
        "report",
        POST,
        REPORT_ROWS,
        body={"reason": "矩阵测试"},
        demo_lacks=REPORT_LACKS,
    ),
    "POST /api/v1/reports/{report_id}/return": Rule(
        ORGANISERS,
        JURISDICTION,
        "report",
        POST,
        REPORT_ROWS,
        body={"reason": "矩阵测试"},
        demo_lacks=REPORT_LACKS,
    ),
    # -- the annual evaluation (lianmeng.evaluation; the matrix has no campaign, evaluation,
    # objection or rectification: the ``evaluation`` object's ids name none, so the rules below
    # are checked for refusals; tests/evaluation/test_api.py checks who sees what) ------------
    "GET /api/v1/evaluations/campaigns": Rule(SIGNED_IN, note="each sees only his campaigns"),
    "POST /api/v1/evaluations/campaigns": Rule(
        roles(C),
        JURISDICTION,
        "profile",
        POST,
        EVALUATION_ROWS,
        body={
            "profile": "$profile",
            "year": 2025,
            "self_due": "2099-01-01",
            "scoring_due": "2099-01-02",
        },
        demo_lacks="only Henan's and Luoyang's profiles have an evaluation (else 404)",
    ),
    "GET /api/v1/evaluations/campaigns/{campaign_id}": Rule(
        SIGNED_IN, JURISDICTION, "evaluation", demo_lacks=EVALUATION_LACKS
    ),
    "GET /api/v1/evaluations/campaigns/{campaign_id}/evaluations": Rule(
        SIGNED_IN, JURISDICTION, "evaluation", demo_lacks=EVALUATION_LACKS
    ),
    **{
        f"POST /api/v1/evaluations/campaigns/{{campaign_id}}/{path}": Rule(
            roles(C),
            JURISDICTION,
            "evaluation",
            POST,
            EVALUATION_ROWS,
            body=body,
            demo_lacks=EVALUATION_LACKS,
        )
        for path, body in (("advance", {}), ("evaluators", {"user": 1}))
    },
    "GET /api/v1/evaluations/preferential": Rule(STAFF),
    "POST /api/v1/evaluations/objections/{objection_id}/handle": Rule(
        roles(C),
        JURISDICTION,
        "evaluation",
        POST,
        EVALUATION_ROWS,
        body={"upheld": False, "response": "矩阵测试"},
        demo_lacks=EVALUATION_LACKS,
    ),
    "GET /api/v1/evaluations/{evaluation_id}": Rule(
        SIGNED_IN, JURISDICTION, "evaluation", demo_lacks=EVALUATION_LACKS
    ),
    "PUT /api/v1/evaluations/{evaluation_id}/self": Rule(
        APPLICANTS,
        JURISDICTION,
        "evaluation",
        ("PUT",),
        EVALUATION_ROWS,
        body={"content": {}},
        demo_lacks=EVALUATION_LACKS,
    ),
    "PUT /api/v1/evaluations/{evaluation_id}/scores": Rule(
        roles(E, V),
        JURISDICTION,
        "evaluation",
        ("PUT",),
        EVALUATION_ROWS,
        body={"scores": {}},
        demo_lacks=EVALUATION_LACKS,
    ),
    "POST /api/v1/evaluations/{evaluation_id}/adjust": Rule(
        roles(C),
        JURISDICTION,
        "evaluation",
        POST,
        EVALUATION_ROWS,
        body={"score": "60", "reason": "矩阵测试"},
        demo_lacks=EVALUATION_LACKS,
    ),
    "POST /api/v1/evaluations/{evaluation_id}/objections": Rule(
        SIGNED_IN,
        JURISDICTION,
        "evaluation",
        POST,
        EVALUATION_ROWS,
        body={"name": "矩阵测试", "contact": "13800000000", "text": "矩阵测试"},
        demo_lacks=EVALUATION_LACKS,
        note="anyone who sees the notice, during the notice period",
    ),
    "GET /api/v1/rectifications": Rule(SIGNED_IN, note="each sees only his rectifications"),
    "GET /api/v1/rectifications/{rectification_id}": Rule(
        roles(A, *STAFF), JURISDICTION, "evaluation", demo_lacks=EVALUATION_LACKS
    ),
    "PUT /api/v1/rectifications/{rectification_id}/report": Rule(
        APPLICANTS,
        JURISDICTION,
        "evaluation",
        ("PUT",),
        EVALUATION_ROWS,
        body={"report": "矩阵测试"},
        demo_lacks=EVALUATION_LACKS,
    ),
    "POST /api/v1/rectifications/{rectification_id}/submit": Rule(
        APPLICANTS,
        JURISDICTION,
        "evaluation",
        POST,
        EVALUATION_ROWS,
        body={},
        demo_lacks=EVALUATION_LACKS,
    ),
    "POST /api/v1/rectifications/{rectification_id}/recheck": Rule(
        roles(C),
        JURISDICTION,
        "evaluation",
        POST,
        (*EVALUATION_ROWS, *ALLIANCE_ROWS),
        body={"passed": False, "reason": "矩阵测试"},
        demo_lacks=EVALUATION_LACKS,
    ),
    # -- tokens: each account its own ------------------------------------------------------
    # created only from a signed-in browser session that confirmed the password recently: a
    # token cannot mint tokens (401 with a token)
    "POST /api/v1/tokens": Rule(
        SIGNED_IN, methods=POST, body={"name": "矩阵测试"}, session_only=True
    ),
    "GET /api/v1/tokens": Rule(SIGNED_IN),
    "DELETE /api/v1/tokens/{token_id}": Rule(
        SIGNED_IN, SELF, "token", ("DELETE",), ("core.ApiToken",)
    ),
    "GET /api/v1/notifications": Rule(SIGNED_IN),
    "POST /api/v1/notifications/{notification_id}/read": Rule(
        SIGNED_IN, SELF, "notification", POST, ("reviews.Notification",)
    ),
    # -- proposals --------------------------------------------------------------------------
    "GET /api/v1/proposals": Rule(roles(A, *STAFF)),
    "POST /api/v1/proposals": Rule(
        APPLICANTS, methods=POST, unchanged=("proposals.Proposal",), body={}
    ),
    "GET /api/v1/proposals/{proposal_id}": Rule(PROPOSAL_API, VISIBLE, "proposal"),
    "GET /api/v1/proposals/{proposal_id}/document": Rule(PROPOSAL_API, VISIBLE, "proposal"),
    "GET /api/v1/proposals/{proposal_id}/eligibility": Rule(PROPOSAL_API, VISIBLE, "proposal"),
    "GET /api/v1/proposals/{proposal_id}/duplicates": Rule(PROPOSAL_API, VISIBLE, "proposal"),
    "GET /api/v1/proposals/{proposal_id}/history": Rule(PROPOSAL_API, VISIBLE, "proposal"),
    "GET /api/v1/proposals/{proposal_id}/transitions": Rule(PROPOSAL_API, VISIBLE, "proposal"),
    "GET /api/v1/proposals/{proposal_id}/versions": Rule(PROPOSAL_API, VISIBLE, "proposal"),
    "GET /api/v1/proposals/{proposal_id}/versions/{number}/pdf": Rule(
        PROPOSAL_API, VISIBLE, "proposal"
    ),
    "GET /api/v1/proposals/{proposal_id}/sections/{key}": Rule(PROPOSAL_API, VISIBLE, "proposal"),
    "PUT /api/v1/proposals/{proposal_id}/sections/{key}": Rule(
        APPLICANTS,
        UNIT,
        "draft",
        ("PUT",),
        PROPOSAL_ROWS,
        body={"revision": "$revision", "values": {}},
    ),
    "GET /api/v1/proposals/{proposal_id}/members": Rule(PROPOSAL_API, VISIBLE, "proposal"),
    "GET /api/v1/proposals/{proposal_id}/members/export": Rule(PROPOSAL_API, VISIBLE, "proposal"),
    "POST /api/v1/proposals/{proposal_id}/members": Rule(
        APPLICANTS,
        UNIT,
        "draft",
        POST,
        ROSTER_ROWS,
        body={"name": "矩阵测试单位", "kind": "enterprise"},
    ),
    "PUT /api/v1/proposals/{proposal_id}/members/{index}": Rule(
        APPLICANTS,
        UNIT,
        "draft",
        ("PUT",),
        ROSTER_ROWS,
        body={"name": "矩阵测试单位", "kind": "enterprise"},
        query="revision=$revision",
    ),
    "DELETE /api/v1/proposals/{proposal_id}/members/{index}": Rule(
        APPLICANTS, UNIT, "draft", ("DELETE",), ROSTER_ROWS, query="revision=$revision"
    ),
    "POST /api/v1/proposals/{proposal_id}/members/import": Rule(
        APPLICANTS,
        UNIT,
        "draft",
        POST,
        ROSTER_ROWS,
        body={"file": ("members.xlsx", "xlsx")},
        query="revision=$revision",
    ),
    "GET /api/v1/proposals/{proposal_id}/materials": Rule(PROPOSAL_API, VISIBLE, "proposal"),
    "GET /api/v1/proposals/{proposal_id}/materials/{material_id}": Rule(
        PROPOSAL_API, VISIBLE, "proposal"
    ),
    "POST /api/v1/proposals/{proposal_id}/materials": Rule(
        APPLICANTS,
        UNIT,
        "draft",
        POST,
        ("proposals.Material",),
        body={"file": ("agreement.pdf", b"%PDF-1.4\n%%EOF\n"), "kind": "agreement"},
    ),
    "DELETE /api/v1/proposals/{proposal_id}/materials/{material_id}": Rule(
        APPLICANTS, UNIT, "draft", ("DELETE",), ("proposals.Material",)
    ),
    "PUT /api/v1/proposals/{proposal_id}/writeups/{part}/{section}": Rule(
        APPLICANTS,
        UNIT,
        "draft",
        ("PUT",),
        PROPOSAL_ROWS,
        body={"html": "<p>矩阵测试</p>", "base": EMPTY_BASE},
    ),
    "GET /api/v1/proposals/{proposal_id}/agreement.docx": Rule(APPLICANTS, UNIT, "draft"),
    "POST /api/v1/proposals/{proposal_id}/submit": Rule(
        APPLICANTS, UNIT, "draft", POST, (*PROPOSAL_ROWS, "proposals.ProposalVersion"), body={}
    ),
    "POST /api/v1/proposals/{proposal_id}/withdraw": Rule(
        APPLICANTS, UNIT, "proposal", POST, PROPOSAL_ROWS, body={"reason": "矩阵测试"}
    ),
    # -- recommendation, acceptance ---------------------------------------------------------
    "POST /api/v1/proposals/{proposal_id}/transitions/{name}": Rule(
        STAFF, VISIBLE, "proposal", POST, PROPOSAL_ROWS, body={"reason": "矩阵测试"}
    ),
    "POST /api/v1/proposals/{proposal_id}/reopen": Rule(
        STAFF, VISIBLE, "proposal", POST, PROPOSAL_ROWS, body={"reason": "矩阵测试"}
    ),
    "POST /api/v1/proposals/{proposal_id}/paper-copies": Rule(
        roles(C),
        VISIBLE,
        "proposal",
        POST,
        ("reviews.PaperReceipt",),
        body={"copies": 2, "received_at": "2020-09-01T10:00:00+08:00", "received_by": "矩阵测试"},
    ),
    "GET /api/v1/reviews/inbox": Rule(STAFF),
    "GET /api/v1/recommendations/{year}.xlsx": Rule(roles(R), obj="year"),
    "GET /api/v1/recommendations/{year}.pdf": Rule(roles(R), obj="year"),
    # -- calls ------------------------------------------------------------------------------
    # bound to the profiles of the department's jurisdiction (finding 7)
    "POST /api/v1/calls": Rule(
        roles(C),
        JURISDICTION,
        "profile",
        methods=POST,
        unchanged=("calls.Call",),
        body={
            "profile": "$profile",
            "year": 2030,
            "title": "矩阵测试通知",
            "online_opens": "2030-01-01",
            "online_closes": "2030-02-01",
        },
    ),
    "POST /api/v1/calls/{call_id}/publish": Rule(
        roles(C), JURISDICTION, "staff_call", POST, ("calls.Call",)
    ),
    "POST /api/v1/calls/{call_id}/proposals": Rule(
        APPLICANTS, obj="call", methods=POST, unchanged=("proposals.Proposal",)
    ),
    # -- expert review ----------------------------------------------------------------------
    "GET /api/v1/review-rounds": Rule(ORGANISER_API),
    "POST /api/v1/review-rounds": Rule(
        ORGANISER_API,
        JURISDICTION,
        "profile",
        methods=POST,
        unchanged=ROUND_ROWS,
        body={"profile": "$profile", "call_year": 2020},
    ),
    "GET /api/v1/review-rounds/{round_id}": Rule(ORGANISER_API, JURISDICTION, "round"),
    "GET /api/v1/review-rounds/{round_id}/assignments": Rule(ORGANISER_API, JURISDICTION, "round"),
    "GET /api/v1/review-rounds/{round_id}/results": Rule(ORGANISER_API, JURISDICTION, "round"),
    "GET /api/v1/review-rounds/{round_id}/results.xlsx": Rule(ORGANISER_API, JURISDICTION, "round"),
    "POST /api/v1/review-rounds/{round_id}/proposals": Rule(
        ORGANISER_API, JURISDICTION, "round", POST, ROUND_ROWS, body={"proposals": ["$proposal"]}
    ),
    "POST /api/v1/review-rounds/{round_id}/auto-assign": Rule(
        ORGANISER_API, JURISDICTION, "round", POST, ROUND_ROWS, body={}
    ),
    "POST /api/v1/review-rounds/{round_id}/assignments": Rule(
        ORGANISER_API,
        JURISDICTION,
        "round",
        POST,
        ROUND_ROWS,
        body={"proposal": "$proposal", "expert": "$expert", "reason": "矩阵测试"},
    ),
    "POST /api/v1/review-rounds/{round_id}/close": Rule(
        ORGANISER_API, JURISDICTION, "round", POST, ROUND_ROWS
    ),
    "GET /api/v1/review-assignments": Rule(roles(E)),
    "GET /api/v1/review-assignments/{assignment_id}": Rule(roles(E), ASSIGNED, "assignment"),
    "PUT /api/v1/review-assignments/{assignment_id}/scores": Rule(
        roles(E), ASSIGNED, "assignment", ("PUT",), ("experts.Score",), body={"scores": {}}
    ),
    "POST /api/v1/review-assignments/{assignment_id}/conflict": Rule(
        roles(E), ASSIGNED, "assignment", POST, ("experts.Assignment",), body={"reason": "矩阵测试"}
    ),
    # -- decisions --------------------------------------------------------------------------
    "GET /api/v1/decisions": Rule(ORGANISER_API),
    "POST /api/v1/decisions": Rule(
        ORGANISER_API,
        VISIBLE,
        "proposal",
        POST,
        ("alliances.Decision",),
        body={"proposal": "$proposal_id", "kind": "decline", "reason": "矩阵测试"},
    ),
    "POST /api/v1/decisions/publish": Rule(
        ORGANISER_API,
        JURISDICTION,
        "decision",
        POST,
        ("alliances.Decision", "alliances.Alliance"),
        body={"decisions": ["$decision"]},
    ),
    # -- rewards over the API (lianmeng.api.rewards): the calculation is public (rate-limited,
    # stores nothing); the claims answer each caller his own (lead unit, deciding department,
    # departments below, assigned experts), the ledger the department's and the lead unit's
    # payments, the budgets the department's. The ``reward`` object's ids name no row (404):
    # checked for refusals; tests/api/test_rewards_api.py checks who sees what on real claims.
    # Filing names the alliance in the body: one the caller may not file for is a 422 on the
    # ``alliance`` field, as the web form's choice --------------------------------------------
    "POST /api/v1/rewards/calculate": Rule(
        PUBLIC,
        methods=POST,
        body={"profile": "luoyang", "claims": []},
        note="computes like lianmeng rewards, stores nothing",
    ),
    "GET /api/v1/rewards/claims": Rule(SIGNED_IN, note="each sees only the claims he may see"),
    "POST /api/v1/rewards/claims": Rule(
        roles(A, C),
        None,
        "alliance",
        POST,
        REWARD_ROWS,
        body={"alliance": "$alliance_id", "kind": "new_alliance"},
        note="an alliance the caller may not file for (or without [rewards]) is refused with 422",
    ),
    "GET /api/v1/rewards/claims/{claim_id}": Rule(
        SIGNED_IN, JURISDICTION, "reward", demo_lacks=REWARD_LACKS
    ),
    "POST /api/v1/rewards/claims/{claim_id}/files": Rule(
        roles(A, C),
        JURISDICTION,
        "reward",
        POST,
        REWARD_ROWS,
        body={"title": "矩阵", "file": ("矩阵.pdf", b"%PDF-1.4\n%%EOF\n")},
        demo_lacks=REWARD_LACKS,
    ),
    "POST /api/v1/rewards/claims/{claim_id}/submit": Rule(
        roles(A, C), JURISDICTION, "reward", POST, REWARD_ROWS, body={}, demo_lacks=REWARD_LACKS
    ),
    "GET /api/v1/rewards/ledger": Rule(SIGNED_IN, note="the department's and the lead unit's own"),
    "GET /api/v1/rewards/budgets": Rule(SIGNED_IN, note="the deciding department's; else empty"),
}


# -- issue 16: one module per app (tests/web/authz_rules_<app>.py, each with PAGES and API) ------


def _merge_app_rules() -> None:
    import importlib

    for app in ("notices", "ipbase", "projects", "whatif", "insight", "insight_overlap", "jobs"):
        module = importlib.import_module(f"tests.web.authz_rules_{app}")
        PAGES.update(module.PAGES)
        API.update(module.API)


_merge_app_rules()
