"""Issue 12: the authorisation matrix, generated from the URL conf and the OpenAPI document.

Every page (URL name) and every API operation × every demo subject × an object of the subject's
own jurisdiction (unit, assignment, account) and one of another, against the rule table
``tests/web/authz_rules.py``. Allowed: not 401/403/404 and not sent to the login page (a 4xx
about the request itself is fine: access was granted). Refused: 403 or 404 (signed in), the login
page (anonymous, pages) or 401 (anonymous, API); a refused read does not show the object's name,
a refused write leaves the audit log, the object's row and the tables its rule names unchanged.
The test fails when a URL or an operation has no rule, or a rule names one that is gone.

The demo data and the objects it lacks (drafts, materials, review rounds and assignments in four
jurisdictions, staged decisions, unpublished calls, notifications, API tokens) are made once for
the module; each request runs in a savepoint that is rolled back.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.web.authz_rules import API, API_PAGES, PAGES, PUBLIC, SIGNED_IN, Rule

SUBJECTS = [
    "anonymous",
    "shenbao",
    "shenbao-bd",
    "chengyuan",
    "jianxi",
    "luoyang",
    "henan",
    "baoding",
    "zhuanjia",
    "pinggu",
    "xietiao",
    "xitong",
    "anquan",
    "shenji",
]
#: the subject's own area and the other one: which of the world's objects are his
AREAS = {
    "anonymous": ("henan", "baoding"),
    "shenbao": ("henan", "baoding"),
    "shenbao-bd": ("baoding", "henan"),
    "chengyuan": ("henan", "baoding"),
    "jianxi": ("luoyang", "henan"),
    "luoyang": ("luoyang", "henan"),
    "henan": ("henan", "baoding"),
    "baoding": ("baoding", "henan"),
    "zhuanjia": ("henan", "baoding"),
    "pinggu": ("henan", "baoding"),
    "xietiao": ("hlj", "henan"),
    "xitong": ("henan", "baoding"),
    "anquan": ("henan", "baoding"),
    "shenji": ("henan", "baoding"),
}
PROFILE_OF = {"henan": "henan", "luoyang": "luoyang", "baoding": "baoding", "hlj": "heilongjiang"}
NOT_FOUND_BY_DESIGN = {"api:unknown", "api:api-root"}
#: an id no row of the matrix's world has (objects the world lacks)
NO_SUCH_ROW = 2_000_000_000
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


# -- the URL conf and the OpenAPI document -------------------------------------------------------


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route, ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), route


@functools.cache
def url_routes() -> dict[str, str]:
    """Every named URL of the URL conf, ``namespace:name`` → route."""
    return dict(_walk(get_resolver().url_patterns))


def api_operations() -> dict[str, dict[str, Any]]:
    """Every operation of the OpenAPI document, ``METHOD /api/v1/path`` → operation."""
    from lianmeng.api.urls import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path}": operation
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    }


def test_every_url_has_a_rule():
    operation_paths = {key.split(" ", 1)[1] for key in api_operations()}
    missing = []
    for name, route in url_routes().items():
        if name in PAGES or name in API_PAGES:
            continue
        if name.startswith("api:") and "/" + PARAM.sub(r"{\2}", route) in operation_paths:
            continue  # an API operation: its rules are API's, by method and path
        missing.append(f"{name} (/{route})")
    assert not missing, (
        "URLs without an authorisation rule — add an entry for each to PAGES in "
        "tests/web/authz_rules.py (who may use it, on which objects):\n  " + "\n  ".join(missing)
    )


def test_every_api_operation_has_a_rule():
    missing = sorted(set(api_operations()) - set(API))
    assert not missing, (
        "API operations without an authorisation rule — add an entry for each to API in "
        "tests/web/authz_rules.py:\n  " + "\n  ".join(missing)
    )


def test_every_rule_names_a_url_that_exists():
    gone = sorted((set(PAGES) | set(API_PAGES)) - set(url_routes()))
    gone += sorted(set(API) - set(api_operations()))
    assert not gone, (
        "Rules in tests/web/authz_rules.py for URLs or API operations that no longer exist — "
        "remove them:\n  " + "\n  ".join(gone)
    )


# -- the world: the demo data and what it lacks ---------------------------------------------------


@dataclass
class World:
    users: dict[str, Any]
    sessions: dict[str, str]
    tokens: dict[str, str]
    bundles: dict[tuple[str, str, str], dict[str, Any]]  # (subject, own|other, obj) → params


def _expert(username: str, unit) -> Any:
    from lianmeng.core.services import user_create
    from lianmeng.demo import DEMO_PASSWORD
    from lianmeng.experts.models import ExpertProfile

    user = user_create(
        actor=None,
        username=username,
        password=DEMO_PASSWORD,
        display_name=f"矩阵{username}专家",
        unit=unit,
        roles=["expert"],
    )
    return ExpertProfile.objects.create(user=user, fields=["新材料"], region=unit.region)


def _build_world() -> World:
    from lianmeng.alliances.models import Alliance, Decision
    from lianmeng.calls.models import Call
    from lianmeng.core import clock
    from lianmeng.core.models import Jurisdiction, Unit, User
    from lianmeng.core.tokens import token_create
    from lianmeng.demo import _example, load_demo
    from lianmeng.experts.models import Assignment, ExpertProfile, ReviewRound, RoundProposal
    from lianmeng.proposals.models import Material, Proposal
    from lianmeng.proposals.services import proposal_import
    from lianmeng.reviews.models import Notification
    from lianmeng.running.models import ChangeFiling, Meeting
    from lianmeng.running.models import Document as WorkspaceDocument
    from lianmeng.running.services import workspace_ensure

    list(load_demo())
    users = {u.username: u for u in User.objects.all()}
    now = clock.now()
    filed = {
        "henan": Proposal.objects.get(profile="henan", region__code="410182"),
        "luoyang": Proposal.objects.get(profile="luoyang"),
        "baoding": Proposal.objects.get(profile="baoding"),
        "hlj": Proposal.objects.get(profile="heilongjiang"),
    }
    drafts = {}
    for area, profile, owner in (
        ("henan", "henan", "shenbao"),
        ("baoding", "baoding", "shenbao-bd"),
        ("luoyang", "luoyang", "shenbao-ly"),
    ):
        doc = _example(profile)
        doc["name"] = doc["name"].replace("联盟", "矩阵草稿联盟", 1)
        drafts[area] = proposal_import(actor=users[owner], document=doc)
    drafts["hlj"] = drafts["baoding"]

    def material(proposal):
        return Material.objects.create(
            proposal=proposal,
            kind="agreement",
            title=f"{proposal.name}协议书",
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="agreement.pdf"),
            original_name="agreement.pdf",
            content_type="application/pdf",
            size=15,
            sha256="0" * 64,
            uploaded_by=None,
        )

    materials = {p.pk: material(p) for p in [*filed.values(), *drafts.values()]}

    experts = {
        "henan": ExpertProfile.objects.get(user__username="zhuanjia"),
        "luoyang": ExpertProfile.objects.get(user__username="zhuanjia-ly"),
        "baoding": _expert("zhuanjia-bd", Unit.objects.get(pk=filed["baoding"].lead_unit_id)),
        "hlj": _expert("zhuanjia-hlj", Unit.objects.get(pk=filed["hlj"].lead_unit_id)),
    }
    other_expert = ExpertProfile.objects.get(user__username="zhuanjia-xx")
    codes = {"henan": "410000", "luoyang": "410300", "baoding": "130600", "hlj": "230000"}
    organisers = {"henan": "henan", "luoyang": "luoyang", "baoding": "baoding", "hlj": "xietiao"}
    rounds, assignments, calls, decisions = {}, {}, {}, {}
    for area, code in codes.items():
        jurisdiction = Jurisdiction.objects.get(code=code)
        rounds[area] = ReviewRound.objects.create(
            profile=PROFILE_OF[area],
            call_year=2020,
            jurisdiction=jurisdiction,
            title=f"矩阵评审轮次{code}",
            criteria=[],
            closes_at=now + timedelta(days=10),
            created_by=users[organisers[area]],
        )
        RoundProposal.objects.create(round=rounds[area], proposal=filed[area])
        assignments[area] = Assignment.objects.create(
            round=rounds[area], proposal=filed[area], expert=experts[area], by="auto"
        )
        calls[area] = Call.objects.create(
            profile=PROFILE_OF[area],
            jurisdiction=jurisdiction,
            year=2031,
            title=f"矩阵未发布通知{code}",
            online_opens_at=now + timedelta(days=400),
            online_closes_at=now + timedelta(days=460),
            created_by=users[organisers[area]],
        )
        decisions[area] = Decision.objects.create(
            proposal=filed[area],
            profile=filed[area].profile,
            kind=Decision.Kind.DECLINE,
            reason="矩阵测试",
            alliance_name=filed[area].name,
            staged_by=users[organisers[area]],
            staged_at=now,
        )
    # the expert's second assignment (another's): zhuanjia-xx on the Henan proposal
    other_assignment = Assignment.objects.create(
        round=rounds["henan"], proposal=filed["henan"], expert=other_expert, by="auto"
    )
    alliances = {
        "henan": Alliance.objects.filter(profile="henan").order_by("pk").first(),
        "luoyang": Alliance.objects.filter(profile="luoyang").order_by("pk").first(),
        "baoding": Alliance.objects.filter(profile="baoding").order_by("pk").first(),
        "hlj": Alliance.objects.filter(profile="heilongjiang").order_by("pk").first(),
    }
    meetings, alliance_files, change_filings = {}, {}, {}
    for area, alliance in alliances.items():
        workspace = workspace_ensure(alliance=alliance)
        # a change filing awaiting the department (lianmeng.running.changes)
        change_filings[area] = ChangeFiling.objects.create(
            workspace=workspace,
            alliance=alliance,
            kind="address",
            profile=alliance.profile,
            region=alliance.region,
            lead_unit=alliance.lead_unit,
            before={"address": ""},
            after={"address": f"矩阵变更地址{area}"},
            status="submitted",
            filed_at=now,
            created_at=now,
            updated_at=now,
        )
        meetings[area] = Meeting.objects.create(
            workspace=workspace,
            kind="work",
            held_on=now.date(),
            attendance_count=3,
            created_at=now,
            updated_at=now,
        )
        alliance_files[area] = WorkspaceDocument.objects.create(
            workspace=workspace,
            title=f"矩阵联盟文件{area}",
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="alliance.pdf"),
            original_name="alliance.pdf",
            content_type="application/pdf",
            size=15,
            sha256="0" * 64,
            uploaded_by=users[organisers[area]],
            uploaded_at=now,
        )
    # reporting: one submitted report per area's alliance, with an attachment
    from lianmeng.reporting.models import Report, ReportFile

    reports, report_files = {}, {}
    for area, alliance in alliances.items():
        reports[area] = Report.objects.create(
            alliance=alliance,
            profile=alliance.profile,
            kind="agreement_renewal" if area == "hlj" else "major_event",
            content={"description": "矩阵报告"},
            status="submitted",
            region=alliance.region,
            lead_unit=alliance.lead_unit,
            created_at=now,
            submitted_at=now,
        )
        report_files[area] = ReportFile.objects.create(
            report=reports[area],
            field="attachments",
            title=f"矩阵报告附件{area}",
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="report.pdf"),
            original_name="report.pdf",
            content_type="application/pdf",
            size=15,
            sha256="0" * 64,
            uploaded_by=users[organisers[area]],
            uploaded_at=now,
        )
    published = Call.objects.filter(status="published").order_by("-year").first()
    stranger = users["zhuanjia-xx"]

    def notification(user):
        return Notification.objects.create(
            recipient=user,
            event="proposal.recommended",
            subject=f"矩阵消息{user.username}",
            body="矩阵测试",
            created_at=now,
        )

    notes = {name: notification(users[name]) for name in SUBJECTS if name != "anonymous"}
    notes["stranger"] = notification(stranger)
    tokens, token_rows = {}, {}
    for name in [*SUBJECTS[1:], "zhuanjia-xx"]:
        row, key = token_create(actor=users[name], name=f"矩阵令牌{name}")
        tokens[name], token_rows[name] = key, row

    sessions = {}
    for name in SUBJECTS[1:]:
        client = Client()
        client.force_login(users[name])
        sessions[name] = client.cookies[settings.SESSION_COOKIE_NAME].value

    def version_code(proposal):
        version = proposal.versions.order_by("number").first()
        return version.verification_code if version else "NOSUCHCODE"

    def bundle(subject: str, side: str, area: str) -> dict[str, dict[str, Any]]:
        proposal, draft = filed[area], drafts[area]
        if subject == "zhuanjia":  # his own assignment, and another expert's on the same round
            task = assignments["henan"] if side == "own" else other_assignment
        else:
            task = assignments[area]
        for_proposal = {
            "main": proposal,
            "text": proposal.name,
            "pk": proposal.pk,
            "proposal_id": proposal.pk,
            "number": 1,
            "mid": materials[proposal.pk].pk,
            "material_id": materials[proposal.pk].pk,
            "name": "recommend",
            "profile": proposal.profile,
            "decision": decisions[area].pk,
            "index": 1,
            "key": "facts",
            "part": "feasibility",
            "section": "1",
            "revision": proposal.revision,
        }
        for_draft = {
            "main": draft,
            "text": draft.name,
            "pk": draft.pk,
            "proposal_id": draft.pk,
            "mid": materials[draft.pk].pk,
            "material_id": materials[draft.pk].pk,
            "index": 1,
            "key": "facts",
            "part": "feasibility",
            "section": "1",
            "revision": draft.revision,
            "number": 1,
        }
        round_ = rounds[area]
        # the subject's own notification and token, or those of an account outside the matrix
        mine = subject if subject != "anonymous" else "shenbao"
        note = notes[mine] if side == "own" else notes["stranger"]
        token_owner = mine if side == "own" else "zhuanjia-xx"
        return {
            "proposal": for_proposal,
            "draft": for_draft,
            "call": {"main": published, "pk": published.pk, "call_id": published.pk},
            "staff_call": {
                "main": calls[area],
                "text": calls[area].title,
                "pk": calls[area].pk,
                "call_id": calls[area].pk,
            },
            "round": {
                "main": round_,
                "text": round_.title,
                "pk": round_.pk,
                "round_id": round_.pk,
                "assignment_id": assignments[area].pk,
                "proposal": proposal.pk,
                "expert": experts[area].pk,
                "profile": PROFILE_OF[area],
            },
            "assignment": {
                "main": task,
                "text": task.proposal.name,
                "pk": task.pk,
                "assignment_id": task.pk,
            },
            "expert": {
                "main": experts[area],
                "text": experts[area].user.display_name,
                "user_id": experts[area].user_id,
            },
            "alliance": {
                "main": alliances[area],
                "pk": alliances[area].pk,
                "alliance_id": alliances[area].pk,
                "name": "dissolve",  # the lead unit's step of every profile's table
            },
            "meeting": {
                "main": meetings[area],
                "pk": alliances[area].pk,
                "alliance_id": alliances[area].pk,
                "mid": meetings[area].pk,
                "meeting_id": meetings[area].pk,
                "revision": meetings[area].revision,
            },
            "change": {
                "main": change_filings[area],
                "fid": change_filings[area].pk,
                "change_id": change_filings[area].pk,
                "text": change_filings[area].after["address"],
                "revision": change_filings[area].revision,
            },
            "report": {
                "main": reports[area],
                "pk": alliances[area].pk,
                "alliance_id": alliances[area].pk,
                "rid": reports[area].pk,
                "report_id": reports[area].pk,
                "revision": reports[area].revision,
                "name": "accept",
            },
            "report_file": {
                "rid": reports[area].pk,
                "fid": report_files[area].pk,
                "text": report_files[area].title,
            },
            # the annual evaluation: the matrix has no campaign; ids that name no row
            "evaluation": {
                "campaign_id": NO_SUCH_ROW,
                "evaluation_id": NO_SUCH_ROW,
                "objection_id": NO_SUCH_ROW,
                "rectification_id": NO_SUCH_ROW,
                # the pages' path parameters (a campaign or an evaluation, and its evaluation)
                "pk": NO_SUCH_ROW,
                "eid": NO_SUCH_ROW,
                "oid": NO_SUCH_ROW,  # an objection (views_staff.objection_handle)
            },
            # rewards: the matrix has no claim; ids that name no row (a claim, its file, an
            # expert's review, an award, an instalment; tests/rewards/ checks real ones)
            "reward": {
                "claim_id": NO_SUCH_ROW,
                "pk": NO_SUCH_ROW,
                "fid": NO_SUCH_ROW,
                "rid": NO_SUCH_ROW,
                "aid": NO_SUCH_ROW,
                "iid": NO_SUCH_ROW,
            },
            # whatif: the matrix has no what-if draft (tests/whatif/ checks real ones)
            "whatif": {"pk": NO_SUCH_ROW},
            # ipbase: the matrix has no patent or standard (tests/ipbase/ checks real ones)
            "patent": {"pk": NO_SUCH_ROW},
            # jobs: the matrix has no background job (tests/jobs/ checks real ones)
            "job": {"pk": NO_SUCH_ROW},
            # notices: the matrix has no announcement; ids that name no row (tests/notices/)
            "notice": {
                "pk": NO_SUCH_ROW,
                "fid": NO_SUCH_ROW,
                "oid": NO_SUCH_ROW,
                "notice_id": NO_SUCH_ROW,
            },
            # projects (重大项目征集): ids that name no row (a solicitation or a proposal;
            # tests/projects/ checks real ones)
            "project": {
                "pk": NO_SUCH_ROW,
                "solicitation_id": NO_SUCH_ROW,
                "proposal_id": NO_SUCH_ROW,
            },
            "alliance_file": {
                "pk": alliances[area].pk,
                "did": alliance_files[area].pk,
                "text": alliance_files[area].title,
            },
            "decision": {
                "main": decisions[area],
                "pk": decisions[area].pk,
                "decision": decisions[area].pk,
            },
            "notification": {
                "main": note,
                "text": note.subject,
                "notification_id": note.pk,
            },
            "token": {
                "main": token_rows[token_owner],
                "text": token_rows[token_owner].name,
                "token_id": token_rows[token_owner].pk,
            },
            "profile": {"profile_id": PROFILE_OF[area], "profile": PROFILE_OF[area]},
            "event": {"profile": PROFILE_OF[area], "event": "proposal.declined"},
            "user": {"main": users["shenbao"], "pk": users["shenbao"].pk},
            "code": {"code": version_code(proposal)},
            "year": {"year": clock.beijing_now().year},
            "reset": {"uidb64": "MQ", "token": "set-password"},
            "feed": {"token": "no-such-calendar-feed"},
            "jurisdiction": {"code": codes[area]},
            None: {"profile": PROFILE_OF[area], "proposal": proposal.pk},
        }

    bundles = {}
    for subject, (own, other) in AREAS.items():
        for side, area in (("own", own), ("other", other)):
            for obj, params in bundle(subject, side, area).items():
                bundles[(subject, side, obj)] = params
    return World(users=users, sessions=sessions, tokens=tokens, bundles=bundles)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("authz-media")))
    media.enable()
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            media.disable()


# -- expected outcomes -------------------------------------------------------------------------


def expected_allowed(rule: Rule, subject: str, side: str, world: World) -> bool:
    if rule.session_only:
        return False  # the matrix calls the API with tokens
    if rule.roles == PUBLIC:
        return True
    if subject == "anonymous":
        return False
    if rule.roles != SIGNED_IN and not (world.users[subject].role_set() & rule.roles):
        return False
    return rule.scope is None or side == "own"


def _holds(rule: Rule, subject: str, world: World) -> bool:
    """The subject passes the rule's role gate (whatever the object)."""
    if rule.roles == PUBLIC:
        return True
    if subject == "anonymous":
        return False
    return rule.roles == SIGNED_IN or bool(world.users[subject].role_set() & rule.roles)


