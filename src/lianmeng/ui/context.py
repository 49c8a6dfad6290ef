"""The ``navigation`` context processor: menu entries by role, and who the viewer is.

The unread count on the messages entry comes from ``reviews.context.unread`` (registered after
this one), so the layout needs nothing from the apps above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianmeng.core.roles import ADMIN_ROLES, UNIT_ROLES, Role

PUBLIC = None
LOGIN = ""


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: Promise
    #: ``PUBLIC`` (anyone), ``LOGIN`` (any signed-in user) or a django-rules permission
    access: str | None
    #: url names that mark this entry as the current one
    section: tuple[str, ...] = ()
    #: for a signed-in viewer, listed under "更多" (the menu stays on one line); flat otherwise
    more: bool = False


#: menu labels carry the context "nav": in English they are short (Review, Registry …) so
#: the menu stays on one line, while page titles keep their full names
NAV: tuple[NavEntry, ...] = (
    NavEntry("web:index", pgettext_lazy("nav", "首页"), PUBLIC, ("index",)),
    NavEntry("web:home", pgettext_lazy("nav", "工作台"), LOGIN, ("home",)),
    NavEntry("calls:list", pgettext_lazy("nav", "申报通知"), PUBLIC, ("list", "detail")),
    NavEntry(
        "calls:staff_list",
        pgettext_lazy("nav", "通知管理"),
        "calls.manage_calls",
        ("staff_list", "staff_create", "staff_edit"),
    ),
    NavEntry(
        "proposals:confirmations",
        pgettext_lazy("nav", "成员确认"),
        "proposals.confirm_membership",
        ("confirmations",),
    ),
    NavEntry(
        "web:proposal_list",
        pgettext_lazy("nav", "申报管理"),
        "proposals.list_proposals",
        ("proposal_list", "proposal_detail"),
    ),
    NavEntry(
        "reviews:inbox",
        pgettext_lazy("nav", "推荐与审核"),
        "reviews.review_proposals",
        ("inbox", "review", "acceptance", "recommendations", "zone_filings", "notification_texts"),
    ),
    NavEntry("experts:round_list", pgettext_lazy("nav", "专家评审"), "experts.manage_rounds"),
    NavEntry("alliances:decisions", pgettext_lazy("nav", "决定"), "alliances.decide"),
    NavEntry("experts:inbox", pgettext_lazy("nav", "评审任务"), "experts.review"),
    NavEntry(
        "evaluation:tasks", pgettext_lazy("nav", "评价任务"), "evaluation.score", ("tasks", "score")
    ),
    NavEntry(
        "evaluation:mine",
        pgettext_lazy("nav", "绩效评价"),
        "evaluation.self_evaluate",
        ("mine", "self_edit"),
    ),
    NavEntry("alliances:registry", pgettext_lazy("nav", "联盟名录"), PUBLIC),
    # the dashboards, overlap and chain analysis (政策推演 is reached from the dashboard)
    NavEntry(
        "insight:dashboard",
        pgettext_lazy("nav", "数据"),
        "insight.view",
        (
            "dashboard",
            "alliances",
            "proposals",
            "overlap",
            "overlap_unit",
            "network",
            "chains",
            "chain_alliance",
        ),
    ),
    NavEntry(
        "projects:solicitations",
        pgettext_lazy("nav", "项目征集"),
        "projects.manage",
        ("solicitations", "solicitation", "solicitation_new", "solicitation_edit"),
        more=True,
    ),
    NavEntry(
        "projects:home",
        pgettext_lazy("nav", "项目征集"),
        "projects.file",
        ("home", "proposal", "proposal_new"),
        more=True,
    ),
    NavEntry(
        "evaluation:campaigns",
        pgettext_lazy("nav", "绩效评价"),
        "evaluation.department",
        # 择优支持 is reached from the campaigns page (the menu stays on one line)
        (
            "campaigns",
            "campaign",
            "campaign_new",
            "campaign_evaluators",
            "objections",
            "preferential",
        ),
    ),
    NavEntry(
        "evaluation:rectifications",
        pgettext_lazy("nav", "整改"),
        "evaluation.department",
        ("rectifications", "rectification"),
    ),
    NavEntry(
        "rewards:claims",
        pgettext_lazy("nav", "奖补"),
        "rewards.menu",
        (
            "claims",
            "claim",
            "claim_new",
            "batches",
            "batch",
            "budgets",
            "ledger",
            "facts",
        ),
    ),
    NavEntry(
        "schedule:calendar",
        pgettext_lazy("nav", "期限日历"),
        "schedule.view_calendar",
        ("calendar", "feed_manage"),
    ),
    NavEntry(
        "reviews:notification_list", pgettext_lazy("nav", "消息"), LOGIN, ("notification_list",)
    ),
    # public: announcements and 公示 (staff manage them from the same list), the patent pool
    NavEntry(
        "notices:list",
        pgettext_lazy("nav", "公告"),
        PUBLIC,
        (
            "list",
            "detail",
            "objection_new",
            "staff_list",
            "staff_new",
            "staff_detail",
            "staff_objections",
            "staff_objection",
        ),
        more=True,
    ),
    NavEntry(
        "ipbase:patents",
        pgettext_lazy("nav", "专利标准"),
        PUBLIC,
        ("patents", "patent", "standards", "standard", "alliance", "patent_new", "standard_new"),
        more=True,
    ),
    NavEntry(
        "web:policy_list",
        pgettext_lazy("nav", "政策档案"),
        PUBLIC,
        ("policy_list", "policy_detail"),
        more=True,
    ),
    NavEntry(
        "web:user_list", pgettext_lazy("nav", "用户管理"), "core.manage_users", ("user_list",)
    ),
    NavEntry("web:security", pgettext_lazy("nav", "安全管理"), "core.view_security", ("security",)),
    NavEntry(
        "web:audit_list", pgettext_lazy("nav", "审计日志"), "core.view_audit", ("audit_list",)
    ),
)


@cache
def app_version() -> str:
    try:
        return version("lianmeng")
    except PackageNotFoundError:
        return "dev"


def _visible(entry: NavEntry, user: Any) -> bool:
    if entry.access is PUBLIC:
        return entry.url_name != "web:index" or not user.is_authenticated
    if not user.is_authenticated:
        return False
    return entry.access == LOGIN or user.has_perm(entry.access)


def role_labels(user: Any) -> list[str]:
    """The viewer's role names, in the order of ``Role``."""
    held = user.role_set() if user.is_authenticated else frozenset()
    return [str(role.label) for role in Role if role.value in held]


