"""Human names for what the policy layer identifies by key (issue 11): a citation as
``《文件标题》条款`` (never the seed file name), a profile as its 辖区 name (never its id).

Every page, PDF, workbook, notification and API *message* goes through these; the
machine-readable forms (``{seed, article}``, profile ids) stay in JSON fields and attributes.
"""

from __future__ import annotations

from typing import Any

from lianmeng.policy.citation import cite as _cite
from lianmeng.policy.loader import UnknownProfileError, get_profile

__all__ = ["cite_text", "profile_name"]


def _profile(profile: Any) -> Any:
    if profile is None or profile == "":
        return None
    if hasattr(profile, "documents"):
        return profile
    try:
        return get_profile(str(profile))
    except UnknownProfileError:
        return None


def _parts(citation: Any) -> dict[str, str]:
    if isinstance(citation, dict):
        return {
            "seed": str(citation.get("seed") or ""),
            "article": str(citation.get("article") or ""),
        }
    return {
        "seed": str(getattr(citation, "seed", "") or ""),
        "article": str(getattr(citation, "article", "") or ""),
    }


def cite_text(citation: Any, profile: Any, *, number: bool = False) -> str:
    """``《河南省产业技术创新战略联盟发展工程实施方案》五(一)``; the article alone when the
    profile does not name the document. ``citation``: a Citation, ``{seed, article}`` or a
    view with ``seed``/``article``; a text such as ``Citation.label()`` is shown without its
    file name."""
    if citation is None or citation == "":
        return ""
    if isinstance(citation, str):
        seed, _sep, article = citation.partition(" ")
        parts = {"seed": seed, "article": article} if article else {"seed": "", "article": seed}
    else:
        parts = _parts(citation)
    found = _profile(profile)
    if found is None:
        return parts["article"]
    return _cite(parts, found.documents, number=number)


def profile_name(profile: Any) -> str:
    """河南省 for ``henan``; an unknown id as it is."""
    found = _profile(profile)
    return found.name.value if found is not None else str(profile or "")