def _snapshot(rule: Rule, params: dict[str, Any]) -> dict[str, Any]:
    from lianmeng.core.models import AuditEntry

    state: dict[str, Any] = {"audit entries": AuditEntry.objects.count()}
    main = params.get("main")
    if main is not None:
        state["object"] = _rows(type(main).objects.filter(pk=main.pk))
    for label in rule.unchanged:
        state[label] = _rows(apps.get_model(label).objects.order_by("pk"))
    return state


#: fields a request of the subject itself updates (its token's last use), not the target's
VOLATILE = {"last_used_at"}


def _rows(queryset) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in VOLATILE} for row in queryset.values()]


def _is_login_redirect(response) -> bool:
    return response.status_code in (301, 302) and response.get("Location", "").startswith(
        resolve_url(settings.LOGIN_URL)
    )


def _fill(pattern: str, template: str, values: dict[str, Any]) -> str:
    return re.sub(pattern, lambda m: str(values[m.group(1)]), template)


def _said(response) -> str:
    """The start of an API error's message, to tell why a request was answered as it was."""
    if "json" in response.get("Content-Type", ""):
        return response.content.decode(errors="replace")[:160]
    return response.get("Location", "")


def _substitute(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return params.get(value[1:], value)
    if isinstance(value, dict):
        return {k: _substitute(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, params) for v in value]
    return value


def _request(client: Client, method: str, url: str, body: Any, headers: dict[str, str]):
    if method == "GET":
        return client.get(url, headers=headers)
    if isinstance(body, dict) and any(isinstance(v, tuple) for v in body.values()):
        data = {k: _upload(*v) if isinstance(v, tuple) else v for k, v in body.items()}
        return client.generic(method, url, **_multipart(data), headers=headers)
    if body is None:
        return client.generic(method, url, b"", headers=headers)
    return client.generic(
        method, url, json.dumps(body), content_type="application/json", headers=headers
    )


def _upload(name: str, content: bytes | str) -> SimpleUploadedFile:
    if content == "xlsx":
        from io import BytesIO

        from openpyxl import Workbook

        buffer = BytesIO()
        Workbook().save(buffer)
        content = buffer.getvalue()
    return SimpleUploadedFile(name, content)


def _multipart(data: dict[str, Any]) -> dict[str, Any]:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}


