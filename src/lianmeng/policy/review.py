"""专家评审配置（profile 的 ``[review]`` 表）：评审标准、权重与回避规则（M-22）。

Pure Python (no Django). A profile's review section names the criteria experts score, each with
its weight (the weights add up to 100) and the article the criterion comes from, and whether an
expert whose unit lies in the proposal's recommending area must stand aside. The seeds name the
criteria but not their weights; the weights are the platform's, written down in each file.

A criterion is scored from 0 to its ``max_score``; an expert's weighted total for a proposal is
``Σ score / max_score × weight``, so it lies between 0 and 100 whatever the scales.

``lianmeng.policy.models`` imports this module for ``Profile.review``; citations come from
:mod:`lianmeng.policy.citation`, so the loader checks them like every other citation.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lianmeng.policy.citation import Citation

__all__ = ["CitedFlag", "ReviewConfig", "ReviewCriterion"]

Text = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class CitedFlag(_Strict):
    """A yes/no policy value with its citation."""

    value: bool
    citation: Citation


class ReviewCriterion(_Strict):
    """一项评审标准: ``[[review.criteria]]``."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: Text
    description: Text | None = None
    weight: Annotated[int, Field(ge=1, le=100)]
    max_score: Annotated[int, Field(ge=1, le=100)] = 100
    citation: Citation


class ReviewConfig(_Strict):
    """``[review]``: criteria with weights adding up to 100, and the area rule."""

    #: an expert whose unit (or whose own region) lies in the area of the department that
    #: recommended the proposal is not assigned to it
    exclude_same_area: CitedFlag
    criteria: list[ReviewCriterion] = Field(min_length=1)

    @model_validator(mode="after")
    def _weights_and_keys(self) -> ReviewConfig:
        total = sum(c.weight for c in self.criteria)
        if total != 100:
            raise ValueError(f"评审标准的权重之和应为 100，现为 {total}")
        keys = [c.key for c in self.criteria]
        if len(set(keys)) != len(keys):
            raise ValueError("评审标准的 key 不能重复")
        return self

    def criterion(self, key: str) -> ReviewCriterion | None:
        return next((c for c in self.criteria if c.key == key), None)