def place_label(user: Any) -> str:
    """Where the viewer acts: the unit for unit-side roles, else the jurisdiction."""
    if not user.is_authenticated:
        return ""
    held = user.role_set()
    if held & UNIT_ROLES and user.unit_id:
        return user.unit.name
    if user.jurisdiction_id:
        return user.jurisdiction.name
    if user.unit_id:
        return user.unit.name
    if held & ADMIN_ROLES:
        return str(_("系统管理"))
    return ""


#: the entry that carries the viewer's unread count (``unread_count``, set by reviews.context)
UNREAD_ENTRY = "reviews:notification_list"


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match is not None else None
    current = match.url_name if match is not None else None
    entries: list[dict[str, Any]] = []
    more: list[dict[str, Any]] = []
    authenticated = user is not None and user.is_authenticated
    if user is not None:
        for entry in NAV:
            if _visible(entry, user):
                (more if entry.more and authenticated else entries).append(
                    {
                        "url": reverse(entry.url_name),
                        "label": entry.label,
                        "active": namespace == entry.url_name.split(":", 1)[0]
                        and current in entry.section,
                        # unread notices: a decision on its proposal is how a lead unit learns it
                        "unread": entry.url_name == UNREAD_ENTRY,
                    }
                )
    return {
        "nav_entries": entries,
        "nav_more": more,
        "nav_more_active": any(e["active"] for e in more),
        "viewer_roles": role_labels(user) if authenticated else [],
        "viewer_place": place_label(user) if authenticated else "",
        "app_version": app_version(),
    }
