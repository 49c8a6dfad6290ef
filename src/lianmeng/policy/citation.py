"""出处 {seed, article}：每个政策取值都带出处。

Kept apart from :mod:`lianmeng.policy.models` so that the lifecycle models can use it too
(``models`` imports ``lifecycle``). ``models`` re-exports it.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Citation"]


class Citation(BaseModel):
    """出处：seed 文件名和条款，如 ``{seed = "001_….txt", article = "二(一)2(3)"}``."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    seed: Annotated[str, Field(min_length=1)]
    article: Annotated[str, Field(min_length=1)]

    def label(self) -> str:
        return f"{self.seed} {self.article}"
