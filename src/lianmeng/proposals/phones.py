"""Chinese telephone numbers as typed into the 建议书 (section 一, 联盟联系人).

The interchange format takes any string for ``contact.phone`` / ``mobile`` / ``fax`` (an
imported document is not refused for a number written its own way), so these rules belong
to the online form only: what a person types is checked, tidied and stored in one written
form, or refused with a message that says what to type instead.

- a landline (固定电话) is 区号 + 号码: ``010`` or ``02x`` followed by 8 digits, or a
  four-digit area code (``0371``, ``0312`` …) followed by 7 or 8 digits; the number never
  starts with 0 or 1. An extension (分机) may follow, 1–6 digits, written ``-801``, ``转801``
  or ``ext. 801``. Stored as ``0371-64581230`` or ``0371-64581230-801``.
- a mobile number (手机) has 11 digits, ``1`` then ``3``–``9``; ``+86``/``0086`` in front is
  dropped. Stored as ``13812345678``.

Spaces, dashes, brackets around the area code and full-width digits are accepted as typed.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext

__all__ = [
    "PhoneInvalid",
    "normalise_fax",
    "normalise_landline",
    "normalise_mobile",
    "normalise_phone",
]

#: 010 and 02x (three digits, eight-digit numbers), or 0 + three digits (0371, 0312 …)
_NUMBER = re.compile(r"(?P<area>0(?:10|2\d|[3-9]\d{2}))(?P<local>[2-9]\d{6,7})")
_EXTENSION = re.compile(r"(.*?)\s*(?:转|分机|ext\.?|x|#)\s*(\d{1,6})", re.IGNORECASE)
_LANDLINE_CHARS = re.compile(r"[\d\s\-‐–—()（）]+")
_COUNTRY = re.compile(r"^(?:\+\s*86|0086)[\s\-]*")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LOCAL_ONLY = re.compile(r"[2-9]\d{6,7}")


class PhoneInvalid(ValueError):
    """Not a number of the kind asked for; ``message`` says what to type (active language)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _normal(text: str) -> str:
    """Full-width digits and signs to ASCII, the country code (+86, 0086) dropped."""
    return _COUNTRY.sub("", unicodedata.normalize("NFKC", text).strip())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", _normal(text))


def _as_landline(digits: str, extension: str) -> str | None:
    match = _NUMBER.fullmatch(digits)
    if match is None:
        return None
    area, local = match.group("area"), match.group("local")
    if len(area) == 3 and len(local) != 8:  # 010, 02x: eight-digit numbers only
        return None
    return f"{area}-{local}-{extension}" if extension else f"{area}-{local}"


def _landline(text: str) -> str | None:
    """``0371-64581230`` / ``0371-64581230-801``, or None when ``text`` is not a landline
    with its area code."""
    rest, extension = _normal(text), ""
    marked = _EXTENSION.fullmatch(rest)
    if marked is not None:
        rest, extension = marked.group(1), marked.group(2)
    if not rest or not _LANDLINE_CHARS.fullmatch(rest):
        return None
    groups = re.findall(r"\d+", rest)
    readings = [("".join(groups), extension)]
    if not extension and len(groups) >= 2 and len(groups[-1]) <= 6:
        # "0371-64581230-801", "037164581230-801": when the groups before the last make a
        # whole number, the last is its extension ("0371-64581230" stays one number: "0371"
        # alone is none)
        readings.insert(0, ("".join(groups[:-1]), groups[-1]))
    for digits, ext in readings:
        number = _as_landline(digits, ext)
        if number is not None:
            return number
    return None


def _mobile(text: str) -> str | None:
    compact = re.sub(r"[\s\-‐–—]", "", _normal(text))
    if len(compact) == 13 and compact.startswith("86"):
        compact = compact[2:]
    return compact if _MOBILE.fullmatch(compact) else None


def _no_area_code(text: str) -> bool:
    return bool(_LOCAL_ONLY.fullmatch(_digits(text)))


def normalise_landline(text: str) -> str:
    """A landline with its area code, tidied; else :class:`PhoneInvalid`."""
    number = _landline(text)
    if number is not None:
        return number
    if _no_area_code(text):
        raise PhoneInvalid(gettext("固定电话请写明区号，如 0371-64581230"))
    raise PhoneInvalid(
        gettext(
            "请输入有效的固定电话：区号-号码，如 0371-64581230；"
            "有分机号的写在后面，如 0371-64581230-801"
        )
    )


def normalise_mobile(text: str) -> str:
    """An 11-digit mainland mobile number; else :class:`PhoneInvalid`."""
    number = _mobile(text)
    if number is not None:
        return number
    compact = re.sub(r"[\s\-‐–—]", "", _normal(text))
    if compact.isdigit() and compact.startswith("1") and len(compact) != 11:
        raise PhoneInvalid(
            gettext("手机号码应为 11 位数字（现为 %(count)s 位），如 13812345678")
            % {"count": len(compact)}
        )
    raise PhoneInvalid(gettext("请输入 11 位手机号码：以 1 开头，第二位为 3–9，如 13812345678"))


def normalise_phone(text: str) -> str:
    """电话: a landline with its area code (and extension), or a mobile number."""
    number = _landline(text) or _mobile(text)
    if number is not None:
        return number
    if _no_area_code(text):
        raise PhoneInvalid(gettext("固定电话请写明区号，如 0371-64581230"))
    raise PhoneInvalid(
        gettext(
            "请输入有效的电话号码：固定电话写明区号，如 0371-64581230"
            "（分机号写在后面，如 0371-64581230-801），或 11 位手机号码"
        )
    )


def normalise_fax(text: str) -> str:
    """传真: a landline with its area code."""
    number = _landline(text)
    if number is None:
        raise PhoneInvalid(gettext("请输入有效的传真号码：区号-号码，如 0371-64581231"))
    return number