def _cases() -> list[tuple[str, str]]:
    return [(key, subject) for key in [*PAGES, *API_PAGES, *API] for subject in SUBJECTS]


@pytest.mark.parametrize(("entry", "subject"), _cases())
def test_matrix(world, db, entry, subject):  # noqa: C901
    api = entry in API
    rule = API[entry] if api else {**PAGES, **API_PAGES}[entry]
    problems = []
    sides = ("own", "other") if rule.obj or rule.body else ("own",)
    if not api and not _holds(rule, subject, world):
        # the page's declared gate (lianmeng.core.access) refuses before any object is read:
        # the other object is asked for by the subjects who pass the gate
        sides = ("own",)
    for side in sides:
        params = world.bundles.get((subject, side, rule.obj), {})
        fallback = world.bundles[(subject, side, None)]
        values = {**fallback, **params}
        if api:
            method, path = entry.split(" ", 1)
            url = _fill(r"{(\w+)}", path, values)
            if rule.query:
                url += "?" + _fill(r"\$(\w+)", rule.query, values)
            methods = (method,)
        else:
            route = url_routes()[entry]
            names = [m.group(2) for m in PARAM.finditer(route)]
            if entry == "api:unknown":
                url = "/api/v1/no-such-operation"
            else:
                url = reverse(entry, kwargs={n: values[n] for n in names})
            methods = rule.methods
        client = Client(enforce_csrf_checks=False)
        headers = {}
        if subject != "anonymous":
            if api:
                headers["Authorization"] = f"Bearer {world.tokens[subject]}"
            else:
                client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[subject]
        allowed = expected_allowed(rule, subject, side, world)
        for method in methods:
            body = _substitute(rule.body, values) if method in WRITES else None
            where = f"{entry} × {subject} × {side} object ({method} {url})"
            savepoint = transaction.savepoint()
            try:
                before = _snapshot(rule, values) if method in WRITES and not allowed else None
                if method in WRITES and not api:
                    response = client.post(url, body or {})
                else:
                    response = _request(client, method, url, body, headers)
                status = response.status_code
                after = _snapshot(rule, values) if before is not None else None
            finally:
                transaction.savepoint_rollback(savepoint)
            if allowed:
                refused = status in (401, 403) or (
                    _is_login_redirect(response) and not rule.to_login_ok
                )
                if status == 404 and not rule.demo_lacks and entry not in NOT_FOUND_BY_DESIGN:
                    refused = True
                if refused:
                    problems.append(f"{where}: expected allowed, got {status} {_said(response)}")
                elif status >= 500:
                    problems.append(f"{where}: server error {status}")
                continue
            if subject == "anonymous" and not api:
                ok = _is_login_redirect(response)
            elif subject == "anonymous" or (api and rule.session_only):
                ok = status in (401, 403)
            else:
                ok = status in (403, 404)
            if not ok:
                problems.append(f"{where}: expected refused, got {status} {_said(response)}")
            text = values.get("text")
            if subject != "anonymous" and text == world.users[subject].display_name:
                text = None  # his own name is on every page he opens
            if method == "GET" and text and text in response.content.decode(errors="replace"):
                problems.append(f"{where}: refused, but the answer shows {text!r}")
            if before is not None and before != after:
                changed = [k for k in before if before[k] != after[k]]
                problems.append(f"{where}: refused, but changed {', '.join(changed)}")
    assert not problems, "\n".join(problems)
