"""What this app registers with lower ones (AppConfig.ready): the links on the registry page
(lianmeng.alliances.links) and its certificates on the verification page
(lianmeng.proposals.verifiable)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from lianmeng.alliances.links import register_page_links
from lianmeng.proposals.verifiable import Verified, register_verifiable

from . import selectors


def links(viewer: Any, alliance: Any) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    if selectors.construction_of(alliance.profile) is None or not viewer.is_authenticated:
        return found
    if selectors.relation(viewer, alliance) is not None:
        found.append(
            {
                "label": _("筹建与验收"),
                "url": reverse("construction:detail", args=[alliance.pk]),
                "kind": "construction",
            }
        )
    if selectors.may_download_certificate(viewer, alliance) and selectors.certificate_of(alliance):
        found.append(
            {
                "label": _("认定证书（PDF）"),
                "url": reverse("construction:certificate", args=[alliance.pk]),
                "kind": "certificate",
            }
        )
    return found


def workspace_links(alliance: Any, *, reads: bool) -> list[dict[str, str]]:
    """The same links on the alliance workspace (lianmeng.running), whose page already knows
    the viewer's relation: ``reads`` for the lead unit and the departments of the area. At
    most one query (the certificate, once the alliance is recognised)."""
    if not reads or selectors.construction_of(alliance.profile) is None:
        return []
    found = [
        {
            "label": _("筹建与验收"),
            "url": reverse("construction:detail", args=[alliance.pk]),
            "kind": "construction",
        }
    ]
    if alliance.status == "recognised" and selectors.certificate_of(alliance) is not None:
        found.append(
            {
                "label": _("认定证书（PDF）"),
                "url": reverse("construction:certificate", args=[alliance.pk]),
                "kind": "certificate",
            }
        )
    return found


def verify(code: str) -> Verified | None:
    certificate = selectors.certificate_by_code(code)
    if certificate is None:
        return None
    alliance = certificate.alliance
    warning = ""
    if alliance.status != "recognised":
        warning = _("注意：该联盟目前的状态为“%(state)s”，认定已不再有效。") % {
            "state": alliance.get_status_display()
        }
    return Verified(
        kind="certificate",
        title=_("核验码有效：这是本系统出具的认定证书。"),
        rows=[
            (_("文件"), _("认定证书")),
            (_("联盟名称"), alliance.name),
            (_("牵头单位"), alliance.lead_unit.name),
            (_("认定结论"), certificate.outcome),
            (_("认定部门"), certificate.department),
            (_("认定日期"), certificate.recognised_on.strftime("%Y年%-m月%-d日")),
        ],
        note=_("核对方法：证书下方印有核验码和二维码；核验结果与证书内容一致即为真实。"),
        warning=warning,
    )


def register_all() -> None:
    register_page_links("construction", links)
    register_verifiable("certificate", verify)
