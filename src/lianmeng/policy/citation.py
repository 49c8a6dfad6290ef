"""出处 {seed, article}：每个政策取值都带出处。

Kept apart from :mod:`lianmeng.policy.models` so that the lifecycle models can use it too
(``models`` imports ``lifecycle``). ``models`` re-exports it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Citation", "cite"]


class Citation(BaseModel):
    """出处：seed 文件名和条款，如 ``{seed = "001_….txt", article = "二(一)2(3)"}``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    seed: Annotated[str, Field(min_length=1)]
    article: Annotated[str, Field(min_length=1)]

    def label(self) -> str:
        """Machine form ``seed article`` (logs, ``lianmeng check``); people read :func:`cite`."""
        return f"{self.seed} {self.article}"


def cite(
    citation: Citation | dict[str, Any], documents: Iterable[Any], *, number: bool = False
) -> str:
    """The citation as a person reads it: ``《河南省产业技术创新战略联盟发展工程实施方案》五(一)``.

    ``documents`` are the profile's :class:`~lianmeng.policy.models.PolicyDocument` entries;
    the document whose ``seed`` the citation names gives the title (and, with ``number``, its
    文号). Never the seed file name: a citation of a file the profile does not name reads as
    its article alone. ``citation`` may be the API's ``{seed, article}`` dict.
    """
    if isinstance(citation, dict):
        seed, article = str(citation.get("seed") or ""), str(citation.get("article") or "")
    else:
        seed, article = citation.seed, citation.article
    doc = next((d for d in documents if d.seed and d.seed == seed), None)
    if doc is None:
        return article
    title = f"《{doc.title.value}》"
    if number and doc.number is not None:
        title += f"（{doc.number.value}）"
    return f"{title}{article}"
