"""The alliance's registry page links to its reward claims (lead unit) and, for the deciding
department, to the record of 纳入重点支持 and the legal entity (lianmeng.alliances.links)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from lianmeng.core.roles import Role

from . import selectors


def alliance_links(viewer: Any, alliance: Any) -> list[dict[str, str]]:
    if not getattr(viewer, "is_authenticated", False):
        return []
    if selectors.config_of(alliance.profile) is None:
        return []
    links: list[dict[str, str]] = []
    lead = viewer.unit_id == alliance.lead_unit_id and viewer.has_role(Role.APPLICANT)
    if lead and alliance.status in selectors.CLAIMING_STATES:
        links.append(
            {
                "label": _("奖补申请"),
                "url": reverse("rewards:claims") + "?" + urlencode({"q": alliance.name}),
                "kind": "rewards",
            }
        )
    if selectors.decides(viewer, alliance.profile):
        links.append(
            {
                "label": _("奖补申请"),
                "url": reverse("rewards:claims") + "?" + urlencode({"q": alliance.name}),
                "kind": "rewards",
            }
        )
        links.append(
            {
                "label": _("扶持认定情况"),
                "url": reverse("rewards:facts", args=[alliance.pk]),
                "kind": "rewards_facts",
            }
        )
    return links
