"""文号 of published decisions: ``豫科〔2026〕12号`` — the department's 发文字号, the year in
六角括号, the number. Per department and year a number is used once; the decisions page
suggests the next free one from the department's own earlier numbers (and those of the
legacy registry), and the department may type another (its numbering is shared with all its
other documents)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from lianmeng.core.errors import ValidationFailed
from lianmeng.core.models import Jurisdiction

from .models import Alliance, DecisionNotice

#: 〔2026〕 as typed: 〔〕, [], ［］, (), （）, 【】 are all read as 六角括号
_PATTERN = re.compile(
    r"^\s*(?P<prefix>[^\s\[\]［］()（）【】〔〕]{1,20})\s*[〔\[［(（【]\s*(?P<year>\d{4})\s*[〕\]］)）】]"
    r"\s*第?\s*(?P<number>\d{1,5})\s*号\s*$"
)
#: 发文字号 of the departments the profiles name, used until a department has a number of
#: its own in the system (the legacy registry's numbers come first)
DEFAULT_PREFIXES = {"410000": "豫科", "410300": "洛科", "130600": "保科", "230000": "黑科发"}


@dataclass(frozen=True)
class Reference:
    prefix: str
    year: int
    number: int

    @property
    def text(self) -> str:
        return f"{self.prefix}〔{self.year}〕{self.number}号"


def parse_reference(text: str) -> Reference | None:
    match = _PATTERN.match(text or "")
    if not match:
        return None
    return Reference(match["prefix"], int(match["year"]), int(match["number"]))


def clean_reference(text: str) -> Reference:
    """The typed 文号 in its written form, or a message saying how to write it."""
    if not (text or "").strip():
        raise ValidationFailed(
            _("请填写本批决定的文号，如“豫科〔2026〕12号”。"), details={"field": "reference"}
        )
    reference = parse_reference(text)
    if reference is None or reference.number == 0:
        raise ValidationFailed(
            _("文号“%(text)s”的格式不对，应为“发文字号〔年份〕序号号”，如“豫科〔2026〕12号”。")
            % {"text": text.strip()},
            details={"field": "reference"},
        )
    return reference


def _legacy_references(area: Jurisdiction, year: int | None = None) -> list[Reference]:
    """The 文号 of the area's alliances in the registry, those of ``year`` only when given
    (the year is in the text: a province holds thousands of references, and the decisions page
    asks for one year's, so the database narrows them before any is parsed)."""
    texts = Alliance.objects.filter(jurisdiction=area).exclude(reference="")
    if year is not None:
        texts = texts.filter(reference__contains=str(year))
    found = [parse_reference(t) for t in texts.values_list("reference", flat=True)]
    return [r for r in found if r is not None and (year is None or r.year == year)]


def _latest_legacy_reference(area: Jurisdiction) -> Reference | None:
    """The 文号 of the area's latest decided alliance in the registry that has a readable one
    (the last 发文字号 the department used before the system)."""
    texts = (
        Alliance.objects.filter(jurisdiction=area)
        .exclude(reference="")
        .order_by("-decided_on", "-id")
        .values_list("reference", flat=True)
    )
    for start in range(0, 10_000, 200):  # the first batch nearly always has one
        batch = list(texts[start : start + 200])
        found = [r for r in map(parse_reference, batch) if r is not None]
        if found:
            return max(found, key=lambda r: (r.year, r.number))
        if len(batch) < 200:
            return None
    return None


def department_prefix(area: Jurisdiction) -> str:
    """The 发文字号 the department used last (in the system, else in the legacy registry),
    else the known one of its area, else none (the department types the whole 文号)."""
    last = (
        DecisionNotice.objects.filter(jurisdiction=area)
        .order_by("-published_at", "-id")
        .values_list("prefix", flat=True)
        .first()
    )
    if last:
        return last
    legacy = _latest_legacy_reference(area)
    if legacy is not None:
        return legacy.prefix
    return DEFAULT_PREFIXES.get(area.code, "")


def taken(area: Jurisdiction, reference: Reference) -> bool:
    """Whether the department already used this 文号 (here or in the legacy registry)."""
    if DecisionNotice.objects.filter(
        jurisdiction=area,
        prefix=reference.prefix,
        year=reference.year,
        number=reference.number,
    ).exists():
        return True
    return any(r == reference for r in _legacy_references(area, reference.year))


def next_reference(area: Jurisdiction | None, year: int, prefix: str | None = None) -> str:
    """The next free 文号 of the department for ``year`` (empty when its 发文字号 is unknown);
    ``prefix``: :func:`department_prefix` of ``area``, when the caller has it."""
    if area is None:
        return ""
    if prefix is None:
        prefix = department_prefix(area)
    if not prefix:
        return ""
    used = set(
        DecisionNotice.objects.filter(jurisdiction=area, prefix=prefix, year=year).values_list(
            "number", flat=True
        )
    )
    used |= {r.number for r in _legacy_references(area, year) if r.prefix == prefix}
    return Reference(prefix, year, max(used, default=0) + 1).text
