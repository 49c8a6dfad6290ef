"""政策有效期：某一时刻政策档案是否有效，无效时为什么（纯 Python，不依赖 Django）。

The one place that decides whether profile P is in force at moment T. Both ends of
``[validity]`` are inclusive Beijing dates; an absent end is open. A datetime is judged by its
Beijing date (a naive datetime is Beijing time), so 2020-12-31 23:59:59+08:00 is inside
Luoyang's validity and 2020-12-31 16:00:00Z (= 2021-01-01 00:00 Beijing) is not.

:func:`lapse` returns the structured reason — which document, its 文号, its dates — that the
app layers turn into a sentence in the reader's language (``lianmeng.core.validity``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from lianmeng.policy.models import Profile
from lianmeng.policy.timeutil import as_beijing

__all__ = ["Lapse", "beijing_day", "in_force", "lapse", "window_inside"]


@dataclass(frozen=True)
class Lapse:
    """Why a profile is not in force on ``day``: ``expired`` (after ``valid_until``) or
    ``not_yet`` (before ``valid_from``); the profile's own document names it."""

    profile: str
    reason: Literal["expired", "not_yet"]
    day: date
    title: str
    number: str | None
    valid_from: date | None
    valid_until: date | None

    @property
    def document(self) -> str:
        """《title》（文号）, or 《title》 when the document has no number."""
        return f"《{self.title}》" + (f"（{self.number}）" if self.number else "")


def beijing_day(at: date | datetime) -> date:
    """The Beijing date of ``at`` (a date is taken as it is)."""
    if isinstance(at, datetime):
        return as_beijing(at).date()
    return at


def _bounds(profile: Profile) -> tuple[date | None, date | None]:
    validity = profile.validity
    start = validity.valid_from.value if validity.valid_from else None
    end = validity.valid_until.value if validity.valid_until else None
    return start, end


def lapse(profile: Profile, at: date | datetime) -> Lapse | None:
    """None when ``profile`` is in force at ``at``; else why not."""
    day = beijing_day(at)
    start, end = _bounds(profile)
    if start is not None and day < start:
        reason: Literal["expired", "not_yet"] = "not_yet"
    elif end is not None and day > end:
        reason = "expired"
    else:
        return None
    doc = profile.documents[0]
    return Lapse(
        profile=profile.id,
        reason=reason,
        day=day,
        title=doc.title.value,
        number=doc.number.value if doc.number else None,
        valid_from=start,
        valid_until=end,
    )


def in_force(profile: Profile, at: date | datetime) -> bool:
    """Whether ``profile`` is in force at ``at`` (Beijing date, both ends inclusive)."""
    return lapse(profile, at) is None


def window_inside(
    profile: Profile, opens: date | datetime, closes: date | datetime
) -> Lapse | None:
    """None when the whole window ``opens``–``closes`` lies within the profile's validity;
    else the lapse at the first end that falls outside it."""
    return lapse(profile, opens) or lapse(profile, closes)
