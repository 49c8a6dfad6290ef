"""The alliance's registry page links to what it reported to the patent and standard base
(lianmeng.alliances.links): everyone sees the link; the lead unit's applicants report there."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _


def alliance_links(viewer: Any, alliance: Any) -> list[dict[str, str]]:
    return [
        {
            "label": _("专利与标准"),
            "url": reverse("ipbase:alliance", args=[alliance.pk]),
            "kind": "ipbase",
        }
    ]
